/**
 * A combinatorial job from the page, computed by two contributing tabs (no headless worker):
 * n typed as 10^13, the method chosen, the exact answer shown.
 */
import { combinatorialParams, planOf } from '../shared/kinds/combinatorial/job-kind.js';
import { holdOneUnit } from '../test/support/harness.js';
import { expect, openVolunteer, setPaused, submitJob, test, unitsDone } from './fixtures.js';

test('two tabs compute pi(10^13) by the combinatorial method and the page shows the exact count', async ({ browser, coordinator }) => {
  const contexts = [await browser.newContext(), await browser.newContext()];
  try {
    const [first, second] = await Promise.all(contexts.map((context) => openVolunteer(context, coordinator, '?contribute=1')));
    await setPaused(first!, true);
    await setPaused(second!, true);

    await first!.getByTestId('input-n').fill('10^13');
    await expect(first!.getByTestId('exact-n')).toHaveText('= 10,000,000,000,000');
    const jobId = await submitJob(first!, '10^13', 16, 'combinatorial');
    // A held unit keeps the job open while the tabs take turns, so both must contribute.
    await using held = await holdOneUnit(coordinator.apiUrl, ['combinatorial']);
    await setPaused(first!, false);
    await expect.poll(() => unitsDone(first!), { timeout: 60_000 }).toBeGreaterThan(0);
    await setPaused(first!, true);
    await setPaused(second!, false);
    held.release();

    await expect(first!.getByTestId('job-result-count')).toHaveText('346,065,536,839', { timeout: 120_000 });
    await expect(first!.getByTestId('job-method')).toHaveText('combinatorial');
    const job = await coordinator.job(jobId);
    expect(job).toMatchObject({ state: 'SUCCESS', method: 'combinatorial', n: 1e13, result: { prime_count: 346_065_536_839 } });
    // Every unit computed once (the tabs are a trusted swarm here), shared by both tabs.
    const units = planOf(combinatorialParams(10n ** 13n, 16)).units.length;
    const [a, b] = [await unitsDone(first!), await unitsDone(second!)];
    expect(a).toBeGreaterThan(0);
    expect(b).toBeGreaterThan(0);
    expect(a + b).toBe(units);
  } finally {
    await Promise.all(contexts.map((context) => context.close()));
  }
});
