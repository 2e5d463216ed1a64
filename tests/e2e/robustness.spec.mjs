// Robustness: no request before its time, settings that cannot be sent, a server
// that echoes the key, and a site link that would send the key elsewhere.
import { test, expect } from '@playwright/test';
import {
  uniqueBatch, requestsFor, script, openWidget, advance, settle, controlVisibility,
  recordOutcomes, watchConsole, crashes, keyOnParse, E2E_KEY,
} from './helpers.mjs';

const GOOD = { fixture: 'processing-seed' };

test('an hour-long Retry-After survives hide, show, pause, resume, a new interval and refresh', async ({ page }) => {
  await controlVisibility(page);
  const batch = uniqueBatch('hold');
  await script(page.request, batch, [GOOD, { status: 429, retryAfter: '3600' }, GOOD]);
  const widget = await openWidget(page, batch, { interval: '5' });
  await advance(page, widget, 5000);
  const error = widget.locator('[part=error]');
  await expect(error).toContainText('Too many requests (HTTP 429)');
  await expect(error).toContainText(/The API asked to wait until .+\. Retrying in (59 min|1 h)/);
  const count = async () => (await requestsFor(page.request, batch)).length;
  expect(await count()).toBe(2);
  const moves = [
    () => page.evaluate(() => window.__setVisibility('hidden')),
    () => page.evaluate(() => window.__setVisibility('visible')),
    () => widget.evaluate((el) => el.pause()),
    () => widget.evaluate((el) => el.resume()),
    () => widget.evaluate((el) => el.setAttribute('interval', '1')),
    () => widget.evaluate((el) => el.refresh()),
  ];
  for (const move of moves) {
    await move();
    await advance(page, widget, 60_000, 10_000);
    expect(await count(), String(move)).toBe(2);
  }
  await expect(error).toContainText('The API asked to wait until');
  // A second before the hour ends, still nothing; just after it, the next request.
  await advance(page, widget, 3600_000 - moves.length * 60_000 - 1000, 60_000);
  expect(await count()).toBe(2);
  await advance(page, widget, 1500, 500);
  expect(await count()).toBe(3);
  await expect(error).toHaveCount(0);
});

test('showing the page never cuts a running backoff short', async ({ page }) => {
  await controlVisibility(page);
  await recordOutcomes(page);
  const batch = uniqueBatch('backoff-show');
  await script(page.request, batch, [GOOD, ...Array(4).fill({ status: 503 }), GOOD]);
  const widget = await openWidget(page, batch, { interval: '5' });
  // Four failures: the next wait is 40 s ±20 %.
  await advance(page, widget, 5000 + 5000 * 1.2 + 10_000 * 1.2 + 20_000 * 1.2 + 1000);
  expect((await requestsFor(page.request, batch)).length).toBe(5);
  await page.evaluate(() => window.__setVisibility('hidden'));
  await page.evaluate(() => window.__setVisibility('visible'));
  await settle(widget);
  expect((await requestsFor(page.request, batch)).length, 'no request on show').toBe(5);
  // The earliest the next try may come is 16 + 32 s after the fourth failure.
  await advance(page, widget, 10_000);
  expect((await requestsFor(page.request, batch)).length, 'still backing off').toBe(5);
});

for (const [name, workspace, code] of [
  ['a smart dash', 'ws\u2013e2e', 'U+2013 at position 3'],
  ['a line break', 'ws\ne2e', 'U+000A at position 3'],
]) {
  test(`a workspace id with ${name} gets a settings message and sends nothing`, async ({ page }) => {
    const consoleLines = watchConsole(page);
    await page.addInitScript(() => {
      window.__errors = [];
      document.addEventListener('batch-error', (e) => window.__errors.push(e.detail));
    });
    const batch = uniqueBatch('settings');
    await script(page.request, batch, [GOOD]);
    const widget = await openWidget(page, batch, { 'workspace-id': workspace });
    await expect(widget.locator('[part=error]')).toContainText('workspace-id has a character that cannot be sent');
    await expect(widget.locator('[part=error]')).toContainText(code);
    await advance(page, widget, 60_000, 10_000);
    expect(await requestsFor(page.request, batch)).toEqual([]);
    const errors = await page.evaluate(() => window.__errors);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ kind: 'settings', status: null, final: true });
    expect(crashes(consoleLines)).toEqual([]);
  });
}

test('a workspace id with a zero-width space is cleaned and works', async ({ page }) => {
  const batch = uniqueBatch('zwsp');
  await script(page.request, batch, [GOOD]);
  const widget = await openWidget(page, batch, { 'workspace-id': '\u200Bws_e2e\u200B' });
  await expect(widget.locator('[role=progressbar]')).toHaveAttribute('aria-valuenow', '100');
  const requests = await requestsFor(page.request, batch);
  expect(requests).toHaveLength(1);
  expect(requests[0].hasWorkspaceId).toBe(true);
});

test('a key echoed by the server appears nowhere on the page or in events', async ({ page }) => {
  await page.addInitScript(() => {
    window.__details = [];
    for (const name of ['batch-update', 'batch-error', 'batch-complete']) {
      document.addEventListener(name, (e) => window.__details.push(JSON.stringify(e.detail)));
    }
  });
  const consoleLines = watchConsole(page);
  const batch = uniqueBatch('echo');
  const echo = JSON.stringify({ error: 'Unauthorized', message: 'Invalid API key {apiKey} for ws_e2e' });
  await script(page.request, batch, [{ status: 401, body: echo }]);
  const widget = await openWidget(page, batch);
  const error = widget.locator('[part=error]');
  await expect(error).toContainText('The API key was not accepted (HTTP 401)');
  await expect(error).toContainText('Invalid API key •••• for ws_e2e.');
  const shown = await widget.evaluate((el) => el.shadowRoot.innerHTML);
  const events = (await page.evaluate(() => window.__details)).join('\n');
  expect(events).toContain('Invalid API key ••••');
  // Not the key, and no run of eight of its characters either.
  for (let i = 0; i + 8 <= E2E_KEY.length; i += 1) {
    const run = E2E_KEY.slice(i, i + 8);
    expect(shown).not.toContain(run);
    expect(events).not.toContain(run);
    expect(consoleLines.join('\n')).not.toContain(run);
  }
});

test('etaMs in batch-update agrees with the Time left row', async ({ page }) => {
  await page.addInitScript(() => {
    window.__updates = [];
    document.addEventListener('batch-update', (e) => window.__updates.push(e.detail));
  });
  const batch = uniqueBatch('eta');
  const body = (completed) => JSON.stringify({
    id: batch, status: 'processing', isComplete: false,
    progress: { total: 150, completed, failed: 0, active: 5, waiting: 145 - completed },
  });
  await script(page.request, batch, [{ body: body(50) }, { body: body(60) }]);
  const widget = await openWidget(page, batch, { interval: '5' });
  await advance(page, widget, 5000);
  // 10 calls in 5 s of page time, 90 left: 45 s.
  const updates = await page.evaluate(() => window.__updates);
  expect(updates.at(-1).etaMs).toBe(45_000);
  await expect(widget.locator('.is-eta dd')).toHaveText(/^about 4[45] s \(≈ .+\)$/);
});

test.describe('the static site', () => {
  test('a ?base= outside the allowed origins is refused, with no key field', async ({ page }) => {
    const batch = uniqueBatch('site-refused');
    await page.goto(`/?batch=${batch}&workspace=ws_e2e&base=https://attacker.example/api`);
    await expect(page.getByText('This page does not send API keys to https://attacker.example')).toBeVisible();
    await expect(page.getByLabel('API key')).toBeHidden();
    await expect(page.locator('batch-status')).toHaveCount(0);
    expect(await requestsFor(page.request, batch)).toEqual([]);
  });

  test('the key field names where the key will be sent', async ({ page }) => {
    await page.goto('/?batch=b&workspace=ws_e2e&base=http://127.0.0.1:18080');
    await expect(page.locator('#key-destination')).toHaveText('Sent only to http://127.0.0.1:18080');
    await page.getByLabel('API base').fill('https://api.trillet.ai');
    await expect(page.locator('#key-destination')).toHaveText('Sent only to https://api.trillet.ai');
    await expect(page.getByLabel('API key')).toBeVisible();
    await page.getByLabel('API base').fill('https://elsewhere.example');
    await expect(page.getByLabel('API key')).toBeHidden();
  });

  test('the site is served with a CSP whose connect-src matches its allowed origins', async ({ page }) => {
    const response = await page.goto('/');
    const csp = response.headers()['content-security-policy'];
    const listed = await page.locator('meta[name=batch-status-api-origins]').getAttribute('content');
    const connect = csp.split(';').map((d) => d.trim()).find((d) => d.startsWith('connect-src'));
    expect(connect.split(' ')).toEqual(['connect-src', "'self'", ...listed.split(/[ ,]+/).filter(Boolean)]);
  });
});

test('update({apiKey: null}) removes the key; undefined keeps it', async ({ page }) => {
  const batch = uniqueBatch('keynull');
  await script(page.request, batch, [GOOD]);
  await page.clock.install();
  await page.clock.pauseAt(Date.now() + 1000);
  await page.goto('/__sim/host-page?src=/batch-status.js');
  await page.evaluate(async (b) => {
    const { mount } = await import('/batch-status.js');
    const el = document.createElement('div');
    el.id = 'mounted';
    document.body.append(el);
    window.__h = mount(el, { batchId: b, workspaceId: 'ws_e2e', apiBase: '/', apiKey: 'sk_first_key_123' });
  }, batch);
  const mounted = page.locator('#mounted');
  const keys = async () => (await requestsFor(page.request, batch)).map((r) => r.apiKey);
  await expect.poll(keys).toEqual(['sk_first_key_123']);
  await settle(mounted);
  await page.evaluate(() => window.__h.update({ apiKey: undefined, interval: 2 }));
  await page.evaluate(() => window.__h.refresh());
  await expect.poll(keys).toEqual(['sk_first_key_123', 'sk_first_key_123']);
  await settle(mounted);
  await page.evaluate(() => window.__h.update({ apiKey: null }));
  await expect.poll(keys).toEqual(['sk_first_key_123', 'sk_first_key_123', null]);
});
