// Accessibility: axe-core finds no serious or critical violation in any state,
// light or dark, and the status change is announced politely. Screenshots of every
// state are written to target/e2e/ for a person to look at.
import { test, expect } from '@playwright/test';
import AxeBuilder from '@axe-core/playwright';
import { uniqueBatch, script, openWidget, advance, settle, keyOnParse } from './helpers.mjs';

const GOOD = { fixture: 'processing-seed' };

/** Each state: the scripted responses, and how far to move the clock to reach it. */
const STATES = {
  loading: { steps: [{ hang: true }], wait: 0, loading: true },
  running: { steps: [GOOD], wait: 0 },
  completed: { steps: [{ fixture: 'completed' }], wait: 0 },
  stale: { steps: [GOOD, { status: 500 }], wait: 5000 },
  error: { steps: [{ status: 404 }], wait: 0 },
};

for (const theme of ['light', 'dark']) {
  for (const [state, setup] of Object.entries(STATES)) {
    test(`no serious accessibility violation: ${state}, ${theme}`, async ({ page }) => {
      await page.emulateMedia({ colorScheme: theme });
      const batch = uniqueBatch(`a11y-${state}`);
      await script(page.request, batch, setup.steps);
      let widget;
      if (setup.loading) {
        // The first request never answers: the loading state stays on screen.
        await keyOnParse(page, 'sk_e2e_a11y_key');
        await page.goto(`/__sim/host-page?${new URLSearchParams({
          src: '/batch-status.js', 'batch-id': batch, 'workspace-id': 'ws_e2e', 'api-base': '/', timeout: '120',
        })}`);
        widget = page.locator('batch-status');
        await expect(widget.locator('.bs[aria-busy=true]')).toBeAttached();
      } else {
        widget = await openWidget(page, batch, { interval: '5' });
        if (setup.wait) await advance(page, widget, setup.wait);
        await settle(widget);
      }
      // axe waits on timers of its own: let the page's clock run again.
      if (!setup.loading) await page.clock.resume();
      const results = await new AxeBuilder({ page }).include('batch-status').analyze();
      const serious = results.violations.filter((v) => ['serious', 'critical'].includes(v.impact));
      expect(serious.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([]);
      await widget.screenshot({ path: `target/e2e/state-${state}-${theme}.png` });
    });
  }
}

test('the status change is announced through a polite live region', async ({ page }) => {
  const batch = uniqueBatch('announce');
  await script(page.request, batch, [GOOD, { fixture: 'completed' }]);
  const widget = await openWidget(page, batch, { interval: '5' });
  const live = widget.locator('[aria-live=polite]');
  await expect(live).toHaveText('Batch processing');
  await expect(live).toHaveAttribute('role', 'status');
  await advance(page, widget, 5000);
  await expect(live).toHaveText('Batch completed');
});
