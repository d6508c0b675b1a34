/** Nothing is lost when the coordinator process dies, stops, or finds a bad database. */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import type { JobView } from '../shared/api.js';
import {
  followJob,
  getJob,
  health,
  holdOneUnit,
  spawnCoordinator,
  spawnEntry,
  spawnWorker,
  startTestCoordinator,
  submitJob,
  tempDir,
  waitFor,
} from './support/harness.js';

describe('coordinator crashes and restarts', () => {
  test('SIGKILL mid-job: the job survives, progress does not go back, workers reconnect, the count is exact', async () => {
    using data = tempDir();
    const env = { DATA_DIR: data.path, UNIT_SIZE: '20000000' };
    const first = await spawnCoordinator(env);
    const port = new URL(first.apiUrl).port;
    const jobId = await submitJob(first.apiUrl, 3_000_000_000, 16);
    // The held unit keeps the job unfinished until the kill; it dies with the connection.
    await using _held = await holdOneUnit(first.apiUrl);
    await using worker = spawnWorker(first.apiUrl, 2);
    const before = await waitFor('two chunks done', async () => {
      const view = await getJob(first.apiUrl, jobId);
      return view.progress.completed >= 2 ? view : undefined;
    });
    first.child.kill('SIGKILL');
    expect(await first.exited()).toBeNull();
    expect(before.state).toBe('PROGRESS');

    await using second = await spawnCoordinator({ ...env, API_PORT: port });
    const restored = await getJob(second.apiUrl, jobId);
    expect(restored.progress.completed).toBeGreaterThanOrEqual(before.progress.completed);
    expect(restored.state).toBe('PROGRESS');
    await waitFor('the worker to reconnect', async () => ((await health(second.apiUrl)).workers === 1 ? true : undefined));
    const views: JobView[] = [restored, ...(await followJob(second.apiUrl, jobId, 120_000))];
    for (let i = 1; i < views.length; i++) {
      expect(views[i]!.progress.completed).toBeGreaterThanOrEqual(views[i - 1]!.progress.completed);
    }
    expect(views.at(-1)).toMatchObject({ state: 'SUCCESS', result: { prime_count: 144_449_537 }, verified: true, verified_by: 'combinatorial pi(n) on the coordinator' });
    expect(worker.output()).toContain('disconnected; will reconnect');
  });

  test('SIGTERM shuts down cleanly with exit 0 and the finished job is there after a restart', async () => {
    using data = tempDir();
    const first = await spawnCoordinator({ DATA_DIR: data.path });
    await using worker = spawnWorker(first.apiUrl, 1);
    const jobId = await submitJob(first.apiUrl, 1_000_000, 4);
    await followJob(first.apiUrl, jobId);
    first.child.kill('SIGTERM');
    expect(await first.exited()).toBe(0);
    worker.child.kill('SIGTERM');
    expect(await worker.exited()).toBe(0);
    await using second = await spawnCoordinator({ DATA_DIR: data.path });
    expect(await getJob(second.apiUrl, jobId)).toMatchObject({ state: 'SUCCESS', result: { prime_count: 78_498 } });
  });

  test('a corrupt database stops start-up with a clear message and is left untouched', async () => {
    using data = tempDir();
    const file = path.join(data.path, 'coordinator.db');
    const garbage = Buffer.from('this is not a database '.repeat(200));
    writeFileSync(file, garbage);
    await using coordinator = spawnEntry('coordinator/main.ts', [], { API_PORT: '0', WEB_PORT: '0', DATA_DIR: data.path });
    expect(await coordinator.exited()).toBe(3);
    expect(coordinator.output()).toContain(`cannot open the job database ${file}`);
    expect(coordinator.output()).toContain('It was left as it is');
    expect(readFileSync(file).equals(garbage)).toBe(true);
  });
});

describe('results expire', () => {
  test('a finished job answers 404 after RESULT_TTL', async () => {
    await using coordinator = await startTestCoordinator({ RESULT_TTL: '1s' });
    await using _worker = spawnWorker(coordinator.apiUrl, 1);
    const jobId = await submitJob(coordinator.apiUrl, 100_000, 2);
    const final = (await followJob(coordinator.apiUrl, jobId)).at(-1);
    expect(final).toMatchObject({ state: 'SUCCESS', result: { prime_count: 9592 } });
    await waitFor('the result to expire', async () => {
      const response = await fetch(`${coordinator.apiUrl}/api/jobs/${jobId}`);
      return response.status === 404 ? true : undefined;
    }, 10_000);
  });
});
