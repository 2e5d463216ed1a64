// The npm package as front-end teams install it: a Vite app and a webpack 5 app
// (tests/bundlers/), each built from the packed tarball and served by a sim of
// its own under the strict CSP. Each page has two <batch-status> elements and a
// widget through mount(); the Vite app adds a React host and a Vue host.
import { test, expect } from '@playwright/test';
import { BUNDLER_SIM_PORT } from '../../playwright.config.mjs';
import { requestsFor as suiteRequestsFor, uniqueBatch, watchConsole } from './helpers.mjs';

const ORIGIN = `http://127.0.0.1:${BUNDLER_SIM_PORT}`;
const STRICT_CSP = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; "
  + "style-src 'self'; connect-src 'self'; base-uri 'none'; frame-ancestors 'none'";

/** Requests the bundler sim received for one batch. */
const requestsFor = (request, batchId) => suiteRequestsFor(request, batchId, ORIGIN);

/** Opens `app`'s page with a batch of its own for each widget; returns them. */
async function openApp(page, app, names) {
  const batches = Object.fromEntries(names.map((name) => [name, uniqueBatch(`demo-${app}-${name}`)]));
  const wasm = [];
  page.on('request', (r) => { if (r.url().endsWith('.wasm')) wasm.push(r.url()); });
  const response = await page.goto(`${ORIGIN}/${app}/strict-csp.html?${new URLSearchParams(batches)}`);
  expect(response.headers()['content-security-policy']).toBe(STRICT_CSP);
  return { batches, wasm };
}

/** The widget shows data from the sim: its bar has a value and its heading the batch. */
async function showsData(widget, batch) {
  // All at once, on one card: the header names a new batch as soon as it is
  // set, while its first answer is still under way.
  const page = widget.page();
  const card = widget.locator('[part=root][aria-busy=false]')
    .filter({ has: page.locator('h2', { hasText: batch }) })
    .filter({ has: page.locator('[role=progressbar][aria-valuenow]') });
  await expect(card).toBeAttached();
}

for (const app of ['vite', 'webpack']) {
  test(`${app}: two elements and a mount() show the sim's data, the wasm is fetched once, no console error`, async ({ page }) => {
    const messages = watchConsole(page);
    const { batches, wasm } = await openApp(page, app, ['first', 'second', 'mounted']);
    await showsData(page.locator('batch-status#first'), batches.first);
    await showsData(page.locator('batch-status#second'), batches.second);
    await showsData(page.locator('#mounted'), batches.mounted);
    for (const batch of Object.values(batches)) {
      expect((await requestsFor(page.request, batch)).length).toBeGreaterThan(0);
    }
    // Three widgets share one download of each wasm the page needed (the
    // widget's, and the chart's once data arrived): none is fetched twice.
    await expect(page.locator('batch-status#first [part=chart] svg')).toBeAttached();
    expect(wasm.length).toBeGreaterThanOrEqual(2);
    expect(new Set(wasm).size).toBe(wasm.length);
    expect(messages).toEqual([]);
  });
}

for (const [framework, name] of [['React', 'react'], ['Vue', 'vue']]) {
  test(`vite: a ${framework} host mounts the widget, follows a new batch id through props, and leaves nothing behind on unmount`, async ({ page }) => {
    const messages = watchConsole(page);
    // The page's clock moves only when the test says: a timer left behind would
    // fire when it does, and its request would reach the sim's log.
    await page.clock.install();
    await page.clock.pauseAt(Date.now() + 1000);
    const { batches } = await openApp(page, 'vite', [name, 'first', 'second', 'mounted']);
    const widget = page.locator(`#${name}-widget`);
    await showsData(widget, batches[name]);
    const next = uniqueBatch(`demo-vite-${name}-next`);
    await page.evaluate(([host, id]) => window[host].setBatchId(id), [`__${name}Host`, next]);
    await showsData(widget, next);
    await page.clock.runFor(5000);
    await expect.poll(async () => (await requestsFor(page.request, next)).length).toBeGreaterThan(1);
    const before = {
      old: (await requestsFor(page.request, batches[name])).length,
      next: (await requestsFor(page.request, next)).length,
    };
    await page.evaluate((host) => window[host].hide(), `__${name}Host`);
    await expect(page.locator(`#${name}-gone`)).toBeAttached();
    await expect(widget).toHaveCount(0);
    // Two minutes of polling time for the other widgets on the page.
    for (let second = 0; second < 120; second += 5) await page.clock.runFor(5000);
    await expect.poll(async () => (await requestsFor(page.request, batches.first)).length).toBeGreaterThan(5);
    expect((await requestsFor(page.request, batches[name])).length).toBe(before.old);
    expect((await requestsFor(page.request, next)).length).toBe(before.next);
    expect(messages).toEqual([]);
  });
}
