// The throughput chart, under Playwright's clock against the sim's demo batch:
// bars appear minute by minute, the dashed projection ends where the "Time
// left" text says, the keyboard reaches every bar, a reload keeps the history,
// `chart="off"` draws nothing, and axe finds nothing serious.
import { test, expect } from '@playwright/test';
import AxeBuilder from '@axe-core/playwright';
import { uniqueBatch, openWidget, advance, settle, watchConsole, crashes, script } from './helpers.mjs';

/** Opens a long demo batch and plays `minutes` of polls at a 5 s interval. */
async function played(page, minutes, attributes = {}) {
  const batch = uniqueBatch('demo-long');
  const widget = await openWidget(page, batch, { interval: '5', ...attributes });
  const chart = widget.locator('[part=chart]');
  await expect(chart).toBeAttached();
  await advance(page, widget, minutes * 60_000, 5000);
  return { batch, widget, chart };
}

/** The focused element's accessible label inside the widget. */
function focusedLabel(widget) {
  return widget.evaluate((el) => el.shadowRoot.activeElement?.getAttribute('aria-label') ?? null);
}

test('over ten minutes the bars appear and the projection ends at the estimate', async ({ page }) => {
  const console = watchConsole(page);
  const { widget, chart } = await played(page, 10);
  const bars = chart.locator('.bs-chart-bar');
  // A bar a minute (the first poll only sets the baseline, so where the run
  // starts within its minute decides between 10 and 11), the newest still filling.
  await expect(bars.nth(9)).toBeAttached();
  expect(await bars.count()).toBeLessThanOrEqual(11);
  await expect(bars.last()).toHaveClass(/is-partial/);
  await expect(chart.locator('.bs-chart-summary')).toHaveText(/^Last 10 min: [\d,]+ calls\/min, \d+% succeeded/);
  // The same estimate: the dashed line ends where "Time left" says.
  const timeLeft = await widget.locator('.is-eta dd').textContent();
  const finish = timeLeft.match(/≈ (.+)\)$/)[1];
  await expect(chart.locator('.bs-chart-note')).toContainText(`ending ≈ ${finish}.`);
  await expect(chart.locator('.bs-chart-projection')).toHaveCount(1);
  // Each bar's height is its calls per minute.
  const heights = await bars.evaluateAll((gs) => gs.map((g) => [...g.querySelectorAll('rect')]
    .reduce((sum, r) => sum + Number(r.getAttribute('height')), 0)));
  const counts = await bars.evaluateAll((gs) => gs.map((g) => Number(g.getAttribute('aria-label').match(/: ([\d,]+) calls finished/)[1].replace(/,/g, ''))));
  // Heights in proportion to the counts, within the rounding of each part to
  // a whole SVG unit (a thousandth of the plot's height).
  const scale = Math.max(...heights) / Math.max(...counts);
  for (const [i, count] of counts.entries()) {
    expect(Math.abs(heights[i] - count * scale), `bar ${i}: ${count} calls, height ${heights[i]}`).toBeLessThanOrEqual(2);
  }
  expect(crashes(console)).toEqual([]);
});

test('the keyboard reaches each bar, and Show data gives the same figures', async ({ page }) => {
  const { widget, chart } = await played(page, 4);
  const bars = chart.locator('.bs-chart-bar');
  const count = await bars.count();
  expect(count).toBeGreaterThanOrEqual(4);
  // One tab stop: the newest bar.
  await expect(chart.locator('.bs-chart-bar[tabindex="0"]')).toHaveCount(1);
  await chart.locator('.bs-chart-bar[tabindex="0"]').focus();
  const labels = [await focusedLabel(widget)];
  for (let i = 1; i < count; i += 1) {
    await page.keyboard.press('ArrowLeft');
    labels.push(await focusedLabel(widget));
  }
  expect(new Set(labels).size).toBe(count);
  await expect(chart.locator('.bs-chart-detail')).toHaveText(labels.at(-1));
  await page.keyboard.press('End');
  expect(await focusedLabel(widget)).toBe(labels[0]);
  await page.keyboard.press('Home');
  expect(await focusedLabel(widget)).toBe(labels.at(-1));

  await chart.getByRole('button', { name: 'Show data' }).click();
  await expect(chart.getByRole('button', { name: 'Hide data' })).toHaveAttribute('aria-expanded', 'true');
  await expect(chart.locator('table tr')).toHaveCount(count + 1);
});

test('a reload keeps the history, and never the key', async ({ page }) => {
  const { chart } = await played(page, 3);
  const before = await chart.locator('.bs-chart-bar').count();
  expect(before).toBeGreaterThanOrEqual(3);
  const stored = await page.evaluate(() => Object.keys(sessionStorage).filter((k) => k.startsWith('batch-status:chart:')));
  expect(stored).toHaveLength(1);
  const text = await page.evaluate((key) => sessionStorage.getItem(key), stored[0]);
  expect(text).not.toContain('sk_e2e');
  await page.reload();
  const again = page.locator('batch-status').locator('[part=chart]');
  // Drawn from storage, before any new poll has a delta to add.
  await expect(again.locator('.bs-chart-bar')).toHaveCount(before);
  await expect(again.locator('.bs-chart-summary')).not.toContainText('since you opened this page');
});

/** An answer for running `batch` with `completed` calls done. */
function running(batch, completed) {
  const progress = { waiting: 1000 - completed - 7, active: 5, completed, failed: 2, total: 1000 };
  return { body: JSON.stringify({ id: batch, status: 'processing', isComplete: false, totalCalls: 1000, progress }) };
}

test('a reload keeps the minutes in which nothing finished', async ({ page }) => {
  const batch = uniqueBatch('quiet');
  // Ten calls finish between the first two polls, then none for minutes.
  await script(page.request, batch, [running(batch, 100), running(batch, 110)]);
  const widget = await openWidget(page, batch, { interval: '20' });
  const chart = widget.locator('[part=chart]');
  await expect(chart).toBeAttached();
  await advance(page, widget, 3 * 60_000, 20_000);
  const bars = chart.locator('.bs-chart-bar');
  const before = await bars.count();
  // At least two quiet minutes, each a bar of nothing finished.
  expect(before).toBeGreaterThanOrEqual(2);
  await expect(bars.last()).toHaveAttribute('aria-label', /: 0 calls finished/);
  await page.reload();
  await expect(page.locator('batch-status').locator('[part=chart] .bs-chart-bar')).toHaveCount(before);
});

test('chart-storage="off" keeps nothing, and says the chart covers only this page', async ({ page }) => {
  const { batch, chart } = await played(page, 2, { 'chart-storage': 'off' });
  await expect(chart.locator('.bs-chart-bar')).not.toHaveCount(0);
  await expect(chart.locator('.bs-chart-summary')).toContainText('since you opened this page');
  const keys = await page.evaluate((id) => Object.keys(sessionStorage).filter((k) => k.includes(id)), batch);
  expect(keys).toEqual([]);
});

test('chart="off" draws no chart and loads none', async ({ page }) => {
  const loaded = [];
  page.on('request', (r) => {
    if (r.url().includes('batch-status-chart')) loaded.push(r.url());
  });
  const widget = await openWidget(page, uniqueBatch('demo-long'), { interval: '5', chart: 'off' });
  await advance(page, widget, 10_000, 5000);
  await expect(widget.locator('[role=progressbar]')).toBeAttached();
  await expect(widget.locator('[part=chart]')).toHaveCount(0);
  expect(loaded).toEqual([]);
});

for (const theme of ['light', 'dark']) {
  test(`no serious accessibility violation in the chart, ${theme}`, async ({ page }) => {
    await page.emulateMedia({ colorScheme: theme });
    const { widget, chart } = await played(page, 6);
    await chart.getByRole('button', { name: 'Show data' }).click();
    await settle(widget);
    await page.clock.resume();
    const results = await new AxeBuilder({ page }).include('batch-status').analyze();
    const serious = results.violations.filter((v) => ['serious', 'critical'].includes(v.impact));
    expect(serious.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([]);
    await chart.getByRole('button', { name: 'Hide data' }).click();
    await widget.screenshot({ path: `target/e2e/chart-${theme}.png` });
  });
}
