// The calls explorer and the CSV export, against the sim's /calls: paging makes
// one request per page shown and none while closed or hidden, a page change
// aborts the request in flight, the export's file matches the sim, a cancelled
// export stops, errors stay inside the explorer, the keyboard reaches
// everything, and axe finds nothing serious.
import { test, expect } from '@playwright/test';
import AxeBuilder from '@axe-core/playwright';
import { readFile } from 'node:fs/promises';
import {
  uniqueBatch, requestsFor, openWidget, advance, settle, controlVisibility, E2E_KEY, watchConsole, documentListeners,
} from './helpers.mjs';

const HEADERS = { 'x-api-key': E2E_KEY, 'x-workspace-id': 'ws_e2e' };

/** The /calls requests the sim received for `batch`, as `page/limit/status`. */
async function callsRequests(request, batch) {
  return (await requestsFor(request, batch))
    .filter((entry) => entry.endpoint === 'calls')
    .map((entry) => Object.fromEntries(new URLSearchParams(entry.query)));
}

/** Scripts the answers of `batch`'s /calls only. */
async function scriptCalls(request, batch, steps) {
  const response = await request.put(`/__sim/scenarios/${batch}/calls`, { data: { steps } });
  expect(response.status()).toBe(204);
}

/** Every call of `status` in `batch`, read from the sim directly. */
async function simCalls(request, batch, status) {
  const calls = [];
  for (let page = 1; ; page += 1) {
    const response = await request.get(
      `/v1/api/batch-calls/${batch}/calls?page=${page}&limit=100&status=${status}`, { headers: HEADERS },
    );
    const body = await response.json();
    calls.push(...body.calls);
    if (page >= body.pagination.totalPages) return calls;
  }
}

/** Opens the explorer from its button and waits for its first page. */
async function openExplorer(widget) {
  // The chart arrives after the first data and moves the button down: click
  // once it is in place, or the click can land where the button was.
  await expect(widget.locator('[part=chart] svg')).toBeAttached();
  await widget.getByRole('button', { name: 'Show all calls' }).click();
  const explorer = widget.locator('[part=explorer]');
  await expect(explorer.locator('table[aria-busy=false]')).toBeAttached();
  return explorer;
}

/** Waits for a demo batch to finish on the sim (its clock runs in real time). */
async function finished(request, batch) {
  await expect.poll(async () => {
    const response = await request.get(`/v1/api/batch-calls/${batch}`, { headers: HEADERS });
    return (await response.json()).status;
  }, { timeout: 30_000 }).toBe('completed');
}

test('paging a 4,200-call state: one request per page shown, none while closed or hidden', async ({ page }) => {
  await controlVisibility(page);
  const console = watchConsole(page);
  const batch = uniqueBatch('demo-large');
  const widget = await openWidget(page, batch, { interval: '5' });
  expect(await callsRequests(page.request, batch)).toEqual([]);
  const explorer = await openExplorer(widget);
  await expect(explorer.locator('.bs-x-page')).toHaveText('Page 1 of 168');
  await expect(explorer.locator('tbody tr')).toHaveCount(25);
  await expect(explorer.getByRole('tab', { name: /All/ })).toHaveAttribute('aria-selected', 'true');
  await expect(explorer.getByRole('tab', { name: /All/ })).toContainText('4,200');
  for (const expected of ['Page 2 of 168', 'Page 3 of 168', 'Page 4 of 168']) {
    await explorer.getByRole('button', { name: 'Next page' }).click();
    await expect(explorer.locator('.bs-x-page')).toHaveText(expected);
    await expect(explorer.locator('table[aria-busy=false]')).toBeAttached();
  }
  await explorer.getByRole('button', { name: 'Last page' }).click();
  await expect(explorer.locator('.bs-x-page')).toHaveText('Page 168 of 168');
  await expect(explorer.locator('tbody tr').last()).toContainText('call_04200');
  await expect(explorer.getByRole('button', { name: 'Next page' })).toHaveAttribute('aria-disabled', 'true');
  const pages = (await callsRequests(page.request, batch)).map((q) => `${q.page}/${q.limit}/${q.status}`);
  expect(pages).toEqual(['1/25/all', '2/25/all', '3/25/all', '4/25/all', '168/25/all']);

  // Hidden: the open page is not refreshed; shown again, it is, at once.
  await page.evaluate(() => window.__setVisibility('hidden'));
  await advance(page, widget, 60_000, 5000);
  expect(await callsRequests(page.request, batch)).toHaveLength(5);
  await page.evaluate(() => window.__setVisibility('visible'));
  await expect.poll(async () => (await callsRequests(page.request, batch)).length).toBe(6);
  await expect(explorer.locator('table[aria-busy=false]')).toBeAttached();

  // Closed: nothing at all, however long the widget runs.
  await explorer.getByRole('button', { name: 'Close all calls' }).click();
  await expect(widget.locator('[part=explorer]')).toHaveCount(0);
  await expect(widget.getByRole('button', { name: 'Show all calls' })).toBeFocused();
  await advance(page, widget, 60_000, 5000);
  expect(await callsRequests(page.request, batch)).toHaveLength(6);
  expect(console).toEqual([]);
});

test('while the batch runs the open page refreshes at the poll interval, one request at a time', async ({ page }) => {
  const batch = uniqueBatch('demo-large');
  const widget = await openWidget(page, batch, { interval: '5' });
  const explorer = await openExplorer(widget);
  for (let step = 0; step < 4; step += 1) {
    await page.clock.runFor(5000);
    // Each answer is in before the clock moves on: the next wait starts from it.
    await settle(widget);
    await expect(explorer.locator('table[aria-busy=false]')).toBeAttached();
  }
  const requests = (await requestsFor(page.request, batch)).filter((e) => e.endpoint === 'calls');
  expect(requests.length).toBe(5);
  expect(requests.filter((r) => r.overlapped)).toEqual([]);
});

test('changing the page aborts the request in flight, and its late answer is never shown', async ({ page }) => {
  const batch = uniqueBatch('demo-large');
  const widget = await openWidget(page, batch, { interval: '5', timeout: '60' });
  const explorer = await openExplorer(widget);
  await scriptCalls(page.request, batch, [{ latencyMs: 1500 }]);
  const aborted = page.waitForEvent('requestfailed', (r) => /[?&]page=2&/.test(r.url()));
  await explorer.getByRole('button', { name: 'Next page' }).click();
  await expect(explorer.locator('table[aria-busy=true]')).toBeAttached();
  await explorer.getByRole('button', { name: 'Last page' }).click();
  expect((await aborted).failure().errorText).toMatch(/ABORTED/);
  await expect(explorer.locator('table[aria-busy=false]')).toBeAttached({ timeout: 10_000 });
  await expect(explorer.locator('.bs-x-page')).toHaveText('Page 168 of 168');
  await expect(explorer.locator('tbody tr').first()).toContainText('call_04176');
});

test('the export is the sim\'s calls as RFC 4180 CSV, phones masked', async ({ page }) => {
  const batch = uniqueBatch('demo-large');
  const widget = await openWidget(page, batch, { interval: '5' });
  const explorer = await openExplorer(widget);
  const download = page.waitForEvent('download');
  await explorer.getByRole('button', { name: 'Download CSV' }).click();
  const file = await download;
  expect(file.suggestedFilename()).toMatch(new RegExp(`^batch-${batch}-all-\\d{4}-\\d{2}-\\d{2}\\.csv$`));
  const text = await readFile(await file.path(), 'utf8');
  expect(text.startsWith('\uFEFFcall_id,status,phone_number,started_at,ended_at,duration_seconds,error\r\n')).toBe(true);
  const rows = text.slice(1).split('\r\n').filter(Boolean).slice(1);
  // The export paused the page poll: after the first page, every /calls
  // request was the export's, at limit 100.
  const requests = await callsRequests(page.request, batch);
  expect(requests.slice(1).every((q) => q.limit === '100')).toBe(true);
  expect(requests).toHaveLength(1 + 42);
  const sim = await simCalls(page.request, batch, 'all');
  expect(rows).toHaveLength(4_200);
  expect(rows.map((row) => row.split(',')[0])).toEqual(sim.map((call) => call.jobId));
  // Every number masked: no row carries a whole number the sim sent.
  expect(rows.filter((row, i) => row.includes(sim[i].phone_number.slice(1)))).toEqual([]);
  await expect(explorer.locator('.bs-x-export-status')).toHaveText(/^Saved batch-.*: 4,200 calls\.$/);
});

test('cancelling an export stops its requests', async ({ page }) => {
  const batch = uniqueBatch('demo-large');
  const widget = await openWidget(page, batch, { interval: '5' });
  const explorer = await openExplorer(widget);
  // Pages 1 and 2 answer quickly; page 3 is still on its way when Cancel is
  // pressed, so there is always a request in flight to abort.
  await scriptCalls(page.request, batch, [{ latencyMs: 100 }, { latencyMs: 100 }, { latencyMs: 2000 }, { latencyMs: 100 }]);
  await explorer.getByRole('button', { name: 'Download CSV' }).click();
  await expect(explorer.locator('.bs-x-export-status')).toHaveText(/Fetching 200 of 4,200 calls/);
  const aborted = page.waitForEvent('requestfailed', (r) => /[?&]page=3&/.test(r.url()));
  await explorer.getByRole('button', { name: 'Cancel export' }).click();
  await aborted;
  await expect(explorer.locator('.bs-x-export-status')).toHaveText('Export cancelled.');
  const after = (await callsRequests(page.request, batch)).length;
  // An absence: longer than page 3's latency, no page 4 is asked for.
  await page.waitForTimeout(2500);
  expect((await callsRequests(page.request, batch)).length).toBe(after);
  await expect(explorer.getByRole('button', { name: 'Download CSV' })).toBeEnabled();
});

for (const [status, words] of [[401, /API key was not accepted \(HTTP 401\)/], [404, /not found/i], [500, /failed \(HTTP 500\)/]]) {
  test(`a ${status} on /calls shows in the explorer while the status stays live`, async ({ page }) => {
    const batch = uniqueBatch('demo-large');
    const widget = await openWidget(page, batch, { interval: '5' });
    await scriptCalls(page.request, batch, [{ status }]);
    await widget.getByRole('button', { name: 'Show all calls' }).click();
    const explorer = widget.locator('[part=explorer]');
    await expect(explorer.locator('.bs-x-status.is-error')).toHaveText(words);
    const before = (await requestsFor(page.request, batch)).filter((e) => e.endpoint === 'status').length;
    await advance(page, widget, 10_000, 5000);
    const after = (await requestsFor(page.request, batch)).filter((e) => e.endpoint === 'status').length;
    expect(after).toBe(before + 2);
    await expect(widget.locator('[part=error]')).toHaveCount(0);
    await expect(widget.locator('[role=progressbar]')).toBeVisible();
  });
}

test('failure reasons: grouped from the sim\'s failed calls, and a reason filters the table', async ({ page }) => {
  const batch = uniqueBatch('demo');
  await finished(page.request, batch);
  const failed = await simCalls(page.request, batch, 'failed');
  const counts = {};
  for (const call of failed) counts[call.error] = (counts[call.error] || 0) + 1;
  const top = Object.entries(counts).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))[0];
  const widget = await openWidget(page, batch, { interval: '5' });
  const explorer = await openExplorer(widget);
  await explorer.getByRole('tab', { name: /Failed/ }).click();
  const reasons = explorer.locator('[part=explorer-reasons]');
  await expect(reasons).toContainText(`from all ${failed.length} failed calls`);
  const label = top[0][0].toUpperCase() + top[0].slice(1).replaceAll('-', ' ');
  const first = reasons.getByRole('button').first();
  await expect(first).toHaveText(`${label} × ${top[1]}`);
  await first.click();
  await expect(first).toHaveAttribute('aria-pressed', 'true');
  await expect(explorer.locator('.bs-x-status')).toContainText('filtered in this browser');
  const errors = await explorer.locator('tbody .bs-call-error').allInnerTexts();
  expect(errors.length).toBe(Math.min(top[1], 25));
  expect(new Set(errors)).toEqual(new Set([top[0]]));
  await widget.screenshot({ path: 'target/e2e/explorer-failed-reasons.png' });
  await reasons.getByRole('button', { name: 'Show every failed call' }).click();
  await expect(explorer.locator('.bs-x-status')).toContainText(`of ${failed.length} failed`);
});

test('the explorer works from the keyboard alone', async ({ page }) => {
  const batch = uniqueBatch('demo-large');
  const widget = await openWidget(page, batch, { interval: '5' });
  await widget.getByRole('button', { name: 'Show all calls' }).focus();
  await page.keyboard.press('Enter');
  const explorer = widget.locator('[part=explorer]');
  await expect(explorer.locator('table[aria-busy=false]')).toBeAttached();
  // Tab reaches Close, then the selected tab; arrows move between tabs.
  await page.keyboard.press('Tab');
  await expect(explorer.getByRole('button', { name: 'Close all calls' })).toBeFocused();
  await page.keyboard.press('Tab');
  await expect(explorer.getByRole('tab', { name: /All/ })).toBeFocused();
  await page.keyboard.press('ArrowRight');
  await expect(explorer.getByRole('tab', { name: /Waiting/ })).toBeFocused();
  await expect(explorer.getByRole('tab', { name: /Waiting/ })).toHaveAttribute('aria-selected', 'true');
  await page.keyboard.press('End');
  await expect(explorer.getByRole('tab', { name: /Failed/ })).toHaveAttribute('aria-selected', 'true');
  await page.keyboard.press('Home');
  await expect(explorer.getByRole('tab', { name: /All/ })).toHaveAttribute('aria-selected', 'true');
  await expect(explorer.locator('table[aria-busy=false]')).toBeAttached();
  // On to Next (past First and Previous, which lead nowhere on page 1) and press it.
  await explorer.getByRole('button', { name: 'Next page' }).focus();
  await page.keyboard.press('Enter');
  await expect(explorer.locator('.bs-x-page')).toHaveText('Page 2 of 168');
  await expect(explorer.getByRole('button', { name: 'Next page' })).toBeFocused();
  await page.keyboard.press('Escape');
  await expect(widget.locator('[part=explorer]')).toHaveCount(0);
  await expect(widget.getByRole('button', { name: 'Show all calls' })).toBeFocused();
});

for (const theme of ['light', 'dark']) {
  test(`no serious accessibility violation in the explorer, ${theme}`, async ({ page }) => {
    await page.emulateMedia({ colorScheme: theme });
    const batch = uniqueBatch('demo-large');
    const widget = await openWidget(page, batch, { interval: '5' });
    const explorer = await openExplorer(widget);
    await settle(widget);
    await page.clock.resume();
    const results = await new AxeBuilder({ page }).include('batch-status').analyze();
    const serious = results.violations.filter((v) => ['serious', 'critical'].includes(v.impact));
    expect(serious.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([]);
    await explorer.screenshot({ path: `target/e2e/explorer-${theme}.png` });
  });
}

test('explorer="off" hides the control, and a host can still open it and export from script', async ({ page }) => {
  const batch = uniqueBatch('demo');
  await finished(page.request, batch);
  const widget = await openWidget(page, batch, { interval: '5', explorer: 'off', 'page-size': '10' });
  await expect(widget.getByRole('button', { name: 'Show all calls' })).toHaveCount(0);
  await widget.evaluate((el) => el.openExplorer());
  const explorer = widget.locator('[part=explorer]');
  await expect(explorer.locator('tbody tr')).toHaveCount(10);
  const rows = await widget.evaluate(async (el) => {
    const file = await el.exportCalls({ status: 'completed' });
    return { type: file.type, lines: (await file.text()).split('\r\n').filter(Boolean).length };
  });
  const completed = await simCalls(page.request, batch, 'completed');
  expect(rows.type).toBe('text/csv;charset=utf-8');
  expect(completed.length).toBeGreaterThan(100);
  expect(rows.lines).toBe(1 + completed.length);
  const refused = await widget.evaluate((el) => el.exportCalls({ status: 'queued' }).then(() => 'resolved', (e) => e.message));
  expect(refused).toMatch(/status must be one of/);
});

test('hostile strings stay text in the explorer, and the CSV defuses every formula', async ({ page }) => {
  const batch = uniqueBatch('hostile');
  const put = (path, steps) => page.request.put(`/__sim/scenarios/${path}`, { data: { steps } });
  expect((await put(batch, [{ fixture: 'hostile-strings' }])).status()).toBe(204);
  expect((await put(`${batch}/calls`, [{ fixture: 'hostile' }])).status()).toBe(204);
  const widget = await openWidget(page, batch, { interval: '5', 'mask-phones': 'off' });
  const explorer = await openExplorer(widget);
  await expect(explorer.locator('tbody tr')).toHaveCount(2);
  await expect(explorer.locator('tbody tr').first().locator('.bs-call-id')).toHaveText('job_x"<img src=x onerror=window.__xss=1>');
  expect(await explorer.locator('img').count()).toBe(0);
  expect(await page.evaluate(() => window.__xss)).toBeUndefined();
  const download = page.waitForEvent('download');
  await explorer.getByRole('button', { name: 'Download CSV' }).click();
  const text = await readFile(await (await download).path(), 'utf8');
  expect(text).toContain('"\'=HYPERLINK(""http://evil.example"",""click"")"');
  expect(text).toContain(',\'@SUM(1+1),');
  // Control characters never get past the body's scrub (see model/mask.rs), so
  // the line break is gone; the comma and the quotes are quoted.
  expect(text).toContain('"\'+cmd|\' /C calc\'!A0second line, with comma and ""quotes"""');
  expect(text).toContain(',\'-2+3');
});

test('closing the explorer, and then removing the widget, leaves no listener on the document', async ({ page }) => {
  const batch = uniqueBatch('demo-large');
  const widget = await openWidget(page, batch, { interval: '5' });
  expect(await documentListeners(page, 'visibilitychange')).toBe(1);
  const explorer = await openExplorer(widget);
  expect(await documentListeners(page, 'visibilitychange')).toBe(2);
  await scriptCalls(page.request, batch, [{ latencyMs: 300 }]);
  await explorer.getByRole('button', { name: 'Download CSV' }).click();
  await expect(explorer.locator('.bs-x-export-status')).toHaveText(/Fetching/);
  // The export's sweep follows the page's visibility too.
  expect(await documentListeners(page, 'visibilitychange')).toBe(3);
  await explorer.getByRole('button', { name: 'Close all calls' }).click();
  await expect(widget.locator('[part=explorer]')).toHaveCount(0);
  expect(await documentListeners(page, 'visibilitychange')).toBe(1);
  await widget.evaluate((el) => el.remove());
  expect(await documentListeners(page, 'visibilitychange')).toBe(0);
});
