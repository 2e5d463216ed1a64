// The static site: form, key handling, and a demo batch watched to the end.
import { test, expect } from '@playwright/test';
import { uniqueBatch, watchConsole, requestsFor } from './helpers.mjs';

const KEY = 'sk_test_e2e_secret_value';

async function watch(page, batch, { interval = '1' } = {}) {
  await page.goto(`/?batch=${batch}&workspace=ws_e2e&base=http://127.0.0.1:18080&interval=${interval}`);
  // The page's wasm has filled the form from the query: its Watch handler is on.
  await expect(page.getByLabel('Batch id')).toHaveValue(batch);
  await page.getByLabel('API key').fill(KEY);
  await page.getByRole('button', { name: 'Watch' }).click();
  return page.locator('batch-status');
}

test('a demo batch is watched from the form to completed', async ({ page }) => {
  const console = watchConsole(page);
  const batch = uniqueBatch();
  const widget = await watch(page, batch);
  const badge = widget.locator('[part=status]');
  await expect(badge).toHaveText(/Processing|Queued/);
  await expect(badge).toHaveText('Completed', { timeout: 30_000 });
  const bar = widget.locator('[role=progressbar]');
  await expect(bar).toHaveAttribute('aria-valuenow', '180');
  await expect(bar).toHaveAttribute('aria-valuetext', /^180 of 180 calls finished, \d+ failed$/);
  await expect(widget.locator('tbody tr')).toHaveCount(10);
  await expect(widget.locator('[aria-live=polite]')).toHaveText('Batch completed');
  expect(console).toEqual([]);
});

test('the key stays out of the URL, the DOM and the console', async ({ page }) => {
  const console = watchConsole(page);
  const batch = uniqueBatch();
  const widget = await watch(page, batch);
  await expect(widget.locator('[part=status]')).toHaveText(/Processing|Queued|Completed/);
  expect(page.url()).not.toContain(KEY);
  expect(page.url()).toContain(`batch=${batch}`);
  const html = await page.evaluate(() => {
    const all = [document.documentElement.outerHTML];
    for (const el of document.querySelectorAll('*')) {
      if (el.shadowRoot) all.push(el.shadowRoot.innerHTML);
      for (const attr of el.attributes) all.push(attr.value);
    }
    return all.join('\n');
  });
  expect(html).not.toContain(KEY);
  const requests = await requestsFor(page.request, batch);
  expect(requests.length).toBeGreaterThan(0);
  expect(requests.every((r) => r.apiKey === KEY && r.hasWorkspaceId)).toBeTruthy();
  expect(requests.every((r) => !r.path.includes(KEY))).toBeTruthy();
  expect(console.join('\n')).not.toContain(KEY);
});

test('a bookmarked page waits for the key before it polls', async ({ page }) => {
  const batch = uniqueBatch();
  await page.goto(`/?batch=${batch}&workspace=ws_e2e&base=http://127.0.0.1:18080`);
  await expect(page.getByText('Enter a batch, its workspace and an API key')).toBeVisible();
  await expect(page.getByLabel('Batch id')).toHaveValue(batch);
  expect(await requestsFor(page.request, batch)).toEqual([]);
});

test('without a key the sim refuses, and the widget says which key problem it is', async ({ page }) => {
  const batch = uniqueBatch();
  // A root-relative base is a same-origin proxy: the widget polls with no key.
  await page.goto(`/?batch=${batch}&workspace=ws_e2e&base=/`);
  const error = page.locator('batch-status [part=error]');
  await expect(error).toContainText('The API key was not accepted (HTTP 401)');
  await expect(error).toContainText('Updates stopped');
});

test('an unknown batch stops polling with a message naming it', async ({ page }) => {
  await page.goto('/?batch=no_such_batch&workspace=ws_e2e&base=http://127.0.0.1:18080');
  await page.getByLabel('API key').fill(KEY);
  await page.getByRole('button', { name: 'Watch' }).click();
  const error = page.locator('batch-status [part=error]');
  await expect(error).toContainText('Batch no_such_batch was not found in workspace ws_e2e');
});
