// Embedding: one tag across origins, attributes, the key, events, removal,
// many widgets, the JS API, hostile CSS and a strict CSP.
import { test, expect } from '@playwright/test';
import { uniqueBatch, watchConsole, widgetText, requestsFor, keyOnParse } from './helpers.mjs';

const KEY = 'sk_e2e_embed_SECRET_1234';
const SIM = 'http://127.0.0.1:18080';

/** A host page on http://localhost:18080 loading the widget from http://127.0.0.1:18080. */
function hostPage(attributes) {
  const query = new URLSearchParams({ src: `${SIM}/batch-status.js`, 'workspace-id': 'ws_e2e', 'api-base': SIM, ...attributes });
  return `http://localhost:18080/__sim/host-page?${query}`;
}

test.beforeEach(async ({ page }) => {
  await keyOnParse(page, KEY);
});

test('one tag on a page of another origin loads the widget and its wasm', async ({ page }) => {
  const console = watchConsole(page);
  const batch = uniqueBatch();
  await page.goto(hostPage({ 'batch-id': batch }));
  const widget = page.locator('batch-status');
  await expect(widget.locator('[part=status]')).toHaveText(/Queued|Processing|Completed/);
  expect(new URL(page.url()).origin).not.toBe(SIM);
  const requests = await requestsFor(page.request, batch);
  expect(requests[0].origin).toBe('http://localhost:18080');
  // Loading the script a second time (another URL, another module instance) is harmless.
  await page.evaluate((src) => import(`${src}?again`), `${SIM}/batch-status.js`);
  await expect(widget.locator('[part=status]')).toHaveText(/Queued|Processing|Completed/);
  expect(console).toEqual([]);
});

test('attribute changes take effect at once, and a new batch never shows the old data', async ({ page }) => {
  const first = uniqueBatch();
  const second = 'fixture-completed';
  await page.goto(hostPage({ 'batch-id': first }));
  const widget = page.locator('batch-status');
  await expect(widget.locator('.bs-id')).toHaveText(first);
  await expect(widget.locator('[role=progressbar]')).toHaveAttribute('aria-valuemax', '180');

  await widget.evaluate((el, id) => el.setAttribute('batch-id', id), second);
  // Synchronously after the change: the old batch's numbers are gone.
  const textRightAfter = await widgetText(widget);
  expect(textRightAfter).not.toContain(first);
  expect(textRightAfter).not.toContain('180');
  await expect(widget.locator('.bs-id')).toHaveText('batch_done_42');
  await expect(widget).toHaveAttribute('status', 'completed');

  await widget.evaluate((el) => el.setAttribute('theme', 'dark'));
  await expect(widget.locator('.bs')).toHaveClass(/theme-dark/);
  await widget.evaluate((el) => el.setAttribute('max-rows', '3'));
  await expect(widget.locator('tbody tr')).toHaveCount(3);
  await expect(widget.locator('tbody')).toContainText('+1 •••• ••0000');
  await widget.evaluate((el) => el.setAttribute('mask-phones', 'off'));
  await expect(widget.locator('tbody')).toContainText('+14155550000');
  await widget.evaluate((el) => el.setAttribute('locale', 'de-DE'));
  await expect(widget.locator('.bs-stat.is-started dd')).toHaveText(/^\d{2}\.\d{2}\.\d{4}/);
});

test('the key appears in no attribute, URL, event or console line', async ({ page }) => {
  const console = watchConsole(page);
  const batch = uniqueBatch();
  await page.goto(hostPage({ 'batch-id': batch }));
  await page.evaluate(() => {
    window.__events = [];
    for (const name of ['batch-update', 'batch-complete', 'batch-error']) {
      document.addEventListener(name, (e) => window.__events.push(JSON.stringify({ name, detail: e.detail })));
    }
  });
  const widget = page.locator('batch-status');
  await expect(widget).toHaveAttribute('status', 'completed', { timeout: 30_000 });
  // An error too: a batch that does not exist.
  await widget.evaluate((el) => el.setAttribute('batch-id', 'missing_batch'));
  await expect(widget.locator('[part=error]')).toContainText('not found');
  const events = await page.evaluate(() => window.__events);
  expect(events.some((e) => e.includes('batch-update'))).toBeTruthy();
  expect(events.some((e) => e.includes('batch-error'))).toBeTruthy();
  expect(events.join('\n')).not.toContain(KEY);
  const everything = await page.evaluate(() => {
    const parts = [location.href, document.documentElement.outerHTML];
    for (const el of document.querySelectorAll('*')) {
      for (const attr of el.attributes) parts.push(`${attr.name}=${attr.value}`);
      if (el.shadowRoot) {
        parts.push(el.shadowRoot.innerHTML);
        for (const inner of el.shadowRoot.querySelectorAll('*')) {
          for (const attr of inner.attributes) parts.push(`${attr.name}=${attr.value}`);
        }
      }
    }
    return parts.join('\n');
  });
  expect(everything).not.toContain(KEY);
  expect(await widget.evaluate((el) => el.apiKey)).toBeUndefined();
  expect(await widget.evaluate((el) => el.hasApiKey)).toBe(true);
  expect(console.join('\n')).not.toContain(KEY);
  const requests = await requestsFor(page.request, batch);
  expect(requests.every((r) => r.apiKey === KEY && !r.path.includes(KEY))).toBeTruthy();
});

test('events carry the status, and batch-complete fires exactly once', async ({ page }) => {
  const batch = uniqueBatch();
  await page.addInitScript(() => {
    window.__updates = [];
    window.__completes = [];
    document.addEventListener('batch-update', (e) => window.__updates.push(e.detail));
    document.addEventListener('batch-complete', (e) => window.__completes.push(e.detail));
  });
  await page.goto(hostPage({ 'batch-id': batch, interval: '1' }));
  const widget = page.locator('batch-status');
  await expect(widget).toHaveAttribute('status', 'completed', { timeout: 30_000 });
  await widget.evaluate((el) => el.refresh());
  await expect.poll(() => page.evaluate(() => window.__updates.length)).toBeGreaterThan(2);
  const updates = await page.evaluate(() => window.__updates);
  const last = updates[updates.length - 1];
  expect(last).toMatchObject({ batchId: batch, status: 'completed', isComplete: true, total: 180, percentFinished: 100 });
  expect(last.completed + last.failed).toBe(180);
  expect(last.recentCalls[0].phoneNumber).toMatch(/^\+1 •••• ••\d{4}$/);
  const completes = await page.evaluate(() => window.__completes);
  expect(completes).toHaveLength(1);
  expect(completes[0].status).toBe('completed');
});

test('batch-error says what went wrong, with the HTTP status', async ({ page }) => {
  // Listening from the start: the answer may come before the page's load event.
  await page.addInitScript(() => {
    window.__firstError = new Promise((resolve) => {
      document.addEventListener('batch-error', (e) => resolve(e.detail), { once: true });
    });
  });
  await page.goto(hostPage({ 'batch-id': 'nope_batch' }));
  expect(await page.evaluate(() => window.__firstError)).toEqual({
    kind: 'not-found',
    status: 404,
    message: expect.stringContaining('Batch nope_batch was not found in workspace ws_e2e'),
    final: true,
  });
});

test('a removed widget makes no request; added back, it resumes', async ({ page }) => {
  const batch = uniqueBatch();
  await page.clock.install();
  await page.goto(hostPage({ 'batch-id': batch, interval: '5' }));
  const widget = page.locator('batch-status');
  await expect(widget.locator('[part=status]')).toHaveText(/Queued|Processing/);
  await page.clock.pauseAt(Date.now() + 1000);
  await page.evaluate(() => { window.__parked = document.querySelector('batch-status'); window.__parked.remove(); });
  const before = (await requestsFor(page.request, batch)).length;
  await page.clock.runFor(10 * 60_000);
  expect((await requestsFor(page.request, batch)).length).toBe(before);
  expect(await page.evaluate(() => window.__parked.shadowRoot.childElementCount)).toBe(0);
  await page.evaluate(() => document.body.append(window.__parked));
  await expect.poll(async () => (await requestsFor(page.request, batch)).length).toBe(before + 1);
  await expect(widget.locator('[role=progressbar]')).toHaveAttribute('aria-valuemax', '180');
});

test('six widgets on one page are independent', async ({ page }) => {
  const console = watchConsole(page);
  await page.goto('/examples/six-widgets.html');
  const widgets = page.locator('batch-status');
  await expect(widgets).toHaveCount(6);
  for (let i = 0; i < 6; i += 1) {
    await expect(widgets.nth(i).locator('[role=progressbar]')).toHaveAttribute('aria-valuemax', '180');
  }
  await expect(widgets.nth(1).locator('.bs')).toHaveClass(/theme-dark/);
  await expect(widgets.nth(3).locator('.bs-legend')).toContainText(/\d/);
  await expect(widgets.nth(5).locator('table')).toHaveCount(0);
  // Pausing one leaves the others polling.
  await widgets.nth(0).evaluate((el) => el.pause());
  const paused = (await requestsFor(page.request, 'demo-six-1')).length;
  const other = (await requestsFor(page.request, 'demo-six-2')).length;
  await expect.poll(async () => (await requestsFor(page.request, 'demo-six-2')).length).toBeGreaterThan(other);
  expect((await requestsFor(page.request, 'demo-six-1')).length).toBe(paused);
  for (let i = 1; i <= 6; i += 1) {
    const requests = await requestsFor(page.request, `demo-six-${i}`);
    expect(requests.length).toBeGreaterThan(0);
    expect(requests.some((r) => r.overlapped)).toBeFalsy();
  }
  expect(console).toEqual([]);
});

test('the JS API mounts, updates, refreshes and destroys', async ({ page }) => {
  await page.goto('/examples/js-api.html');
  const slot = page.locator('#slot');
  await expect(slot.locator('.bs-id')).toHaveText('demo-js-api-1');
  await expect(page.locator('#log')).toContainText('batch-update: demo-js-api-1');
  await page.getByRole('button', { name: 'Watch another batch' }).click();
  await expect(slot.locator('.bs-id')).toHaveText('demo-js-api-2');
  const before = (await requestsFor(page.request, 'demo-js-api-2')).length;
  await page.locator('#refresh').click();
  await expect.poll(async () => (await requestsFor(page.request, 'demo-js-api-2')).length).toBeGreaterThan(before);
  await page.getByRole('button', { name: 'Destroy' }).click();
  await expect(slot.locator('.bs')).toHaveCount(0);
});

test('hostile global CSS cannot break the widget', async ({ page }, testInfo) => {
  await page.goto('/examples/hostile-css.html');
  const widget = page.locator('batch-status');
  await expect(widget.locator('[role=progressbar]')).toHaveAttribute('aria-valuemax', '180');
  // The page itself is wrecked: 40px serif everywhere.
  expect(await page.locator('h1').evaluate((h) => getComputedStyle(h).fontFamily)).toContain('serif');
  const look = await widget.evaluate((el) => {
    const root = el.shadowRoot;
    const style = (selector) => getComputedStyle(root.querySelector(selector));
    const bar = root.querySelector('.bs-bar svg').getBoundingClientRect();
    return {
      font: style('.bs').fontSize,
      family: style('.bs').fontFamily,
      color: style('.bs').color,
      barHeight: bar.height,
      tableDisplay: root.querySelector('table') ? style('table').display : 'table',
      buttonBg: style('.bs-refresh').backgroundColor,
    };
  });
  expect(look.font).toBe('14px');
  expect(look.family).not.toMatch(/^serif/);
  expect(look.color).not.toBe('rgb(255, 0, 0)');
  expect(look.barHeight).toBe(14);
  expect(look.tableDisplay).toBe('table');
  expect(look.buttonBg).not.toBe('rgb(0, 255, 0)');
  await widget.screenshot({ path: 'target/e2e/hostile-css.png' });
  await testInfo.attach('hostile-css', { path: 'target/e2e/hostile-css.png', contentType: 'image/png' });
});

test('a strict CSP page renders with no violation', async ({ page }) => {
  const console = watchConsole(page);
  await page.addInitScript(() => {
    window.__violations = [];
    document.addEventListener('securitypolicyviolation', (e) => window.__violations.push(`${e.violatedDirective} ${e.blockedURI}`));
  });
  const response = await page.goto('/examples/strict-csp.html');
  expect(response.headers()['content-security-policy']).toContain("script-src 'self' 'wasm-unsafe-eval'");
  const widget = page.locator('batch-status');
  await expect(widget.locator('[role=progressbar]')).toHaveAttribute('aria-valuemax', '180');
  await expect(widget.locator('.bs-seg').first()).toBeAttached();
  expect(await page.evaluate(() => window.__violations)).toEqual([]);
  expect(console).toEqual([]);
});
