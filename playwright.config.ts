/**
 * End-to-end tests of the page against the real coordinator (e2e/). They drive Debian's
 * Chromium (no browser download is possible here); e2e/global-setup.ts fails early with
 * the install command when it is missing.
 */
import { defineConfig } from '@playwright/test';

export const chromiumPath = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';

export default defineConfig({
  testDir: 'e2e',
  outputDir: 'test-results/e2e',
  globalSetup: './e2e/global-setup.ts',
  // Each test starts its own coordinator and sieves on every core: one at a time.
  workers: 1,
  fullyParallel: false,
  forbidOnly: !!process.env['CI'],
  retries: 0,
  timeout: 90_000,
  expect: { timeout: 10_000 },
  reporter: [['list'], ['html', { open: 'never', outputFolder: 'playwright-report' }]],
  use: {
    browserName: 'chromium',
    viewport: { width: 1280, height: 860 },
    launchOptions: {
      executablePath: chromiumPath,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
      ],
    },
    // Trace screencasts of pages that animate all the time cost more CPU than the tabs'
    // sieving on 2 cores (a 13 s test took 42 s): keep DOM snapshots, drop the frames.
    trace: { mode: 'retain-on-failure', screenshots: false, snapshots: true },
    screenshot: 'only-on-failure',
  },
});
