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

/** Requests the sim received for one batch. */
export async function requestsFor(request, batchId) {
  const response = await request.get('/__sim/requests');
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
