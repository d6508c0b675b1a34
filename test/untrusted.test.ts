/** Volunteers that lie, hang, flood or send garbage cannot change an answer or stall a job. */
import { io } from 'socket.io-client';
import { describe, expect, test } from 'vitest';
import { Volunteer, type ComputePool, type VolunteerSocket } from '../client/volunteer.js';
import { loadKernel } from '../shared/sieve/index.js';
import {
  connectSocket,
  followJob,
  getJob,
  health,
  spawnWorker,
  startTestCoordinator,
  submitJob,
  waitFor,
} from './support/harness.js';

const kernel = await loadKernel();
const countPrimes = (lo: number, hi: number): number => kernel.countPrimes(lo, hi);

/** A compute pool that always reports one prime too many. */
const lyingPool: ComputePool = {
  count: async (lo, hi) => countPrimes(lo, hi) + 1,
  resize: () => {},
  close: async () => {},
};

/** A volunteer speaking the real protocol through the shared lease loop, with a lying pool. */
function lyingVolunteer(apiUrl: string) {
  const socket: VolunteerSocket = io(apiUrl, { transports: ['websocket'], forceNew: true, reconnection: false });
  const errors: string[] = [];
  const volunteer = new Volunteer({
    socket,
    pool: lyingPool,
    kind: 'node',
    threads: 1,
    name: 'liar',
    idlePollMs: 100,
    onError: (message) => errors.push(message),
  });
  return { volunteer, errors, [Symbol.asyncDispose]: () => volunteer.stop() };
}

describe('lying volunteers', () => {
  test('with REPLICATION=2 a liar never changes the result and ends quarantined', async () => {
    await using coordinator = await startTestCoordinator({ REPLICATION: '2', UNIT_SIZE: '1000000' });
    await using liar = lyingVolunteer(coordinator.apiUrl);
    await waitFor('the liar to join', () => (liar.volunteer.stats.volunteerId ? true : undefined));
    const jobId = await submitJob(coordinator.apiUrl, 20_000_000, 8);
    await using _a = spawnWorker(coordinator.apiUrl, 1);
    await using _b = spawnWorker(coordinator.apiUrl, 1);
    const final = (await followJob(coordinator.apiUrl, jobId)).at(-1);
    expect(final).toMatchObject({ state: 'SUCCESS', result: { prime_count: 1_270_607 } });
    expect(coordinator.domain.quarantined.has(liar.volunteer.stats.volunteerId!)).toBe(true);
    await waitFor('the liar to learn it is quarantined', () => (liar.volunteer.stats.status === 'quarantined' ? true : undefined));
  });

  test('with REPLICATION=1 and spot checks at 100% a liar is caught and the result is exact', async () => {
    await using coordinator = await startTestCoordinator({ SPOT_CHECK_RATE: '1', UNIT_SIZE: '1000000' });
    await using _a = spawnWorker(coordinator.apiUrl, 1);
    await using _b = spawnWorker(coordinator.apiUrl, 1);
    await using liar = lyingVolunteer(coordinator.apiUrl);
    await waitFor('three volunteers', async () => ((await health(coordinator.apiUrl)).workers === 3 ? true : undefined));
    const jobId = await submitJob(coordinator.apiUrl, 20_000_000, 8);
    const final = (await followJob(coordinator.apiUrl, jobId)).at(-1);
    expect(final).toMatchObject({ state: 'SUCCESS', result: { prime_count: 1_270_607 } });
    expect(coordinator.domain.quarantined.has(liar.volunteer.stats.volunteerId!)).toBe(true);
  });
});

describe('hanging and abusive volunteers', () => {
  test('a volunteer that takes a unit and never answers holds the job only until the lease deadline', async () => {
    await using coordinator = await startTestCoordinator({ LEASE_TIMEOUT: '1s', UNIT_SIZE: '10000000' });
    await using hung = await connectSocket(coordinator.apiUrl);
    const revoked = new Promise((resolve) => hung.socket.once('lease:revoked', resolve));
    await hung.call('volunteer:hello', { kind: 'node', threads: 1 });
    const jobId = await submitJob(coordinator.apiUrl, 10_000_000, 1);
    const ack = (await hung.call('lease:request', { slots: 1 })) as { ok: boolean; leases: { leaseId: string }[] };
    expect(ack.leases).toHaveLength(1);
    await using _worker = spawnWorker(coordinator.apiUrl, 1);
    expect(await revoked).toEqual({ leaseIds: [ack.leases[0]!.leaseId], reason: 'lease expired' });
    expect((await followJob(coordinator.apiUrl, jobId)).at(-1)).toMatchObject({ state: 'SUCCESS', result: { prime_count: 664_579 } });
    expect(await hung.call('lease:result', { leaseId: ack.leases[0]!.leaseId, count: 1 })).toEqual({ ok: true, accepted: false });
  });

  test('only the holder of a lease may report it', async () => {
    await using coordinator = await startTestCoordinator();
    await using holder = await connectSocket(coordinator.apiUrl);
    await using thief = await connectSocket(coordinator.apiUrl);
    await holder.call('volunteer:hello', { kind: 'node', threads: 1 });
    await thief.call('volunteer:hello', { kind: 'node', threads: 1 });
    const jobId = await submitJob(coordinator.apiUrl, 10_000, 1);
    const ack = (await holder.call('lease:request', { slots: 1 })) as { leases: { leaseId: string }[] };
    const leaseId = ack.leases[0]!.leaseId;
    expect(await thief.call('lease:result', { leaseId, count: 9999 })).toEqual({ ok: true, accepted: false });
    expect(await holder.call('lease:result', { leaseId, count: 1229 })).toEqual({ ok: true, accepted: true });
    expect(await getJob(coordinator.apiUrl, jobId)).toMatchObject({ state: 'SUCCESS', result: { prime_count: 1229 } });
  });

  test('a client flooding lease requests is throttled and the coordinator stays healthy', async () => {
    await using coordinator = await startTestCoordinator();
    await using flooder = await connectSocket(coordinator.apiUrl);
    await flooder.call('volunteer:hello', { kind: 'node', threads: 1 });
    const heapBefore = process.memoryUsage().heapUsed;
    const answers = (await Promise.all(
      Array.from({ length: 2000 }, () => flooder.call('lease:request', { slots: 1 })),
    )) as { ok: boolean; error?: { code: string } }[];
    const throttled = answers.filter((a) => !a.ok && a.error?.code === 'throttled').length;
    expect(throttled).toBeGreaterThan(1000);
    expect(answers.filter((a) => a.ok).length).toBeLessThanOrEqual(1000);
    expect(process.memoryUsage().heapUsed - heapBefore).toBeLessThan(64 * 1024 * 1024);
    expect(await health(coordinator.apiUrl)).toMatchObject({ status: 'ok', workers: 1 });
  });

  test('MAX_VOLUNTEERS refuses volunteers beyond the limit', async () => {
    await using coordinator = await startTestCoordinator({ MAX_VOLUNTEERS: '1' });
    await using first = await connectSocket(coordinator.apiUrl);
    await using second = await connectSocket(coordinator.apiUrl);
    expect(await first.call('volunteer:hello', { kind: 'node', threads: 1 })).toMatchObject({ ok: true });
    expect(await second.call('volunteer:hello', { kind: 'node', threads: 1 })).toEqual({
      ok: false,
      error: { code: 'full', message: 'the coordinator accepts at most 1 volunteers' },
    });
  });

  test('cancelling a job withdraws its leases from the workers at once', async () => {
    await using coordinator = await startTestCoordinator({ UNIT_SIZE: '100000000' });
    await using _worker = spawnWorker(coordinator.apiUrl, 2);
    const jobId = await submitJob(coordinator.apiUrl, 1e11, 16);
    await waitFor('leases in flight', () => (coordinator.domain.leases.size > 0 ? true : undefined));
    const response = await fetch(`${coordinator.apiUrl}/api/jobs/${jobId}`, { method: 'DELETE' });
    expect(response.status).toBe(200);
    expect(coordinator.domain.leases.size).toBe(0);
    expect(await getJob(coordinator.apiUrl, jobId)).toMatchObject({ state: 'REVOKED', error: 'cancelled by request' });
  });
});

describe('fair scheduling', () => {
  test('a small job submitted behind a huge one finishes while the huge one still runs', async () => {
    await using coordinator = await startTestCoordinator();
    await using _worker = spawnWorker(coordinator.apiUrl, 2);
    const huge = await submitJob(coordinator.apiUrl, 1e12, 64);
    await waitFor('the huge job to run', () => (coordinator.domain.leases.size === 2 ? true : undefined));
    const small = await submitJob(coordinator.apiUrl, 1e6, 4);
    const final = (await followJob(coordinator.apiUrl, small, 30_000)).at(-1);
    expect(final).toMatchObject({ state: 'SUCCESS', result: { prime_count: 78_498 } });
    expect((await getJob(coordinator.apiUrl, huge)).state).toBe('PROGRESS');
  });
});
