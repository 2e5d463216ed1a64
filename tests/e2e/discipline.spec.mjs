// Request discipline, under Playwright's clock: one request per interval, never
// two at once, none while hidden, finished or removed.
import { test, expect } from '@playwright/test';
import {
  uniqueBatch, requestsFor, script, openWidget, addWidget, advance, settle, controlVisibility,
} from './helpers.mjs';

const RUNNING = [{ fixture: 'processing-seed' }];

test('one request per interval over ten minutes', async ({ page }) => {
  const batch = uniqueBatch('steady');
  await script(page.request, batch, RUNNING);
  const widget = await openWidget(page, batch, { interval: '5' });
  await advance(page, widget, 10 * 60_000);
  const requests = await requestsFor(page.request, batch);
  // The first poll at once, then one every 5 s: 1 + 120.
  expect(Math.abs(requests.length - 121)).toBeLessThanOrEqual(1);
  expect(requests.filter((r) => r.overlapped)).toEqual([]);
});

test('a slow API never gets a second request before the first is answered', async ({ page }) => {
  const batch = uniqueBatch('slow');
  // Each answer takes 1.5 s of real time; the interval is 1 s of page time.
  await script(page.request, batch, [{ fixture: 'processing-seed', latencyMs: 1500 }]);
  const widget = await openWidget(page, batch, { interval: '1', timeout: '60' });
  for (let i = 0; i < 4; i += 1) {
    await page.clock.runFor(1000);
    await page.clock.runFor(1000);
    await settle(widget);
  }
  const requests = await requestsFor(page.request, batch);
  expect(requests.length).toBeGreaterThanOrEqual(4);
  expect(requests.filter((r) => r.overlapped)).toEqual([]);
});

test('no request while the page is hidden, and one at once when it is shown', async ({ page }) => {
  await controlVisibility(page);
  const batch = uniqueBatch('hidden');
  await script(page.request, batch, RUNNING);
  const widget = await openWidget(page, batch, { interval: '5' });
  await page.evaluate(() => window.__setVisibility('hidden'));
  const before = (await requestsFor(page.request, batch)).length;
  await advance(page, widget, 10 * 60_000, 5000);
  expect((await requestsFor(page.request, batch)).length).toBe(before);
  await expect(widget.locator('[part=note]')).toHaveText('Paused');
  await page.evaluate(() => window.__setVisibility('visible'));
  // No clock movement: the refresh on return is immediate.
  await expect.poll(async () => (await requestsFor(page.request, batch)).length).toBe(before + 1);
  await settle(widget);
  await advance(page, widget, 5000);
  expect((await requestsFor(page.request, batch)).length).toBe(before + 2);
});

test('no request after the batch is complete', async ({ page }) => {
  const batch = uniqueBatch('done');
  await script(page.request, batch, [{ fixture: 'completed' }]);
  const widget = await openWidget(page, batch, { interval: '1' });
  await expect(widget).toHaveAttribute('status', 'completed');
  await advance(page, widget, 10 * 60_000, 10_000);
  expect(await requestsFor(page.request, batch)).toHaveLength(1);
});

test('pause() stops polling and resume() polls at once', async ({ page }) => {
  const batch = uniqueBatch('pause');
  await script(page.request, batch, RUNNING);
  const widget = await openWidget(page, batch, { interval: '5' });
  await widget.evaluate((el) => el.pause());
  await advance(page, widget, 60_000, 5000);
  expect(await requestsFor(page.request, batch)).toHaveLength(1);
  await widget.evaluate((el) => el.resume());
  await expect.poll(async () => (await requestsFor(page.request, batch)).length).toBe(2);
});

test('twenty widgets on one page poll independently for an hour', async ({ page }) => {
  test.setTimeout(180_000);
  const intervals = Array.from({ length: 20 }, (_, i) => [20, 40, 60][i % 3]);
  const batches = intervals.map((_, i) => uniqueBatch(`scale${i}`));
  for (const batch of batches) await script(page.request, batch, RUNNING);
  // One widget opened the usual way, then nineteen more added beside it.
  await openWidget(page, batches[0], { interval: String(intervals[0]) });
  for (let i = 1; i < batches.length; i += 1) {
    await addWidget(page, batches[i], { interval: String(intervals[i]) });
  }
  const widgets = page.locator('batch-status');
  await expect(widgets.locator('.bs[aria-busy=false] [role=progressbar]')).toHaveCount(20);
  for (let elapsed = 0; elapsed < 3600_000; elapsed += 20_000) {
    await page.clock.runFor(20_000);
    await expect(widgets.locator('.bs[aria-busy=false]')).toHaveCount(20);
  }
  const log = await (await page.request.get('/__sim/requests')).json();
  for (let i = 0; i < batches.length; i += 1) {
    const count = log.filter((r) => r.batchId === batches[i]).length;
    expect(count, `${batches[i]} every ${intervals[i]} s`).toBe(1 + 3600 / intervals[i]);
  }
  expect(log.filter((r) => batches.includes(r.batchId) && r.overlapped)).toEqual([]);
});
