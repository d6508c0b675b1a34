/** Volunteers that lie, hang, flood or send garbage cannot change an answer or stall a job. */
import { io } from 'socket.io-client';
import { describe, expect, test } from 'vitest';
import { Volunteer, type ComputePool, type VolunteerSocket } from '../client/volunteer.js';
import { quarantine } from '../coordinator/leases/quarantine.js';
import { countPrimes } from '../shared/sieve/index.js';
import {
  connectSocket,
  followJob,
  getJob,
  health,
  spawnWorker,
  startTestCoordinator,
  submitJob,
  waitFor,
  type TestSocket,
} from './support/harness.js';

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

/** Resolves with the reason once the server or the network ends this socket (20 s at most). */
function disconnected(client: TestSocket): Promise<string> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('still connected after 20 s')), 20_000);
    client.socket.once('disconnect', (reason) => {
      clearTimeout(timer);
      resolve(reason);
    });
  });
}

async function droppedSockets(apiUrl: string, reason: string): Promise<number> {
  const metrics = await (await fetch(`${apiUrl}/metrics`)).text();
  const line = metrics.split('\n').find((text) => text.startsWith(`dpc_sockets_dropped_total{reason="${reason}"}`));
  return line === undefined ? 0 : Number(line.split(' ').at(-1));
}

describe('lying volunteers', () => {
  test('with REPLICATION=2 a liar never changes the result and ends quarantined', async () => {
    await using coordinator = await startTestCoordinator({ REPLICATION: '2', UNIT_SIZE: '1000000' });
    await using liar = lyingVolunteer(coordinator.apiUrl);
    // Read now: once quarantined it is disconnected, and forgets its id.
    const liarId = await waitFor('the liar to join', () => liar.volunteer.stats.volunteerId);
    const jobId = await submitJob(coordinator.apiUrl, 20_000_000, 8);
    await using _a = spawnWorker(coordinator.apiUrl, 1);
    await using _b = spawnWorker(coordinator.apiUrl, 1);
    const final = (await followJob(coordinator.apiUrl, jobId)).at(-1);
    expect(final).toMatchObject({ state: 'SUCCESS', result: { prime_count: 1_270_607 } });
    expect(coordinator.domain.quarantined.has(liarId)).toBe(true);
    await waitFor('the liar to learn it is quarantined', () => (liar.volunteer.stats.status === 'quarantined' ? true : undefined));
  });

  test('with REPLICATION=1 and spot checks at 100% a liar is caught and the result is exact', async () => {
    await using coordinator = await startTestCoordinator({ SPOT_CHECK_RATE: '1', UNIT_SIZE: '1000000' });
    await using _a = spawnWorker(coordinator.apiUrl, 1);
    await using _b = spawnWorker(coordinator.apiUrl, 1);
    await using liar = lyingVolunteer(coordinator.apiUrl);
    await waitFor('three volunteers', async () => ((await health(coordinator.apiUrl)).workers === 3 ? true : undefined));
    const liarId = await waitFor('the liar to join', () => liar.volunteer.stats.volunteerId);
    const jobId = await submitJob(coordinator.apiUrl, 20_000_000, 8);
    const final = (await followJob(coordinator.apiUrl, jobId)).at(-1);
    expect(final).toMatchObject({ state: 'SUCCESS', result: { prime_count: 1_270_607 } });
    expect(coordinator.domain.quarantined.has(liarId)).toBe(true);
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

  test('a hoarder claiming 256 threads holds 2 units, heartbeats cannot keep them, and the job finishes exact beside an honest worker', async () => {
    await using coordinator = await startTestCoordinator({ UNIT_SIZE: '1000000', LEASE_HOLD_MIN: '2s' });
    await using hoarder = await connectSocket(coordinator.apiUrl);
    const revoked = new Map<string, string>();
    hoarder.socket.on('lease:revoked', ({ leaseIds, reason }: { leaseIds: string[]; reason: string }) => {
      for (const id of leaseIds) revoked.set(id, reason);
    });
    expect(await hoarder.call('volunteer:hello', { kind: 'node', threads: 256 })).toMatchObject({ ok: true });
    const jobId = await submitJob(coordinator.apiUrl, 20_000_000, 16);
    const granted: string[] = [];
    let mostHeld = 0;
    let running = true;
    // Asks for 256 units and heartbeats every lease it holds, five times a second, never reporting.
    const hoarding = (async () => {
      while (running) {
        const ack = (await hoarder.call('lease:request', { slots: 256 })) as { leases?: { leaseId: string }[] };
        granted.push(...(ack.leases ?? []).map((lease) => lease.leaseId));
        const held = granted.filter((id) => !revoked.has(id));
        mostHeld = Math.max(mostHeld, held.length);
        await hoarder.call('lease:heartbeat', { leaseIds: held });
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    })();
    await waitFor('the hoarder to hold units', () => (granted.length > 0 ? true : undefined));
    await using _worker = spawnWorker(coordinator.apiUrl, 1);
    const final = (await followJob(coordinator.apiUrl, jobId, 30_000)).at(-1);
    running = false;
    await hoarding;
    expect(final).toMatchObject({ state: 'SUCCESS', result: { prime_count: 1_270_607 } });
    expect(mostHeld).toBe(2);
    // The worker counted every unit, so each unit the hoarder got was taken back from it.
    await waitFor('every hoarded lease to be revoked', () => (granted.every((id) => revoked.has(id)) ? true : undefined));
    expect(new Set(granted.map((id) => revoked.get(id)))).toEqual(new Set(['held too long']));
    expect(coordinator.domain.leases.size).toBe(0);
  });

  test('/health credits a hello claiming 256 threads with MAX_THREADS_PER_VOLUNTEER', async () => {
    await using coordinator = await startTestCoordinator();
    await using claimer = await connectSocket(coordinator.apiUrl);
    await claimer.call('volunteer:hello', { kind: 'node', threads: 256 });
    expect(await health(coordinator.apiUrl)).toMatchObject({ workers: 1, threads: 32 });
    const metrics = await (await fetch(`${coordinator.apiUrl}/metrics`)).text();
    expect(metrics).toContain('dpc_threads 32');
  });

  test('MAX_VOLUNTEERS refuses volunteers beyond the limit, and a refused one is disconnected', async () => {
    await using coordinator = await startTestCoordinator({ MAX_VOLUNTEERS: '1' });
    await using first = await connectSocket(coordinator.apiUrl);
    await using second = await connectSocket(coordinator.apiUrl);
    const secondLeft = disconnected(second);
    expect(await first.call('volunteer:hello', { kind: 'node', threads: 1 })).toMatchObject({ ok: true });
    expect(await second.call('volunteer:hello', { kind: 'node', threads: 1 })).toEqual({
      ok: false,
      error: { code: 'full', message: 'the coordinator accepts at most 1 volunteers' },
    });
    expect(await secondLeft).toBe('io server disconnect');
    expect(first.socket.connected).toBe(true);
    expect(await droppedSockets(coordinator.apiUrl, 'refused')).toBe(1);
  });

  test('a volunteer refused as full connects again later and joins once there is room', async () => {
    await using coordinator = await startTestCoordinator({ MAX_VOLUNTEERS: '1' });
    const first = await connectSocket(coordinator.apiUrl);
    expect(await first.call('volunteer:hello', { kind: 'node', threads: 1 })).toMatchObject({ ok: true });
    const socket: VolunteerSocket = io(coordinator.apiUrl, { transports: ['websocket'], forceNew: true, reconnection: false });
    const errors: string[] = [];
    const pool: ComputePool = { count: async (lo, hi) => countPrimes(lo, hi), resize: () => {}, close: async () => {} };
    const waiting = new Volunteer({ socket, pool, kind: 'node', threads: 1, fullRetryMs: 200, onError: (message) => errors.push(message) });
    try {
      await waitFor('the refusal', () => (errors.includes('hello refused') ? true : undefined));
      await waitFor('the refused volunteer to be disconnected', () => (socket.connected ? undefined : true));
      first.socket.disconnect();
      const id = await waitFor('the volunteer to join', () => waiting.stats.volunteerId);
      expect(coordinator.domain.volunteers.has(id)).toBe(true);
    } finally {
      await waiting.stop();
    }
  });

  test('a quarantined volunteer gets its refusal, then is disconnected', async () => {
    await using coordinator = await startTestCoordinator();
    await using liar = await connectSocket(coordinator.apiUrl);
    const left = disconnected(liar);
    const hello = (await liar.call('volunteer:hello', { kind: 'node', threads: 1 })) as { volunteerId: string };
    quarantine(coordinator.domain, hello.volunteerId);
    expect(await liar.call('lease:request', { slots: 1 })).toMatchObject({ ok: false, error: { code: 'quarantined' } });
    expect(await left).toBe('io server disconnect');
  });

  test('a flood of 300 sockets that never say hello is disconnected after HELLO_TIMEOUT; volunteers and pages stay', async () => {
    await using coordinator = await startTestCoordinator({ HELLO_TIMEOUT: '1s' });
    await using volunteer = await connectSocket(coordinator.apiUrl);
    await using page = await connectSocket(coordinator.apiUrl);
    expect(await volunteer.call('volunteer:hello', { kind: 'node', threads: 1 })).toMatchObject({ ok: true });
    expect(await page.call('swarm:watch', {})).toEqual({ ok: true });
    const flood = await Promise.all(
      Array.from({ length: 300 }, async () => {
        const client = await connectSocket(coordinator.apiUrl);
        return { client, left: disconnected(client) };
      }),
    );
    try {
      const reasons = await Promise.all(flood.map(({ left }) => left));
      expect(new Set(reasons)).toEqual(new Set(['io server disconnect']));
      expect(await droppedSockets(coordinator.apiUrl, 'hello_timeout')).toBe(300);
      expect(await health(coordinator.apiUrl)).toMatchObject({ status: 'ok', workers: 1 });
      expect(volunteer.socket.connected && page.socket.connected).toBe(true);
    } finally {
      for (const { client } of flood) client.socket.disconnect();
    }
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
