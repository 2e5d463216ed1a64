// Faults, under Playwright's clock: backoff, Retry-After, timeouts, final errors,
// and bodies no server should send. Through all of it the last good numbers stay.
import { test, expect } from '@playwright/test';
import {
  uniqueBatch, requestsFor, script, openWidget, advance, settle, recordOutcomes, watchConsole, crashes, keyOnParse,
} from './helpers.mjs';

const GOOD = { fixture: 'processing-seed' };

/** Page-time gaps between consecutive outcomes (answers or errors), in seconds. */
async function gaps(page) {
  const outcomes = await page.evaluate(() => window.__outcomes.map((o) => o.at));
  return outcomes.slice(1).map((at, i) => (at - outcomes[i]) / 1000);
}

async function expectLastGoodDataKept(widget) {
  await expect(widget.locator('[role=progressbar]')).toHaveAttribute('aria-valuenow', '100');
  await expect(widget.locator('.bs')).toHaveClass(/is-stale/);
  await expect(widget.locator('[part=note]')).toHaveText('Stale');
  await expect(widget.locator('[part=error]')).toContainText('Showing the last data received at');
}

test('backoff grows from the interval and caps at 60 s, then recovers by itself', async ({ page }) => {
  await recordOutcomes(page);
  const batch = uniqueBatch('backoff');
  await script(page.request, batch, [GOOD, ...Array(8).fill({ status: 500 }), GOOD]);
  const widget = await openWidget(page, batch, { interval: '5' });
  await advance(page, widget, 5000);
  await expectLastGoodDataKept(widget);
  await expect(widget.locator('[part=error]')).toContainText('The batch API failed (HTTP 500)');
  await expect(widget.locator('[part=error]')).toContainText(/Retrying in \d+ s/);
  await advance(page, widget, 6 * 60_000);
  const waits = await gaps(page);
  // First gap is the 5 s interval; then 8 failures: waits of 5·2^(n-1) s ±20 %, at most 60.
  const backoff = waits.slice(1, 9);
  const expected = [5, 10, 20, 40, 60, 60, 60, 60];
  backoff.forEach((wait, i) => {
    expect(wait, `wait ${i + 1}`).toBeGreaterThanOrEqual(Math.floor(expected[i] * 0.8));
    expect(wait, `wait ${i + 1}`).toBeLessThanOrEqual(Math.min(60, Math.ceil(expected[i] * 1.2) + 1));
  });
  for (let i = 1; i < 4; i += 1) expect(backoff[i]).toBeGreaterThan(backoff[i - 1]);
  // Recovered: fresh data, no banner, back to the interval.
  await expect(widget.locator('[part=error]')).toHaveCount(0);
  await expect(widget.locator('.bs')).not.toHaveClass(/is-stale/);
});

test('Retry-After in seconds is obeyed', async ({ page }) => {
  await recordOutcomes(page);
  const batch = uniqueBatch('retry-seconds');
  await script(page.request, batch, [GOOD, { status: 429, retryAfter: '30' }, GOOD]);
  const widget = await openWidget(page, batch, { interval: '5' });
  await advance(page, widget, 5000);
  await expect(widget.locator('[part=error]')).toContainText('Too many requests (HTTP 429)');
  // The countdown starts at 30 s (29 s once the clock ticked past the answer).
  await expect(widget.locator('[part=error]')).toContainText(/Retrying in (29|30) s/);
  await advance(page, widget, 40_000);
  const waits = await gaps(page);
  // Answer → 429 is the 5 s interval; 429 → next answer is the 30 s asked for,
  // give or take the 1 s steps the clock moves in.
  expect(waits[1]).toBeGreaterThanOrEqual(30);
  expect(waits[1]).toBeLessThanOrEqual(31);
  await expect(widget.locator('[part=error]')).toHaveCount(0);
});

test('Retry-After as an HTTP date is obeyed', async ({ page }) => {
  await recordOutcomes(page);
  const batch = uniqueBatch('retry-date');
  await script(page.request, batch, [GOOD, { status: 503, retryAfterDateIn: 45 }, GOOD]);
  const retryAt = [];
  page.on('response', (response) => {
    const value = response.headers()['retry-after'];
    if (value && response.url().includes(batch)) retryAt.push(Date.parse(value));
  });
  const widget = await openWidget(page, batch, { interval: '5' });
  await advance(page, widget, 5000);
  await expect(widget.locator('[part=error]')).toContainText('HTTP 503');
  await advance(page, widget, 60_000);
  const waits = await gaps(page);
  // The date is the server's, about 45 s ahead of real time. The page clock stood
  // still while real time went on, so the wait to expect is from the page time of
  // the 503 to that date, give or take the date's whole seconds and the 1 s steps.
  expect(retryAt).toHaveLength(1);
  const errorAt = await page.evaluate(() => window.__outcomes[1].at);
  const expected = (retryAt[0] - errorAt) / 1000;
  expect(expected).toBeGreaterThan(30); // far beyond the 5 s interval and first backoff
  expect(waits[1]).toBeGreaterThanOrEqual(expected - 1);
  expect(waits[1]).toBeLessThanOrEqual(expected + 2);
});

test('HTTP 408 is retried with backoff, as the README says, never a final stop', async ({ page }) => {
  await recordOutcomes(page);
  const batch = uniqueBatch('timeout408');
  // Every request after the first gets 408. Chromium itself re-sends a request
  // that got a 408 on a reused connection, so one attempt of the widget may
  // take several of them; the page sees the 408 in the end.
  await script(page.request, batch, [GOOD, { status: 408 }]);
  const widget = await openWidget(page, batch, { interval: '5' });
  await advance(page, widget, 5000);
  const error = widget.locator('[part=error]');
  await expect(error).toContainText('HTTP 408');
  await expect(error).toContainText(/Retrying in \d+ s/);
  await expect(error).toHaveAttribute('role', 'status');
  await expectLastGoodDataKept(widget);
  const before = (await requestsFor(page.request, batch)).length;
  await advance(page, widget, 7000);
  expect((await requestsFor(page.request, batch)).length).toBeGreaterThan(before);
  const waits = await gaps(page);
  // The widget's retry waited the first backoff step: 5 s ±20 %.
  expect(waits[1]).toBeGreaterThanOrEqual(4);
  expect(waits[1]).toBeLessThanOrEqual(7);
  await expect(error).not.toContainText('Updates stopped');
});

test('a request that never answers is aborted at the timeout', async ({ page }) => {
  await recordOutcomes(page);
  const batch = uniqueBatch('hang');
  await script(page.request, batch, [GOOD, { hang: true }, GOOD]);
  const widget = await openWidget(page, batch, { interval: '5', timeout: '10' });
  await page.clock.runFor(5000);
  await expect(widget.locator('.bs[aria-busy=true]')).toBeAttached();
  // The hanging request must have reached the sim before the page's clock runs
  // to its timeout: aborted before it was sent, it would leave the hang for the
  // retry (the flake this test used to have).
  await expect.poll(async () => (await requestsFor(page.request, batch)).length).toBe(2);
  await page.clock.runFor(9000);
  await expect(widget.locator('.bs[aria-busy=true]')).toBeAttached();
  await page.clock.runFor(1000);
  await settle(widget);
  await expect(widget.locator('[part=error]')).toContainText('did not answer within 10 s');
  await expectLastGoodDataKept(widget);
  // The retry comes after the first backoff step, 5 s ±20 %.
  await advance(page, widget, 6000);
  const requests = await requestsFor(page.request, batch);
  expect(requests).toHaveLength(3);
  expect(requests.filter((r) => r.overlapped)).toEqual([]);
  await expect(widget.locator('[part=error]')).toHaveCount(0);
});

for (const [status, words] of [
  [401, 'The API key was not accepted (HTTP 401)'],
  [403, 'This key may not read workspace ws_e2e (HTTP 403)'],
  [404, 'was not found in workspace ws_e2e'],
  // The README's "other 4xx" row.
  [422, 'The batch API refused the request (HTTP 422)'],
]) {
  test(`HTTP ${status} stops polling with its own message`, async ({ page }) => {
    const batch = uniqueBatch(`final${status}`);
    await script(page.request, batch, [GOOD, { status }]);
    const widget = await openWidget(page, batch, { interval: '5' });
    await advance(page, widget, 5000);
    await expect(widget.locator('[part=error]')).toContainText(words);
    await expect(widget.locator('[part=error]')).toContainText('Updates stopped');
    await expect(widget.locator('[part=error]')).toHaveAttribute('role', 'alert');
    await advance(page, widget, 10 * 60_000, 10_000);
    expect(await requestsFor(page.request, batch)).toHaveLength(2);
    await expect(widget.locator('[role=progressbar]')).toHaveAttribute('aria-valuenow', '100');
  });
}

test('Refresh after a stop retries at once, and the banner says so until the answer comes', async ({ page }) => {
  const batch = uniqueBatch('restart');
  // The retry's answer takes 1.5 s of real time: the card is read meanwhile.
  await script(page.request, batch, [GOOD, { status: 401 }, { ...GOOD, latencyMs: 1500 }]);
  const widget = await openWidget(page, batch, { interval: '5' });
  await advance(page, widget, 5000);
  const error = widget.locator('[part=error]');
  await expect(error).toContainText('Updates stopped');
  // The person's Refresh (the host's refresh() goes the same way).
  await widget.getByRole('button', { name: 'Refresh now' }).click();
  await expect(error).toContainText('Retrying now.');
  await expect(error).toHaveAttribute('role', 'status');
  await expect(widget.locator('section[part=root]')).toHaveAttribute('aria-busy', 'true');
  // The answer ends the error: the banner goes and polling runs on.
  await expect(error).toHaveCount(0);
  expect(await requestsFor(page.request, batch)).toHaveLength(3);
});

const BAD_BODIES = {
  'malformed JSON': { body: '{"status": "processing", "progress": {' },
  'HTML 502 page': { status: 502, html: true },
  'empty 200': { body: '' },
  '5 MB body': { bigBytes: 5_000_000 },
  '5 MB body with no Content-Length': { bigBytes: 5_000_000, chunked: true },
  'no CORS headers': { fixture: 'processing-seed', cors: false },
  'JSON that is not a status': { body: '[1, 2, 3]' },
};

for (const [name, step] of Object.entries(BAD_BODIES)) {
  test(`a ${name} keeps the last good data and breaks nothing`, async ({ page }) => {
    const console = watchConsole(page);
    const batch = uniqueBatch('bad');
    await script(page.request, batch, [GOOD, step]);
    // Bad bodies are served from another origin, so missing CORS headers matter.
    const widget = await openWidget(page, batch, { interval: '5', 'api-base': 'http://localhost:18080' });
    await advance(page, widget, 5000);
    await expect(widget.locator('[part=error]')).toBeVisible();
    await expectLastGoodDataKept(widget);
    await assertNothingBroken(page, widget);
    expect(crashes(console)).toEqual([]);
  });
}

async function assertNothingBroken(page, widget) {
  const text = await widget.evaluate((el) => el.shadowRoot.querySelector('.bs').innerText);
  const words = text.split(/[^\p{L}\p{N}_]+/u);
  for (const bad of ['NaN', 'undefined', 'null', 'Infinity']) expect(words).not.toContain(bad);
  expect(text).not.toMatch(/[-−]\d/);
  expect(await page.evaluate(() => window.__xss)).toBeUndefined();
}

const FIXTURES = [
  'processing-seed', 'queued', 'completed', 'cancelled', 'failed', 'minimal', 'nulls',
  'unknown-and-extra', 'hostile-strings', 'inconsistent', 'zero-total', 'flattened', 'large-1000-calls',
];

test('every fixture renders with nothing broken and no script run', async ({ page }) => {
  const console = watchConsole(page);
  await keyOnParse(page, 'sk_e2e_fixture_key');
  for (const fixture of FIXTURES) {
    const query = new URLSearchParams({
      src: '/batch-status.js', 'batch-id': `fixture-${fixture}`, 'workspace-id': 'ws', 'api-base': '/',
    });
    await page.goto(`/__sim/host-page?${query}`);
    const widget = page.locator('batch-status');
    // Progress, or (for a body with no readable count) a line that says so.
    await expect(widget.locator('[role=progressbar], [part=no-counts]').first(), fixture).toBeAttached();
    await assertNothingBroken(page, widget);
  }
  expect(crashes(console)).toEqual([]);
});
