// Shared helpers for the end-to-end suite.
import { expect } from '@playwright/test';

let counter = 0;

/** A batch id no other test uses, so each test gets its own demo clock. */
export function uniqueBatch(prefix = 'demo') {
  counter += 1;
  return `${prefix}-${process.pid}-${Date.now().toString(36)}-${counter}`;
}

/** Collects console messages and page errors, to assert the page stayed quiet. */
export function watchConsole(page) {
  const messages = [];
  page.on('console', (m) => messages.push(`${m.type()}: ${m.text()}`));
  page.on('pageerror', (e) => messages.push(`pageerror: ${e.message}`));
  return messages;
}

/** The text a person sees in a widget's shadow root. */
export function widgetText(locator) {
  return locator.evaluate((el) => el.shadowRoot.querySelector('.bs').innerText);
}

/** Requests the sim received for one batch; `origin` names another sim than the suite's. */
export async function requestsFor(request, batchId, origin = '') {
  const response = await request.get(`${origin}/__sim/requests`);
  expect(response.ok()).toBeTruthy();
  return (await response.json()).filter((entry) => entry.batchId === batchId);
}

/**
 * Gives every <batch-status> the key as soon as the parser creates it, before the
 * widget script upgrades it: the way a host sets `apiKey` from its own session.
 */
export async function keyOnParse(page, key) {
  await page.addInitScript((k) => {
    const give = () => {
      for (const el of document.querySelectorAll('batch-status')) {
        if (!el.dataset.keyed) {
          el.apiKey = k;
          el.dataset.keyed = 'yes';
        }
      }
    };
    new MutationObserver(give).observe(document, { childList: true, subtree: true });
  }, key);
}

/** The key the suite's host pages give their widgets. */
export const E2E_KEY = 'sk_e2e_faults_key';

/**
 * Adds one more <batch-status> for `batch` to the open page, set up as
 * `openWidget` sets its widget up; `attributes` add to or override that, and
 * `key` replaces the suite's key (the page's `keyOnParse` leaves it alone).
 */
export async function addWidget(page, batch, attributes = {}, key = E2E_KEY) {
  await page.evaluate(({ batch, attributes, key }) => {
    const el = document.createElement('batch-status');
    const all = { 'batch-id': batch, 'workspace-id': 'ws_e2e', 'api-base': '/', ...attributes };
    for (const [name, value] of Object.entries(all)) el.setAttribute(name, value);
    el.apiKey = key;
    el.dataset.keyed = 'yes';
    document.body.append(el);
  }, { batch, attributes, key });
}

/** Scripts the sim's responses for `batch` (see sim/src/scenario.rs). */
export async function script(request, batch, steps, options = {}) {
  const response = await request.put(`/__sim/scenarios/${batch}`, { data: { steps, ...options } });
  expect(response.status()).toBe(204);
}

/**
 * Opens a same-origin host page with one widget for `batch` (key given on parse),
 * under Playwright's paused clock, and waits for the first answer. Returns the element.
 * With `clock: false` the clock is left as it is: it is the whole context's, and
 * another tab of the context may have installed it already.
 */
export async function openWidget(page, batch, attributes = {}, { clock = true } = {}) {
  await keyOnParse(page, E2E_KEY);
  if (clock) {
    // Time stands still from the start: it moves only when a test says so.
    await page.clock.install();
    await page.clock.pauseAt(Date.now() + 1000);
  }
  const query = new URLSearchParams({
    src: '/batch-status.js', 'batch-id': batch, 'workspace-id': 'ws_e2e', 'api-base': '/', ...attributes,
  });
  await page.goto(`/__sim/host-page?${query}`);
  const widget = page.locator('batch-status');
  // The first answer is on screen: data or an error, and nothing in flight.
  await expect(widget.locator('.bs[aria-busy=false]').locator('[role=progressbar], [part=error]').first()).toBeAttached();
  return widget;
}

/** Waits until the widget has no request in flight. */
export async function settle(widget) {
  await expect(widget.locator('.bs[aria-busy=false]')).toBeAttached();
}

/** Moves the page's clock on by `ms` in steps, letting each poll finish. */
export async function advance(page, widget, ms, step = 1000) {
  for (let elapsed = 0; elapsed < ms; elapsed += step) {
    await page.clock.runFor(Math.min(step, ms - elapsed));
    await settle(widget);
  }
}

/** The page's (fake) time of each batch-update and batch-error, in order. */
export async function recordOutcomes(page) {
  await page.addInitScript(() => {
    window.__outcomes = [];
    for (const name of ['batch-update', 'batch-error']) {
      document.addEventListener(name, (e) => window.__outcomes.push({ name, at: Date.now(), detail: e.detail }));
    }
  });
}

/** Pretends the page is hidden or visible, as the browser's visibility API reports it. */
export async function controlVisibility(page) {
  await page.addInitScript(() => {
    let state = 'visible';
    Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => state });
    Object.defineProperty(document, 'hidden', { configurable: true, get: () => state === 'hidden' });
    window.__setVisibility = (next) => {
      state = next;
      document.dispatchEvent(new Event('visibilitychange'));
    };
  });
}

/** Console lines that mean the widget broke: uncaught errors and panics. */
export function crashes(consoleLines) {
  return consoleLines.filter((line) => /pageerror|panicked|RuntimeError|unreachable|internal error/i.test(line));
}

/**
 * Runs `fn` (a function declaration, `this` being the array) over every live
 * object with the given prototype, after a garbage collection, through CDP.
 */
export async function liveObjects(page, prototypeExpression, fn) {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('HeapProfiler.collectGarbage');
  const { result: prototype } = await cdp.send('Runtime.evaluate', { expression: prototypeExpression });
  const { objects } = await cdp.send('Runtime.queryObjects', { prototypeObjectId: prototype.objectId });
  const { result } = await cdp.send('Runtime.callFunctionOn', {
    objectId: objects.objectId, functionDeclaration: fn, returnByValue: true,
  });
  await cdp.detach();
  return result.value;
}

/** Listeners on the document for `type`, as DevTools lists them. */
export async function documentListeners(page, type) {
  const cdp = await page.context().newCDPSession(page);
  const { result } = await cdp.send('Runtime.evaluate', { expression: 'document' });
  const { listeners } = await cdp.send('DOMDebugger.getEventListeners', { objectId: result.objectId });
  await cdp.detach();
  return listeners.filter((l) => l.type === type).length;
}
