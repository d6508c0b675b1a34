/**
 * The job controls of the page: a running job is shown as soon as the page opens, and it can
 * be cancelled from there (asking for the API token when the coordinator has one). The tabs
 * here do not contribute, and one unit is held by a bare volunteer, so the job stays running
 * until the page cancels it.
 */
import type { Page } from '@playwright/test';
import { holdOneUnit, spawnCoordinator, submitJob as submitJobByRest, tempDir } from '../test/support/harness.js';
import { expect, screenshot, test } from './fixtures.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** A tab that does not contribute (the pause is what the page remembers). */
async function openPaused(page: Page, url: string): Promise<void> {
  const settings = JSON.stringify({ threads: 1, paused: true });
  await page.addInitScript({ content: `localStorage.setItem('prime-counter:contribute', ${JSON.stringify(settings)});` });
  await page.goto(url);
}

test('a running job is shown when the page opens, with elapsed time and ETA', async ({ page, coordinator }) => {
  const older = await submitJobByRest(coordinator.apiUrl, 10_000, 1);
  await fetch(`${coordinator.apiUrl}/api/jobs/${older}`, { method: 'DELETE' });
  const jobId = await submitJobByRest(coordinator.apiUrl, 1_000_000_000, 8);
  await using _held = await holdOneUnit(coordinator.apiUrl);

  await openPaused(page, `${coordinator.webUrl}/`);
  await expect(page.getByTestId('job-id')).toHaveText(jobId);
  await expect(page.getByTestId('job-empty')).toHaveCount(0);
  await expect(page.getByTestId('job-state')).toHaveText('STARTED');
  await expect(page.getByTestId('job-elapsed')).toHaveText(/^\d/);
  await expect(page.getByTestId('job-eta')).toBeVisible();
  await expect(page.getByTestId('cancel-button')).toBeEnabled();
  // The swarm panel has its numbers (the bare volunteer and this paused tab), not a placeholder.
  await expect(page.getByTestId('swarm-volunteers')).toHaveText('2');
  expect(new URL(page.url()).searchParams.get('job')).toBe(jobId);
});

test('Cancel on the page revokes the running job', async ({ page, coordinator }) => {
  const jobId = await submitJobByRest(coordinator.apiUrl, 1_000_000_000, 8);
  await using _held = await holdOneUnit(coordinator.apiUrl);
  await openPaused(page, `${coordinator.webUrl}/?job=${jobId}`);
  await expect(page.getByTestId('job-state')).toHaveText('STARTED');
  await page.getByTestId('cancel-button').click();
  await expect(page.getByTestId('job-state')).toHaveText('REVOKED');
  await expect(page.getByTestId('job-error')).toHaveText('The job was cancelled: cancelled by request.');
  await expect(page.getByTestId('cancel-button')).toHaveCount(0);
  expect((await coordinator.job(jobId)).state).toBe('REVOKED');
  await screenshot(page, 'cancelled');
});

test('with API_TOKEN, Cancel asks for the token and asks again when it is refused', async ({ page }) => {
  using data = tempDir();
  await using coordinator = await spawnCoordinator({ DATA_DIR: data.path, API_TOKEN: 's3cret', SPOT_CHECK_RATE: '0' });
  const submitted = await fetch(`${coordinator.apiUrl}/api/count-primes`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: 'Bearer s3cret' },
    body: JSON.stringify({ n: 1_000_000_000, chunks: 8, method: 'sieve' }),
  });
  const { job_id: jobId } = (await submitted.json()) as { job_id: string };
  expect(jobId).toMatch(UUID);
  await using _held = await holdOneUnit(coordinator.apiUrl);

  const answers = ['wrong', 's3cret'];
  const prompts: string[] = [];
  page.on('dialog', (dialog) => {
    prompts.push(dialog.message());
    void dialog.accept(answers.shift());
  });
  await openPaused(page, `${coordinator.webUrl}/?job=${jobId}`);
  await expect(page.getByTestId('job-state')).toHaveText('STARTED');
  await page.getByTestId('cancel-button').click();
  await expect(page.getByTestId('job-state')).toHaveText('REVOKED');
  expect(prompts).toEqual(['This coordinator needs its API token to cancel a job:', 'That token was refused. API token:']);
  const view = (await (await fetch(`${coordinator.apiUrl}/api/jobs/${jobId}`)).json()) as { state: string };
  expect(view.state).toBe('REVOKED');
});
