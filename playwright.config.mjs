// End-to-end tests: Debian's Chromium against `sim` serving the release build.
// Never `npx playwright install`: the browser comes from Debian (scripts/install-tools.sh).
import { defineConfig } from '@playwright/test';

export const SIM_PORT = 18080;
/** A second sim serving target/fault-site: a build that can be made to panic. */
export const FAULT_SIM_PORT = 18081;
/** A third sim serving the apps built with the npm package (tests/bundlers/). */
export const BUNDLER_SIM_PORT = 18082;

const sim = (port, site) => ({
  command: `target/debug/sim --port ${port} --site ${site} --fixtures ../shared/fixtures --demo-speed 20`,
  url: `http://127.0.0.1:${port}/__sim/health`,
  reuseExistingServer: false,
  stdout: 'ignore',
  stderr: 'pipe',
  timeout: 30_000,
});

export default defineConfig({
  testDir: 'tests/e2e',
  outputDir: 'target/e2e/results',
  fullyParallel: true,
  workers: 2,
  retries: 0,
  forbidOnly: true,
  timeout: 60_000,
  expect: { timeout: 15_000 },
  reporter: [['list'], ['./tests/e2e/summary-reporter.mjs']],
  use: {
    baseURL: `http://127.0.0.1:${SIM_PORT}`,
    browserName: 'chromium',
    launchOptions: {
      executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
      ],
    },
  },
  webServer: [sim(SIM_PORT, 'dist'), sim(FAULT_SIM_PORT, 'target/fault-site'),
    sim(BUNDLER_SIM_PORT, 'target/bundlers/sites')],
});
