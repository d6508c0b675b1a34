/**
 * The page against a real coordinator with no headless worker: the browser tabs are the
 * only volunteers, so every unit counted here was counted by a tab.
 */
import type { Browser } from '@playwright/test';
import { recordAttribute, recorded, scrollWidth } from './in-page.js';
import { connectSocket, holdOneUnit, submitJob as submitJobByRest } from '../test/support/harness.js';
import { expect, LEASE_TIMEOUT_MS, type Coordinator, openVolunteer, screenshot, setPaused, submitJob, test, unitsDone, unitsOf } from './fixtures.js';

const PI_1E7 = '664,579';
const PI_1E9 = '50,847,534';
const PI_2E9 = '98,222,287';

test.describe('one tab', () => {
  // 200 units for n = 1e7, so the bar has time to move.
  test.use({ unitSize: 50_000 });

  test('submits a job, follows it to 100% and shows the exact count', async ({ page, coordinator }) => {
    await page.goto(`${coordinator.webUrl}/?contribute=1`);
    await expect(page.getByTestId('contribute-status')).toHaveAttribute('data-status', 'idle');
    await expect(page.getByTestId('swarm-volunteers')).toHaveText('1');
    await expect(page.getByTestId('recent-empty')).toBeVisible();
    await screenshot(page, 'idle');

    // Every value the bar takes, recorded in the page so no update can slip between polls.
    await recordAttribute(page, 'progress', 'job-progress', 'aria-valuenow');
    // One unit is held elsewhere until the tab has done all the rest, so the bar must stop at
    // 9 of 10 chunks on its way, however fast this machine sieves.
    await setPaused(page, true);
    const jobId = await submitJob(page, 10_000_000, 10);
    await using held = await holdOneUnit(coordinator.apiUrl);
    await setPaused(page, false);
    await expect(page.getByTestId('job-progress')).toHaveAttribute('aria-valuenow', '90', { timeout: 60_000 });
    await expect(page.getByTestId('job-state')).toHaveText('PROGRESS');
    held.release();
    await expect(page.getByTestId('job-result-count')).toHaveText(PI_1E7, { timeout: 60_000 });
    await expect(page.getByTestId('job-state')).toHaveText('SUCCESS');
    await expect(page.getByTestId('job-progress')).toHaveAttribute('aria-valuenow', '100');
    await expect(page.getByTestId('job-progress-text')).toHaveText('10 of 10 chunks');
    await expect(page.getByTestId('range-map')).toHaveAttribute('data-done-chunks', '10');

    const seen = await recorded(page, 'progress');
    expect(seen.at(-1)).toBe(100);
    expect(seen).toContain(90);
    expect([...seen].sort((a, b) => a - b)).toEqual(seen);

    // The tab also counted the held unit once it came back.
    const units = unitsOf(10_000_000, 10, coordinator.unitSize);
    await expect(page.getByTestId('contribute-units')).toHaveAttribute('data-value', String(units));
    await expect(page.getByTestId('contribute-numbers')).toHaveAttribute('data-value', '10000000');
    const job = await coordinator.job(jobId);
    expect(job.state).toBe('SUCCESS');
    expect(job.result?.prime_count).toBe(664_579);
    await expect(page.getByTestId('recent-job')).toHaveCount(1);
    await expect(page.getByTestId('recent-job').first()).toContainText('SUCCESS');
    await screenshot(page, 'finished');
  });

  test('n = 9999 shows the validation error on the field and creates no job', async ({ page, coordinator }) => {
    await page.setViewportSize({ width: 375, height: 800 });
    await page.goto(coordinator.webUrl);
    await page.getByTestId('input-n').fill('9999');
    await page.getByTestId('submit-button').click();
    await expect(page.getByTestId('error-n')).toHaveText('n must be an integer >= 10000');
    await expect(page.getByTestId('input-n')).toHaveAttribute('aria-invalid', 'true');
    await expect(page.getByTestId('job-id')).toHaveCount(0);
    expect(await coordinator.jobs()).toEqual([]);
    // Readable at 375 px: nothing spills sideways.
    expect(await scrollWidth(page)).toBeLessThanOrEqual(375);
    await screenshot(page, 'validation-375px');

    // What the server says about a field goes next to that field too.
    await page.route('**/api/count-primes', (route) =>
      route.fulfill({
        status: 400,
        contentType: 'application/json',
        body: JSON.stringify({
          error: 'validation_error',
          message: 'the request body is invalid',
          details: [{ field: 'chunks', message: 'chunks must be an integer <= 4 on this server' }],
        }),
      }),
    );
    await page.getByTestId('input-n').fill('20000');
    await page.getByTestId('submit-button').click();
    await expect(page.getByTestId('error-chunks')).toHaveText('chunks must be an integer <= 4 on this server');
    await expect(page.getByTestId('error-n')).toHaveCount(0);
  });
});

test.describe('two tabs', () => {
  test.use({ unitSize: 5_000_000 });

  test('both contribute: health counts two volunteers and both get units', async ({ browser, coordinator }) => {
    const [a, b] = [await browser.newContext(), await browser.newContext()];
    const pageA = await openVolunteer(a, coordinator);
    const pageB = await openVolunteer(b, coordinator);
    await expect.poll(() => coordinator.health()).toMatchObject({ workers: 2, browsers: 2, nodes: 0 });
    await expect(pageA.getByTestId('swarm-kinds')).toHaveText('2 · 0');

    await submitJob(pageA, 1_000_000_000, 16);
    await expect(pageA.getByTestId('job-result-count')).toHaveText(PI_1E9, { timeout: 60_000 });
    const [doneA, doneB] = [await unitsDone(pageA), await unitsDone(pageB)];
    expect(doneA).toBeGreaterThan(0);
    expect(doneB).toBeGreaterThan(0);
    expect(doneA + doneB).toBe(unitsOf(1_000_000_000, 16, coordinator.unitSize));
    await Promise.all([a.close(), b.close()]);
  });
});

test.describe('tabs leaving and pausing', () => {
  // 200 units. Both tabs start paused so a held unit can be taken first: it keeps the job
  // in the middle while the test acts, however fast the tabs are.
  test.use({ unitSize: 10_000_000 });

  /** Two tabs, both paused; B submits n = 2e9 and one unit of it is held elsewhere. */
  async function twoPausedTabsAndAHeldJob(browser: Browser, coordinator: Coordinator) {
    const [a, b] = [await browser.newContext(), await browser.newContext()];
    const pageA = await openVolunteer(a, coordinator);
    const pageB = await openVolunteer(b, coordinator);
    await expect.poll(() => coordinator.health()).toMatchObject({ browsers: 2 });
    await Promise.all([setPaused(pageA, true), setPaused(pageB, true)]);
    const jobId = await submitJob(pageB, 2_000_000_000, 20);
    const held = await holdOneUnit(coordinator.apiUrl);
    return { a, b, pageA, pageB, jobId, held };
  }

  test('closing one tab mid-job loses nothing: the job finishes with the exact count', async ({ browser, coordinator }) => {
    const { a, b, pageA, pageB, jobId, ...tabs } = await twoPausedTabsAndAHeldJob(browser, coordinator);
    await using held = tabs.held;
    await Promise.all([setPaused(pageA, false), setPaused(pageB, false)]);
    await expect.poll(() => unitsDone(pageA)).toBeGreaterThanOrEqual(3);
    await expect(pageB.getByTestId('job-state')).toHaveText('PROGRESS');
    await screenshot(pageB, 'running');

    const closedAt = Date.now();
    await a.close();
    await expect.poll(() => coordinator.health()).toMatchObject({ browsers: 1 });
    held.release();
    await expect(pageB.getByTestId('job-result-count')).toHaveText(PI_2E9, { timeout: 60_000 });
    // A lease of the closed tab left waiting would have held the job for LEASE_TIMEOUT.
    expect(Date.now() - closedAt).toBeLessThan(LEASE_TIMEOUT_MS / 2);
    expect((await coordinator.job(jobId)).result?.prime_count).toBe(98_222_287);
    await b.close();
  });

  test('pausing stops leasing: no new units go to the paused tab', async ({ browser, coordinator }) => {
    const { a, b, pageA, pageB, jobId, ...tabs } = await twoPausedTabsAndAHeldJob(browser, coordinator);
    await using held = tabs.held;
    await setPaused(pageA, false);
    await expect.poll(() => unitsDone(pageA)).toBeGreaterThanOrEqual(2);
    await setPaused(pageA, true);
    expect((await coordinator.job(jobId)).state, 'paused in the middle of the job').toBe('PROGRESS');
    await expect(pageA.getByTestId('contribute-leases')).toHaveAttribute('data-value', '0');
    const pausedAt = await unitsDone(pageA);
    // From here on, any lease the paused tab holds, even briefly, is recorded.
    await recordAttribute(pageA, 'leases', 'contribute-leases', 'data-value');

    await setPaused(pageB, false);
    held.release();
    await expect(pageB.getByTestId('job-result-count')).toHaveText(PI_2E9, { timeout: 60_000 });
    expect(await unitsDone(pageA)).toBe(pausedAt);
    expect(await recorded(pageA, 'leases')).toEqual([0]);
    expect(await unitsDone(pageB)).toBe(unitsOf(2_000_000_000, 20, coordinator.unitSize) - pausedAt);

    // The pause is remembered across a reload; ?contribute=1 forces contributing back on.
    await pageA.reload();
    await expect(pageA.getByTestId('contribute-status')).toHaveAttribute('data-status', 'paused');
    await pageA.goto(`${coordinator.webUrl}/?contribute=1`);
    await expect(pageA.getByTestId('contribute-status')).toHaveAttribute('data-status', 'idle');
    await Promise.all([a.close(), b.close()]);
  });
});

test('an unreachable coordinator is reported, and Retry recovers', async ({ page, coordinator }) => {
  await page.route(`${coordinator.apiUrl}/`, (route) => route.abort('connectionrefused'));
  await page.goto(coordinator.webUrl);
  await expect(page.getByTestId('backend-error')).toContainText('The coordinator cannot be reached');
  await page.unroute(`${coordinator.apiUrl}/`);
  await page.getByTestId('retry-button').click();
  await expect(page.getByTestId('backend-error')).toHaveCount(0);
  await expect(page.getByTestId('contribute-status')).toHaveAttribute('data-status', 'idle');
});

test('a job that fails shows FAILURE with its message', async ({ page, coordinator }) => {
  // The tab pauses, so the only volunteer is a broken one that fails every unit it takes.
  await page.goto(coordinator.webUrl);
  await setPaused(page, true);
  await using broken = await connectSocket(coordinator.apiUrl);
  await broken.call('volunteer:hello', { kind: 'node', threads: 1 });
  const jobId = await submitJobByRest(coordinator.apiUrl, 10_000, 1);
  await page.goto(`${coordinator.webUrl}/?job=${jobId}`);
  for (let attempt = 0; attempt < 3; attempt++) {
    const ack = (await broken.call('lease:request', { slots: 1 })) as { leases: { leaseId: string }[] };
    expect(ack.leases).toHaveLength(1);
    await broken.call('lease:fail', { leaseId: ack.leases[0]!.leaseId, error: 'out of memory' });
  }
  await expect(page.getByTestId('job-state')).toHaveText('FAILURE');
  await expect(page.getByTestId('job-error')).toContainText(
    'range [1, 10000] failed on 3 independent volunteers; last error: out of memory',
  );
  expect((await coordinator.job(jobId)).state).toBe('FAILURE');
});

test.describe('a coordinator that trusts nobody by address', () => {
  test.use({ trustedNetworks: '' });

  test("a unit waiting for another network says so on the page", async ({ page, coordinator }) => {
    await page.goto(coordinator.webUrl);
    await setPaused(page, true);
    await using stranger = await connectSocket(coordinator.apiUrl);
    await stranger.call('volunteer:hello', { kind: 'node', threads: 1 });
    const jobId = await submitJobByRest(coordinator.apiUrl, 10_000, 1);
    await page.goto(`${coordinator.webUrl}/?job=${jobId}`);
    const ack = (await stranger.call('lease:request', { slots: 1 })) as { leases: { leaseId: string }[] };
    await stranger.call('lease:result', { leaseId: ack.leases[0]!.leaseId, count: 1229 });
    await expect(page.getByTestId('job-waiting')).toHaveText(
      'Waiting: waiting for a volunteer on another network (or a trusted worker) to confirm [1, 10000]',
    );
    expect(await coordinator.job(jobId)).toMatchObject({ state: 'STARTED', waiting: expect.stringContaining('another network') });
  });
});
