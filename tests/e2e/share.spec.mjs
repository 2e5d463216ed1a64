// One poll per batch per browser: widgets and tabs watching the same batch (same
// source, workspace, interval and key) share one poll, led by the holder of the
// batch's Web Lock, under Playwright's clock (one clock for the whole context,
// so every tab moves together), counted in the sim's request log.
import fs from 'node:fs';
import { test, expect } from '@playwright/test';
import { FAULT_SIM_PORT } from '../../playwright.config.mjs';
import {
  uniqueBatch, requestsFor, script, openWidget, addWidget, controlVisibility, E2E_KEY,
  watchConsole,
} from './helpers.mjs';

const GOOD = { fixture: 'processing-seed' };
const RUNNING = [GOOD];
const OTHER_KEY = 'sk_e2e_other_key_4242';

/** Every live widget of every page in `pages` has no request or wait under way. */
async function settleAll(pages) {
  for (const page of pages) {
    for (const widget of await page.locator('batch-status:not([status=crashed])').all()) {
      await expect(widget.locator('.bs[aria-busy=false]')).toBeAttached();
    }
  }
}

/** Moves the context's clock on by `ms` in `step`s, letting every poll finish;
 * gives the request count for `batch` after each step. */
async function advanceAll(pages, batch, ms, step = 5000) {
  const counts = [];
  for (let elapsed = 0; elapsed < ms; elapsed += step) {
    await pages[0].clock.runFor(step);
    await settleAll(pages);
    counts.push((await requestsFor(pages[0].request, batch)).length);
  }
  return counts;
}

/** Opens one more tab of the context with a widget for `batch`, as
 * `openWidget` does but under the context's clock (installed already), and
 * waits for it to show the batch. */
async function openTab(context, batch, attributes = {}, before = async () => {}) {
  const page = await context.newPage();
  await before(page);
  await openWidget(page, batch, { interval: '5', ...attributes }, { clock: false });
  await expect(page.locator('batch-status .bs[aria-busy=false] [role=progressbar]')).toBeAttached();
  return page;
}

/** Installs the context's clock, paused: time moves only when a test says so. */
async function pauseClock(context) {
  await context.clock.install();
  await context.clock.pauseAt(Date.now() + 1000);
}

/** Records every message posted on any BroadcastChannel of the page, as JSON. */
async function recordChannels(page) {
  await page.addInitScript(() => {
    window.__posted = [];
    const post = BroadcastChannel.prototype.postMessage;
    BroadcastChannel.prototype.postMessage = function record(message) {
      window.__posted.push(JSON.stringify(message));
      return post.call(this, message);
    };
  });
}

/** Every run of eight characters of `key`: what must appear nowhere. */
function traces(key) {
  return Array.from({ length: key.length - 7 }, (_, at) => key.slice(at, at + 8));
}

test('six widgets on one page watching one batch make one request per interval', async ({ page }) => {
  const logged = watchConsole(page);
  const batch = uniqueBatch('share-six');
  await script(page.request, batch, RUNNING);
  await openWidget(page, batch, { interval: '5' });
  for (let i = 0; i < 5; i += 1) await addWidget(page, batch, { interval: '5' });
  const widgets = page.locator('batch-status');
  await expect(widgets).toHaveCount(6);
  // Each shows the batch at once: a new follower is given the leader's last answer.
  for (const widget of await widgets.all()) {
    await expect(widget.locator('.bs[aria-busy=false] [role=progressbar]')).toHaveAttribute('aria-valuenow', /\d+/);
  }
  expect(await requestsFor(page.request, batch)).toHaveLength(1);
  const counts = await advanceAll([page], batch, 60_000);
  expect(counts).toEqual(Array.from({ length: 12 }, (_, i) => 2 + i));
  // Every widget heard every answer: they all read the same.
  const texts = await widgets.evaluateAll((all) => all.map((el) => el.shadowRoot.querySelector('[part=stats]').innerText));
  expect(new Set(texts).size).toBe(1);
  expect(logged).toEqual([]);
});

test('a widget alone posts no answers, and posts each once another joins', async ({ page }) => {
  await recordChannels(page);
  const batch = uniqueBatch('share-alone');
  await script(page.request, batch, RUNNING);
  await openWidget(page, batch, { interval: '5' });
  await expect(page.locator('batch-status .bs[aria-busy=false] [role=progressbar]')).toBeAttached();
  const answers = async () => (await page.evaluate(() => window.__posted)).filter((m) => m.startsWith('['));
  expect(await advanceAll([page], batch, 15_000)).toEqual([2, 3, 4]);
  expect(await answers()).toEqual([]);
  // A follower joins: it is given the last answer at once, and hears each after.
  await addWidget(page, batch, { interval: '5' });
  const follower = page.locator('batch-status').nth(1);
  await expect(follower.locator('.bs[aria-busy=false] [role=progressbar]')).toHaveAttribute('aria-valuenow', /\d+/);
  expect(await answers()).toHaveLength(1);
  expect(await advanceAll([page], batch, 10_000)).toEqual([5, 6]);
  expect(await answers()).toHaveLength(3);
});

test('three tabs watching one batch make one request per interval between them', async ({ context }) => {
  const batch = uniqueBatch('share-tabs');
  const [page] = context.pages().length ? context.pages() : [await context.newPage()];
  await script(page.request, batch, RUNNING);
  await pauseClock(context);
  const tabs = [];
  for (let i = 0; i < 3; i += 1) tabs.push(await openTab(context, batch));
  expect(await requestsFor(page.request, batch)).toHaveLength(1);
  const counts = await advanceAll(tabs, batch, 60_000);
  expect(counts).toEqual(Array.from({ length: 12 }, (_, i) => 2 + i));
});

test('when the leading tab closes another takes over on the same schedule', async ({ context }) => {
  const batch = uniqueBatch('share-close');
  const page = await context.newPage();
  await script(page.request, batch, RUNNING);
  await pauseClock(context);
  const [leader, ...others] = [await openTab(context, batch), await openTab(context, batch), await openTab(context, batch)];
  expect(await advanceAll(others, batch, 10_000)).toEqual([2, 3]);
  // Mid-interval the leader's tab goes; the lock passes to the next in line.
  await page.clock.runFor(2500);
  await leader.close();
  // The next poll is due 2.5 s later, within one interval plus the timeout.
  expect(await advanceAll(others, batch, 2500, 2500)).toEqual([4]);
  expect(await advanceAll(others, batch, 30_000)).toEqual([5, 6, 7, 8, 9, 10]);
  for (const tab of others) {
    await expect(tab.locator('batch-status [part=error]')).toHaveCount(0);
  }
});

test('two keys on one batch poll apart, and no key is ever told', async ({ page }) => {
  await recordChannels(page);
  const batch = uniqueBatch('share-keys');
  await script(page.request, batch, RUNNING);
  await openWidget(page, batch, { interval: '5' });
  await addWidget(page, batch, { interval: '5' });
  await addWidget(page, batch, { interval: '5' }, OTHER_KEY);
  await addWidget(page, batch, { interval: '5' }, OTHER_KEY);
  await expect(page.locator('batch-status .bs[aria-busy=false] [role=progressbar]')).toHaveCount(4);
  await advanceAll([page], batch, 30_000);
  const requests = await requestsFor(page.request, batch);
  const byKey = (key) => requests.filter((r) => r.apiKey === key).length;
  expect([byKey(E2E_KEY), byKey(OTHER_KEY), requests.length]).toEqual([7, 7, 14]);
  // Answers went over the channels (so the capture sees them), and no trace of
  // either key did, nor is one in a lock's name.
  const posted = await page.evaluate(() => window.__posted);
  expect(posted.filter((m) => m.startsWith('[')).length).toBeGreaterThanOrEqual(12);
  const locks = JSON.stringify(await page.evaluate(() => navigator.locks.query()));
  for (const run of [...traces(E2E_KEY), ...traces(OTHER_KEY)]) {
    expect(posted.filter((m) => m.includes(run))).toEqual([]);
    expect(locks).not.toContain(run);
  }
});

test('a server that echoes the key is never told to the others: each asks it itself', async ({ page }) => {
  await recordChannels(page);
  const batch = uniqueBatch('share-echo');
  const seed = JSON.parse(fs.readFileSync('../shared/fixtures/status-processing-seed.json', 'utf8'));
  await script(page.request, batch, [{ body: JSON.stringify({ ...seed, message: 'You sent {apiKey}' }) }]);
  await openWidget(page, batch, { interval: '5' });
  await addWidget(page, batch, { interval: '5' });
  await expect(page.locator('batch-status .bs[aria-busy=false] [role=progressbar]')).toHaveCount(2);
  await advanceAll([page], batch, 10_000);
  const posted = await page.evaluate(() => window.__posted);
  for (const run of traces(E2E_KEY)) expect(posted.filter((m) => m.includes(run))).toEqual([]);
  // The follower asked the API itself each time the leader could not tell it.
  expect((await requestsFor(page.request, batch)).length).toBeGreaterThanOrEqual(4);
});

test('nothing is polled while every tab is hidden, and a tab shown again polls at once', async ({ context }) => {
  const batch = uniqueBatch('share-hidden');
  const page = await context.newPage();
  await script(page.request, batch, RUNNING);
  await pauseClock(context);
  const tabs = [await openTab(context, batch, {}, controlVisibility), await openTab(context, batch, {}, controlVisibility)];
  for (const tab of tabs) await tab.evaluate(() => window.__setVisibility('hidden'));
  const before = (await requestsFor(page.request, batch)).length;
  expect(await advanceAll(tabs, batch, 60_000, 10_000)).toEqual(Array(6).fill(before));
  await tabs[1].evaluate(() => window.__setVisibility('visible'));
  // No clock movement: the tab shown leads, and polls at once.
  await expect.poll(async () => (await requestsFor(page.request, batch)).length).toBe(before + 1);
  expect(await advanceAll(tabs, batch, 10_000)).toEqual([before + 2, before + 3]);
});

test('a refresh on a follower polls now through the leader, and every watcher shows the answer', async ({ page }) => {
  const batch = uniqueBatch('share-refresh');
  await script(page.request, batch, [GOOD, { fixture: 'completed' }]);
  await openWidget(page, batch, { interval: '5' });
  await addWidget(page, batch, { interval: '5', id: 'follower' });
  await addWidget(page, batch, { interval: '5' });
  await expect(page.locator('batch-status .bs[aria-busy=false] [role=progressbar]')).toHaveCount(3);
  await page.locator('#follower').evaluate((el) => el.refresh());
  // No clock movement: the leader polls at once.
  await expect.poll(async () => (await requestsFor(page.request, batch)).length).toBe(2);
  for (const widget of await page.locator('batch-status').all()) {
    await expect(widget).toHaveAttribute('status', 'completed');
  }
  // A finished batch stops everyone.
  expect(await advanceAll([page], batch, 30_000)).toEqual(Array(6).fill(2));
});

test('pause() on one watcher pauses that one only, and resume() shows the latest answer', async ({ page }) => {
  const batch = uniqueBatch('share-pause');
  await script(page.request, batch, RUNNING);
  const leader = (await openWidget(page, batch, { interval: '5' })).first();
  await addWidget(page, batch, { interval: '5' });
  await addWidget(page, batch, { interval: '5' });
  await expect(page.locator('batch-status .bs[aria-busy=false] [role=progressbar]')).toHaveCount(3);
  // The leader pauses: it stops leading, the next in line polls on its schedule.
  await leader.evaluate((el) => el.pause());
  expect(await advanceAll([page], batch, 20_000)).toEqual([2, 3, 4, 5]);
  await expect(leader.locator('[part=note]')).toHaveText('Paused');
  await expect(page.locator('batch-status [part=note]')).toHaveCount(1);
  await expect(leader.locator('[part=stats]')).toContainText(/(19|20) s ago/);
  // Resumed, it follows: given the last answer at once, with no request of its own.
  await leader.evaluate((el) => el.resume());
  await expect(leader.locator('[part=stats]')).toContainText('just now');
  await expect(page.locator('batch-status [part=note]')).toHaveCount(0);
  expect(await requestsFor(page.request, batch)).toHaveLength(5);
  expect(await advanceAll([page], batch, 10_000)).toEqual([6, 7]);
});

test("the leader's Retry-After holds for every watcher, a refresh included", async ({ page }) => {
  const batch = uniqueBatch('share-retry');
  await script(page.request, batch, [GOOD, { status: 429, retryAfter: '30' }, GOOD]);
  await openWidget(page, batch, { interval: '5' });
  await addWidget(page, batch, { interval: '5', id: 'follower' });
  await addWidget(page, batch, { interval: '5' });
  expect(await advanceAll([page], batch, 5000)).toEqual([2]);
  const follower = page.locator('#follower');
  await expect(follower.locator('[part=error]')).toContainText(/Retrying in (29|30) s/);
  // A refresh on a follower asks the leader, whose rules keep the server's wait.
  await follower.evaluate((el) => el.refresh());
  expect(await advanceAll([page], batch, 25_000)).toEqual([2, 2, 2, 2, 2]);
  expect(await advanceAll([page], batch, 5000)).toEqual([3]);
  await expect(page.locator('batch-status [part=error]')).toHaveCount(0);
});

test("the leader's backoff holds for every watcher", async ({ page }) => {
  const batch = uniqueBatch('share-backoff');
  await script(page.request, batch, [GOOD, { status: 503 }, GOOD]);
  await openWidget(page, batch, { interval: '5' });
  for (let i = 0; i < 3; i += 1) await addWidget(page, batch, { interval: '5' });
  expect(await advanceAll([page], batch, 5000)).toEqual([2]);
  // The backoff after one failure is the interval ±20 %: nobody asks within 4 s,
  // and one asks by 6 s.
  expect(await advanceAll([page], batch, 3900, 3900)).toEqual([2]);
  expect(await advanceAll([page], batch, 2100, 2100)).toEqual([3]);
});

test.describe('in a build that can crash', () => {
  test.use({ baseURL: `http://127.0.0.1:${FAULT_SIM_PORT}` });

  test("a crash in the leader's instance passes the lead on, and only it shows the crash", async ({ page }) => {
    const seed = JSON.parse(fs.readFileSync('../shared/fixtures/status-processing-seed.json', 'utf8'));
    const panic = { body: JSON.stringify({ ...seed, error: 'fault-injection: panic' }) };
    const batch = uniqueBatch('share-crash');
    await script(page.request, batch, [GOOD, panic, GOOD]);
    const leader = (await openWidget(page, batch, { interval: '5' })).first();
    await addWidget(page, batch, { interval: '5' });
    await addWidget(page, batch, { interval: '5' });
    // The leader fetches the answer that makes it panic, and tells no one.
    await page.clock.runFor(5000);
    await expect(leader).toHaveAttribute('status', 'crashed');
    await expect(leader.locator('[part=error]')).toContainText('This widget stopped after an internal error.');
    // Its lock passed on: the next in line polls at once, and the others show it.
    await expect.poll(async () => (await requestsFor(page.request, batch)).length).toBe(3);
    const others = page.locator('batch-status:not([status=crashed])');
    await expect(others).toHaveCount(2);
    await expect(others.locator('.bs[aria-busy=false] [role=progressbar]')).toHaveCount(2);
    await expect(others.locator('[part=error]')).toHaveCount(0);
    expect(await advanceAll([page], batch, 20_000)).toEqual([4, 5, 6, 7]);
  });
});
