// Cancelling a batch from the widget, against the sim's DELETE: opt-in, only
// while the batch runs, a native dialog whose default is "Keep running", one
// DELETE per confirmation however often it is clicked, never retried, stoppable
// by the host page, and accessible in light and dark.
import { test, expect } from '@playwright/test';
import AxeBuilder from '@axe-core/playwright';
import {
  uniqueBatch, requestsFor, openWidget, addWidget, advance, settle, script, watchConsole, crashes,
} from './helpers.mjs';

const ALLOW = { 'allow-cancel': '', interval: '5' };

/** The DELETEs the sim received for `batch`. */
async function deletes(request, batch) {
  return (await requestsFor(request, batch)).filter((entry) => entry.endpoint === 'cancel');
}

/** Scripts the answers of `batch`'s DELETE only. */
async function scriptCancel(request, batch, steps) {
  const response = await request.put(`/__sim/scenarios/${batch}/cancel`, { data: { steps } });
  expect(response.status()).toBe(204);
}

/** Records every batch-cancel-request and batch-cancelled the page hears. */
async function recordCancelEvents(page) {
  await page.addInitScript(() => {
    window.__cancelEvents = [];
    for (const name of ['batch-cancel-request', 'batch-cancelled']) {
      document.addEventListener(name, (e) => window.__cancelEvents.push({ name, detail: e.detail }));
    }
  });
}

/** The name of the element that has the focus inside the widget. */
function focused(widget) {
  return widget.evaluate((el) => el.shadowRoot.activeElement?.textContent ?? null);
}

/** Opens the dialog from the control and waits for the batch's counts in it. */
async function openDialog(widget) {
  await widget.getByRole('button', { name: 'Cancel batch…' }).click();
  const dialog = widget.getByRole('dialog');
  await expect(dialog).toBeVisible();
  await expect(dialog).toContainText(/[\d,]+ of [\d,]+ calls have finished/);
  return dialog;
}

test('no control without allow-cancel, and once the batch has ended none either', async ({ page }) => {
  const cancelModule = [];
  page.on('request', (r) => {
    if (r.url().includes('batch-status-cancel')) cancelModule.push(r.url());
  });
  const plain = await openWidget(page, uniqueBatch('demo-long'), { interval: '5' });
  // The one with allow-cancel shows its control: by then the plain one has
  // had every chance to show one too.
  const running = uniqueBatch('demo-long');
  await addWidget(page, running, { 'allow-cancel': '' });
  const opted = page.locator(`batch-status[batch-id="${running}"]`);
  await expect(opted.getByRole('button', { name: 'Cancel batch…' })).toBeVisible();
  await expect(plain.first().locator('[part=cancel]')).toHaveCount(0);
  expect(cancelModule.length).toBeGreaterThan(0);

  const ended = uniqueBatch('ended');
  await script(page.request, ended, [{ fixture: 'completed' }]);
  await addWidget(page, ended, { 'allow-cancel': '' });
  const done = page.locator(`batch-status[batch-id="${ended}"]`);
  // The control is there (its module has loaded) but not offered.
  await expect(done.locator('.bs-tools.is-ended [part=cancel]')).toBeAttached();
  await expect(done.locator('[part=cancel]')).toBeHidden();
  expect(await deletes(page.request, ended)).toEqual([]);
});

test('keyboard only: open, Escape, open again, confirm; one DELETE, the widget turns cancelled', async ({ page }) => {
  await recordCancelEvents(page);
  const console = watchConsole(page);
  const batch = uniqueBatch('demo-long');
  const widget = await openWidget(page, batch, ALLOW);
  const control = widget.getByRole('button', { name: 'Cancel batch…' });
  await control.focus();
  await page.keyboard.press('Enter');
  const dialog = widget.getByRole('dialog');
  await expect(dialog).toBeVisible();
  await expect(dialog).toContainText(`Cancel batch ${batch}?`);
  await expect(dialog).toContainText(/[\d,]+ queued calls will not be made; [\d,]+ calls in progress will finish\. This cannot be undone\./);
  // The safe choice has the focus.
  expect(await focused(widget)).toBe('Keep running');
  await page.keyboard.press('Escape');
  await expect(dialog).toBeHidden();
  expect(await focused(widget)).toBe('Cancel batch…');
  expect(await deletes(page.request, batch)).toEqual([]);

  await page.keyboard.press('Enter');
  await expect(dialog).toBeVisible();
  await page.keyboard.press('Tab');
  expect(await focused(widget)).toBe('Cancel batch');
  await page.keyboard.press('Enter');
  await expect(widget.locator('[part=cancel] ~ [role=status]')).toContainText(/Batch cancelled: [\d,]+ queued calls will not be made/);
  // It polled at once: the widget shows the cancelled batch, and offers no more cancel.
  await expect(widget).toHaveAttribute('status', 'cancelled');
  await expect(control).toBeHidden();
  expect((await deletes(page.request, batch)).length).toBe(1);
  const events = await page.evaluate(() => window.__cancelEvents);
  expect(events.map((e) => e.name)).toEqual(['batch-cancel-request', 'batch-cancelled']);
  expect(events[0].detail).toEqual({ batchId: batch });
  expect(events[1].detail).toMatchObject({ batchId: batch, totalCalls: 2000 });
  expect(events[1].detail.cancelledCalls).toBeGreaterThan(0);
  expect(JSON.stringify(events)).not.toContain('sk_e2e');
  expect(crashes(console)).toEqual([]);
});

test('clicking twice sends one DELETE, and the control waits while it is in flight', async ({ page }) => {
  const batch = uniqueBatch('demo-long');
  // The DELETE takes a while: the second click and the control land while it is in flight.
  await scriptCancel(page.request, batch, [{ latencyMs: 1500 }]);
  const widget = await openWidget(page, batch, ALLOW);
  const dialog = await openDialog(widget);
  await dialog.getByRole('button', { name: 'Cancel batch', exact: true }).dblclick();
  const control = widget.getByRole('button', { name: 'Cancel batch…' });
  await expect(control).toHaveAttribute('aria-disabled', 'true');
  // A person can still press it (aria-disabled keeps it focusable): nothing opens.
  await control.click({ force: true });
  await expect(dialog).toBeHidden();
  await expect(widget.locator('[part=cancel] ~ [role=status]')).toContainText('Batch cancelled');
  await expect(widget).toHaveAttribute('status', 'cancelled');
  expect((await deletes(page.request, batch)).length).toBe(1);
});

test('a DELETE that times out is not sent again: the outcome is unknown and the status is checked', async ({ page }) => {
  const batch = uniqueBatch('demo-long');
  await scriptCancel(page.request, batch, [{ hang: true }]);
  const widget = await openWidget(page, batch, { ...ALLOW, timeout: '5', interval: '30' });
  const dialog = await openDialog(widget);
  await dialog.getByRole('button', { name: 'Cancel batch', exact: true }).click();
  const outcome = widget.locator('[part=cancel] ~ [role=status]');
  await expect(outcome).toHaveText('Cancelling…');
  const polls = async () => (await requestsFor(page.request, batch)).filter((e) => e.endpoint === 'status').length;
  const before = await polls();
  await page.clock.runFor(5_500);
  await expect(outcome).toContainText('whether it happened is unknown');
  await expect.poll(polls).toBe(before + 1);
  await settle(widget);
  // Well past another timeout: still the one DELETE.
  await advance(page, widget, 20_000);
  expect((await deletes(page.request, batch)).length).toBe(1);
});

test('preventDefault() on batch-cancel-request sends nothing', async ({ page }) => {
  await page.addInitScript(() => {
    document.addEventListener('batch-cancel-request', (e) => e.preventDefault());
  });
  const batch = uniqueBatch('demo-long');
  const widget = await openWidget(page, batch, ALLOW);
  const dialog = await openDialog(widget);
  await dialog.getByRole('button', { name: 'Cancel batch', exact: true }).click();
  await expect(widget.locator('[part=cancel] ~ [role=status]')).toHaveText('The page stopped the cancel: nothing was sent.');
  expect(await deletes(page.request, batch)).toEqual([]);
  await expect(widget.getByRole('button', { name: 'Cancel batch…' })).toBeVisible();
});

for (const [status, words] of [
  [404, 'The API does not know this batch, so nothing was cancelled.'],
  [500, 'The API failed to cancel the batch (HTTP 500). It said: Something went wrong Nothing was retried.'],
]) {
  test(`a DELETE answered ${status} says so, once`, async ({ page }) => {
    const batch = uniqueBatch('demo-long');
    await scriptCancel(page.request, batch, [{
      status, body: JSON.stringify({ error: 'Error', message: 'Something went wrong' }),
    }]);
    const widget = await openWidget(page, batch, ALLOW);
    const dialog = await openDialog(widget);
    await dialog.getByRole('button', { name: 'Cancel batch', exact: true }).click();
    await expect(widget.locator('[part=cancel] ~ [role=status]')).toHaveText(words);
    expect((await deletes(page.request, batch)).length).toBe(1);
    // Not cancelled: the control is still offered.
    await expect(widget.getByRole('button', { name: 'Cancel batch…' })).toBeVisible();
  });
}

test('cancel() opens the dialog and never sends a DELETE by itself', async ({ page }) => {
  const batch = uniqueBatch('demo-long');
  const widget = await openWidget(page, batch, ALLOW);
  await expect(widget.getByRole('button', { name: 'Cancel batch…' })).toBeVisible();
  await widget.evaluate((el) => el.cancel());
  await expect(widget.getByRole('dialog')).toBeVisible();
  expect(await focused(widget)).toBe('Keep running');
  await widget.getByRole('button', { name: 'Keep running' }).click();
  await expect(widget.getByRole('dialog')).toBeHidden();
  expect(await deletes(page.request, batch)).toEqual([]);
});

for (const theme of ['light', 'dark']) {
  test(`no serious accessibility violation in the open dialog, ${theme}`, async ({ page }) => {
    await page.emulateMedia({ colorScheme: theme });
    const batch = uniqueBatch('demo-long');
    const widget = await openWidget(page, batch, ALLOW);
    await openDialog(widget);
    await settle(widget);
    // axe waits on timers of its own: let the page's clock run again.
    await page.clock.resume();
    const results = await new AxeBuilder({ page }).include('batch-status').analyze();
    const serious = results.violations.filter((v) => ['serious', 'critical'].includes(v.impact));
    expect(serious.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([]);
    await page.screenshot({ path: `target/e2e/cancel-dialog-${theme}.png` });
  });
}
