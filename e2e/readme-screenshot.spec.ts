/**
 * The README's picture (docs/screenshot.png): a tab and a headless worker in the middle of a
 * job. Runs only when asked: `DOCS_SCREENSHOT=1 npx playwright test e2e/readme-screenshot.spec.ts`.
 */
import { holdOneUnit, spawnWorker } from '../test/support/harness.js';
import { expect, openVolunteer, submitJob, test } from './fixtures.js';

test.use({ unitSize: 250_000_000 });

test('docs/screenshot.png: a job mid-way, seen by a contributing tab', async ({ browser, coordinator }) => {
  test.skip(!process.env['DOCS_SCREENSHOT'], 'set DOCS_SCREENSHOT=1 to refresh the README screenshot');
  const context = await browser.newContext({ viewport: { width: 1280, height: 860 } });
  const page = await openVolunteer(context, coordinator, '?contribute=1');
  await using _worker = spawnWorker(coordinator.apiUrl, 1);
  await expect.poll(() => coordinator.health()).toMatchObject({ browsers: 1, nodes: 1 });
  const jobId = await submitJob(page, 20_000_000_000, 20);
  // Held, so the job is still running whenever the picture is taken.
  await using _held = await holdOneUnit(coordinator.apiUrl);
  await expect.poll(async () => (await coordinator.job(jobId)).progress.completed, { timeout: 120_000 }).toBeGreaterThanOrEqual(8);
  await expect(page.getByTestId('job-eta')).toContainText('left');
  // The panel and the list row show the same live view: both read in one go in the page.
  const bothTexts = `[document.querySelector('[data-testid="job-progress-text"]')?.textContent ?? '',
    document.querySelector('[data-testid="recent-job"]')?.textContent ?? '']`;
  await expect
    .poll(async () => {
      const [panel = '', row = ''] = await page.evaluate<string[]>(bothTexts);
      const [, done, total] = /^(\d+) of (\d+) chunks$/.exec(panel.trim()) ?? [];
      return done !== undefined && row.includes(`${done}/${total}`);
    })
    .toBe(true);
  await page.screenshot({ path: 'docs/screenshot.png' });
  await context.close();
});
