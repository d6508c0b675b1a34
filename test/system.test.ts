/**
 * The whole system: a real coordinator on port 0 and real headless worker processes
 * speaking Socket.IO. Counts are checked against known values and an independent sieve.
 */
import { describe, expect, test } from 'vitest';
import { STATE_RANK, type JobView } from '../shared/api.js';
import {
  connectSocket,
  followJob,
  getJob,
  health,
  holdOneUnit,
  spawnWorker,
  startTestCoordinator,
  submitJob,
  waitFor,
} from './support/harness.js';

/** pi(n) by a plain byte sieve, independent of the kernel under test. */
function referencePi(n: number): number {
  const composite = new Uint8Array(n + 1);
  let count = 0;
  for (let i = 2; i <= n; i++) {
    if (composite[i]) continue;
    count++;
    for (let j = i * i; j <= n; j += i) composite[j] = 1;
  }
  return count;
}

function expectForwardOnly(views: JobView[]): void {
  for (let i = 1; i < views.length; i++) {
    expect(STATE_RANK[views[i]!.state]).toBeGreaterThanOrEqual(STATE_RANK[views[i - 1]!.state]);
    expect(views[i]!.progress.completed).toBeGreaterThanOrEqual(views[i - 1]!.progress.completed);
  }
}

describe('coordinator with headless workers', () => {
  test('a job waits in PENDING with no worker, then runs forward to the exact count', async () => {
    await using coordinator = await startTestCoordinator({ UNIT_SIZE: '2000000' });
    const jobId = await submitJob(coordinator.apiUrl, 100_000_000, 16);
    expect((await health(coordinator.apiUrl)).workers).toBe(0);
    expect(await getJob(coordinator.apiUrl, jobId)).toMatchObject({ state: 'PENDING', progress: { completed: 0, total: 16 } });
    await using _worker = spawnWorker(coordinator.apiUrl, 2);
    const views = await followJob(coordinator.apiUrl, jobId);
    expectForwardOnly(views);
    expect(views[0]!.state).toBe('PENDING');
    expect(views.at(-1)).toMatchObject({
      state: 'SUCCESS',
      progress: { completed: 16, total: 16 },
      result: { prime_count: 5_761_455 },
    });
    expect(views.at(-1)!.result!.duration_sec).toBeGreaterThan(0);
  });

  test('values of n never seen before get the exact count', async () => {
    await using coordinator = await startTestCoordinator({ UNIT_SIZE: '1000000' });
    await using _worker = spawnWorker(coordinator.apiUrl, 2);
    const seed = Date.now();
    const values = [10_000, 10_007, 2 ** 21 + 1, 9_999_991].concat(
      Array.from({ length: 4 }, (_, i) => 10_000 + ((seed * (i + 7)) % 20_000_000)),
    );
    for (const n of values) {
      const chunks = 1 + (n % 128);
      const jobId = await submitJob(coordinator.apiUrl, n, chunks);
      const final = (await followJob(coordinator.apiUrl, jobId)).at(-1)!;
      expect({ n, chunks, count: final.result?.prime_count, seed }).toEqual({ n, chunks, count: referencePi(n), seed });
    }
  });

  test('two jobs at once, and the same n twice, all exact', async () => {
    await using coordinator = await startTestCoordinator({ UNIT_SIZE: '5000000' });
    await using _a = spawnWorker(coordinator.apiUrl, 1);
    await using _b = spawnWorker(coordinator.apiUrl, 1);
    await waitFor('two volunteers', async () => ((await health(coordinator.apiUrl)).workers === 2 ? true : undefined));
    const jobs = await Promise.all([
      submitJob(coordinator.apiUrl, 100_000_000, 8),
      submitJob(coordinator.apiUrl, 100_000_000, 32),
      submitJob(coordinator.apiUrl, 1_000_000, 3),
    ]);
    const finals = await Promise.all(jobs.map(async (id) => (await followJob(coordinator.apiUrl, id)).at(-1)));
    expect(finals.map((view) => [view?.state, view?.result?.prime_count])).toEqual([
      ['SUCCESS', 5_761_455],
      ['SUCCESS', 5_761_455],
      ['SUCCESS', 78_498],
    ]);
    expect(await health(coordinator.apiUrl)).toMatchObject({ workers: 2, threads: 2 });
  });

  test('a worker killed with SIGKILL mid-job loses nothing: its units go to another', async () => {
    await using coordinator = await startTestCoordinator({ UNIT_SIZE: '20000000' });
    const jobId = await submitJob(coordinator.apiUrl, 3_000_000_000, 8);
    await using held = await holdOneUnit(coordinator.apiUrl);
    await using doomed = spawnWorker(coordinator.apiUrl, 2);
    const job = coordinator.domain.jobs.get(jobId)!;
    await waitFor('units accepted and more in flight', () =>
      job.state === 'PROGRESS' && coordinator.domain.leases.size > 1 ? true : undefined,
    );
    doomed.child.kill('SIGKILL');
    await doomed.exited();
    await waitFor('the coordinator to notice', () => (coordinator.domain.volunteers.size === 1 ? true : undefined));
    expect([...coordinator.domain.leases.keys()]).toEqual([held.leaseId]);
    expect(job.state).toBe('PROGRESS');
    held.release();
    await using _rescuer = spawnWorker(coordinator.apiUrl, 2);
    const views = await followJob(coordinator.apiUrl, jobId, 120_000);
    expectForwardOnly(views);
    expect(views.at(-1)).toMatchObject({ state: 'SUCCESS', result: { prime_count: 144_449_537 } });
  });

  test('SIGTERM makes a worker give its leases back and exit 0', async () => {
    await using coordinator = await startTestCoordinator({ UNIT_SIZE: '50000000' });
    const jobId = await submitJob(coordinator.apiUrl, 2_000_000_000, 4);
    await using held = await holdOneUnit(coordinator.apiUrl);
    await using worker = spawnWorker(coordinator.apiUrl, 2);
    await waitFor('the worker to hold leases', () => (coordinator.domain.leases.size > 1 ? true : undefined));
    worker.child.kill('SIGTERM');
    expect(await worker.exited()).toBe(0);
    // Given back before the process ended: only the held unit is still out.
    expect([...coordinator.domain.leases.keys()]).toEqual([held.leaseId]);
    expect(coordinator.domain.volunteers.size).toBe(1);
    expect(['STARTED', 'PROGRESS']).toContain(coordinator.domain.jobs.get(jobId)!.state);
    expect(worker.output()).toContain('giving leases back');
  });

  test('a worker started before the coordinator connects once it is up', async () => {
    const port = 20_000 + Math.floor(Math.random() * 20_000);
    await using worker = spawnWorker(`http://127.0.0.1:${port}`, 1);
    await waitFor('a failed connection attempt', () => (worker.output().includes('cannot reach') ? true : undefined));
    await using coordinator = await startTestCoordinator({ API_PORT: String(port) });
    await waitFor('the worker to join', async () => ((await health(coordinator.apiUrl)).workers === 1 ? true : undefined));
    const jobId = await submitJob(coordinator.apiUrl, 1_000_000, 4);
    expect((await followJob(coordinator.apiUrl, jobId)).at(-1)?.result?.prime_count).toBe(78_498);
  });
});

describe('the socket edge refuses garbage', () => {
  test('malformed payloads get an error ack and change nothing', async () => {
    await using coordinator = await startTestCoordinator();
    await using client = await connectSocket(coordinator.apiUrl);
    expect(await client.call('lease:request', { slots: 1 })).toMatchObject({ ok: false, error: { code: 'not_hello' } });
    for (const payload of [undefined, null, 42, 'hello', [], { kind: 'toaster', threads: 1 }, { kind: 'node', threads: 0 }, { kind: 'node', threads: 1e9 }]) {
      expect(await client.call('volunteer:hello', payload)).toMatchObject({ ok: false, error: { code: 'bad_request' } });
    }
    expect(await client.call('volunteer:hello', { kind: 'node', threads: 1 })).toMatchObject({ ok: true });
    for (const payload of [{}, { leaseId: 'x', count: -1 }, { leaseId: 'x', count: 2 ** 60 }, { leaseId: 'x', count: '5' }, { leaseId: 7, count: 1 }]) {
      expect(await client.call('lease:result', payload)).toMatchObject({ ok: false, error: { code: 'bad_request' } });
    }
    let deep: unknown = {};
    for (let i = 0; i < 1000; i++) deep = { deep };
    expect(await client.call('lease:heartbeat', deep)).toMatchObject({ ok: false, error: { code: 'bad_request' } });
    expect(await client.call('lease:result', { leaseId: 'forged', count: 1 })).toEqual({ ok: true, accepted: false });
    client.socket.emit('no:such:event', { x: 1 });
    expect(await health(coordinator.apiUrl)).toMatchObject({ status: 'ok', workers: 1 });
  });

  test('an oversize message closes that socket only', async () => {
    await using coordinator = await startTestCoordinator();
    await using client = await connectSocket(coordinator.apiUrl);
    const closed = new Promise((resolve) => client.socket.once('disconnect', resolve));
    client.socket.emit('volunteer:hello', { kind: 'node', threads: 1, name: 'x'.repeat(200_000) });
    await closed;
    await using other = await connectSocket(coordinator.apiUrl);
    expect(await other.call('volunteer:hello', { kind: 'node', threads: 1 })).toMatchObject({ ok: true });
  });
});
