// Crash isolation. A bug that panics inside one widget (in a timer or fetch
// callback, where no caller can catch it) must stay in that widget: it shows the
// error and a Restart button, while the host page and every other widget go on.
// A panic needs a build that can be made to panic: the second sim serves
// target/fault-site, built with the `fault-injection` feature (src/view/fault.rs).
import fs from 'node:fs';
import { test, expect } from '@playwright/test';
import AxeBuilder from '@axe-core/playwright';
import { FAULT_SIM_PORT } from '../../playwright.config.mjs';
import {
  uniqueBatch, requestsFor, script, openWidget, addWidget, settle, watchConsole, crashes, keyOnParse, E2E_KEY, liveObjects,
  documentListeners,
} from './helpers.mjs';

test.use({ baseURL: `http://127.0.0.1:${FAULT_SIM_PORT}` });

const GOOD = { fixture: 'processing-seed' };
const seed = JSON.parse(fs.readFileSync('../shared/fixtures/status-processing-seed.json', 'utf8'));
/** An answer the fault-injection build panics on while handling it. */
const PANIC = { body: JSON.stringify({ ...seed, error: 'fault-injection: panic' }) };

/** Records every batch-error's detail, from any widget. */
async function recordErrors(page) {
  await page.addInitScript(() => {
    window.__errors = [];
    document.addEventListener('batch-error', (e) => window.__errors.push({ batch: e.target.getAttribute('batch-id'), ...e.detail }));
  });
}

/** Adds a second widget, and a button of the host page's own that counts clicks. */
async function addBystanderAndHostButton(page, batch) {
  await addWidget(page, batch, { id: 'bystander', interval: '5' });
  await page.evaluate(() => {
    const button = document.createElement('button');
    button.id = 'host-button';
    button.textContent = 'Host button: 0';
    let clicks = 0;
    button.addEventListener('click', () => { clicks += 1; button.textContent = `Host button: ${clicks}`; });
    document.body.append(button);
  });
  const bystander = page.locator('#bystander');
  await expect(bystander.locator('.bs[aria-busy=false] [role=progressbar]')).toBeAttached();
  return bystander;
}

/** Two fresh batches: one whose first answer crashes the widget, one that answers well. */
async function crashingAndHealthy(page, name) {
  const batches = [uniqueBatch(`${name}-crash`), uniqueBatch(`${name}-healthy`)];
  await script(page.request, batches[0], [PANIC]);
  await script(page.request, batches[1], [GOOD]);
  return batches;
}

/** Opens a host page whose one widget crashes on its first answer. */
async function openCrashing(page, batch) {
  await keyOnParse(page, E2E_KEY);
  await page.clock.install();
  await page.clock.pauseAt(Date.now() + 1000);
  await page.goto(`/__sim/host-page?${new URLSearchParams({
    'batch-id': batch, 'workspace-id': 'ws_e2e', 'api-base': '/', interval: '5',
  })}`);
  return page.locator('batch-status');
}

test('a panic in one widget stays in it: the page and the other widgets go on', async ({ page }) => {
  const logged = watchConsole(page);
  await recordErrors(page);
  const victim = uniqueBatch('victim');
  const other = uniqueBatch('bystander');
  await script(page.request, victim, [GOOD, PANIC, GOOD]);
  await script(page.request, other, [GOOD]);
  const widget = (await openWidget(page, victim, { interval: '5' })).first();
  const bystander = await addBystanderAndHostButton(page, other);
  expect(await documentListeners(page, 'visibilitychange')).toBe(2);

  // The victim's second answer makes it panic inside the fetch callback.
  await page.clock.runFor(5000);
  const error = widget.locator('[part=error]');
  await expect(error).toHaveAttribute('role', 'alert');
  await expect(error).toContainText('This widget stopped after an internal error.');
  await expect(error).toContainText('The rest of the page is not affected.');
  await expect(widget).toHaveAttribute('status', 'crashed');
  await expect(widget.locator('[role=progressbar]')).toHaveCount(0);
  await page.screenshot({ path: 'target/e2e/crash-isolated.png' });

  // The other widget goes on polling and drawing, a minute of page time.
  const before = (await requestsFor(page.request, other)).length;
  for (let i = 0; i < 12; i += 1) {
    await page.clock.runFor(5000);
    await settle(bystander);
  }
  expect((await requestsFor(page.request, other)).length).toBe(before + 12);
  await expect(bystander.locator('[part=error]')).toHaveCount(0);
  await expect(bystander).toHaveAttribute('status', 'processing');

  // The crashed widget left nothing running: no requests, no document listener.
  expect(await requestsFor(page.request, victim)).toHaveLength(2);
  expect(await documentListeners(page, 'visibilitychange')).toBe(1);

  // The host page's own code still runs.
  await page.locator('#host-button').click();
  await expect(page.locator('#host-button')).toHaveText('Host button: 1');

  // The host heard of it once, as a final batch-error of kind `crash`; nothing was
  // thrown at the page and nothing was logged.
  const errors = await page.evaluate(() => window.__errors);
  expect(errors).toEqual([{
    batch: victim, kind: 'crash', status: null, message: 'This widget stopped after an internal error.', final: true,
  }]);
  expect(crashes(logged)).toEqual([]);
  expect(logged).toEqual([]);
});

test('Restart brings a crashed widget back in a fresh instance', async ({ page }) => {
  const logged = watchConsole(page);
  const victim = uniqueBatch('restart');
  await script(page.request, victim, [PANIC, GOOD]);
  const widget = await openCrashing(page, victim);
  await expect(widget).toHaveAttribute('status', 'crashed');
  const restart = widget.getByRole('button', { name: 'Restart' });
  await restart.focus();
  await page.keyboard.press('Enter');
  await expect(widget.locator('.bs[aria-busy=false] [role=progressbar]')).toHaveAttribute('aria-valuenow', '100');
  await expect(widget).toHaveAttribute('status', 'processing');
  expect(await requestsFor(page.request, victim)).toHaveLength(2);
  expect(logged).toEqual([]);
});

test('a widget mounted with mount() crashes alone too, and refresh() restarts it with its latest options', async ({ page }) => {
  const logged = watchConsole(page);
  const [crashing, healthy] = await crashingAndHealthy(page, 'mount');
  await page.goto('/__sim/host-page?batch-id=');
  await page.evaluate(async ({ crashing, key }) => {
    const { mount } = await import('/batch-status.js');
    const slot = document.createElement('div');
    slot.id = 'mounted';
    document.body.append(slot);
    window.__handle = mount(slot, {
      batchId: crashing, workspaceId: 'ws_e2e', apiBase: '/', apiKey: key,
    });
  }, { crashing, key: E2E_KEY });
  const mounted = page.locator('#mounted');
  await expect(mounted).toHaveAttribute('status', 'crashed');
  // Options given after the crash are what it restarts with; refresh() restarts
  // a crashed widget as its Restart button does.
  await page.evaluate((id) => window.__handle.update({ batchId: id }), healthy);
  await page.evaluate(() => window.__handle.refresh());
  await expect(mounted.locator('[role=progressbar]')).toHaveAttribute('aria-valuenow', '100');
  await expect(mounted).toHaveAttribute('status', 'processing');
  await page.evaluate(() => window.__handle.destroy());
  await expect(mounted.locator('.bs')).toHaveCount(0);
  expect(logged).toEqual([]);
});

test('removing a crashed widget is clean, and a new one on the page works', async ({ page }) => {
  const logged = watchConsole(page);
  const [victim, next] = await crashingAndHealthy(page, 'removed');
  const widget = await openCrashing(page, victim);
  await expect(widget).toHaveAttribute('status', 'crashed');
  await widget.evaluate((el) => el.remove());
  expect(await documentListeners(page, 'visibilitychange')).toBe(0);
  await page.clock.runFor(60_000);
  expect(await requestsFor(page.request, victim)).toHaveLength(1);
  // Another widget on the same page starts and works: the crash left nothing behind.
  const bystander = await addBystanderAndHostButton(page, next);
  await expect(bystander).toHaveAttribute('status', 'processing');
  expect(logged).toEqual([]);
});

/** Live `WebAssembly.Instance`s in the page, after a garbage collection. */
function wasmInstances(page) {
  return liveObjects(page, 'WebAssembly.Instance.prototype', 'function () { return this.length; }');
}

test('widgets added and removed again and again reuse instances instead of piling them up', async ({ page }) => {
  const logged = watchConsole(page);
  const batch = uniqueBatch('reuse');
  await script(page.request, batch, [GOOD]);
  await openWidget(page, batch, { interval: '5' });
  for (let i = 0; i < 8; i += 1) {
    const added = await addBystanderAndHostButton(page, batch);
    await expect(added.locator('[role=progressbar]')).toHaveAttribute('aria-valuenow', '100');
    await page.evaluate(() => {
      document.getElementById('bystander').remove();
      document.getElementById('host-button').remove();
    });
  }
  // The first widget's instance, one more that every added widget reused, and
  // the one chart instance all of them share.
  expect(await wasmInstances(page)).toBe(3);
  await expect(page.locator('batch-status')).toHaveAttribute('status', 'processing');
  expect(logged).toEqual([]);
});

for (const theme of ['light', 'dark']) {
  test(`the crashed state has no serious accessibility violation, ${theme}`, async ({ page }) => {
    await page.emulateMedia({ colorScheme: theme });
    const batch = uniqueBatch('a11y-crash');
    await script(page.request, batch, [PANIC]);
    const widget = await openCrashing(page, batch);
    await expect(widget).toHaveAttribute('status', 'crashed');
    await page.clock.resume();
    const results = await new AxeBuilder({ page }).include('batch-status').analyze();
    const serious = results.violations.filter((v) => ['serious', 'critical'].includes(v.impact));
    expect(serious.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([]);
    await widget.screenshot({ path: `target/e2e/state-crashed-${theme}.png` });
  });
}
