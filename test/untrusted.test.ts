/** Volunteers that lie, hang, flood or send garbage cannot change an answer or stall a job. */
import { io } from 'socket.io-client';
import { describe, expect, test } from 'vitest';
import { Volunteer, type ComputePool, type VolunteerSocket } from '../client/volunteer.js';
import type { RunningCoordinator } from '../coordinator/coordinator.js';
import { quarantine } from '../coordinator/trust/quarantine.js';
import {
  connectSocket,
  TEST_WORKER_TOKEN,
  type TestSocket,
  followJob,
  getJob,
  health,
  spawnWorker,
  startTestCoordinator,
  submitJob,
  waitFor,
} from './support/harness.js';
import {
  always,
  countSieveUnit,
  disposeAll,
  everyNth,
  failingPool,
  honest as honestStrategy,
  socketVolunteer,
  strategyPool,
  type TestVolunteer,
} from './support/volunteers.js';

/** A coordinator where 127.0.0.2, .3, ... are distinct networks. */
const NETWORKS = { NETWORK_PREFIX_V4: '32' };

function isQuarantined(coordinator: RunningCoordinator, volunteer: TestVolunteer): boolean {
  return [...volunteer.ids].some((id) => coordinator.domain.quarantined.has(id));
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

async function joined(...volunteers: TestVolunteer[]): Promise<void> {
  await waitFor('volunteers to join', () => (volunteers.every((v) => v.volunteer.stats.volunteerId) ? true : undefined));
}

describe('lying volunteers, with the default settings', () => {
  test('two sockets of one network reporting the same wrong count: the job is exact, the honest worker never quarantined', async () => {
    await using coordinator = await startTestCoordinator({ ...NETWORKS, UNIT_SIZE: '1000000' });
    await using liar1 = socketVolunteer(coordinator.apiUrl, { localAddress: '127.0.0.2', pool: strategyPool(always(5)), name: 'liar-1' });
    await using liar2 = socketVolunteer(coordinator.apiUrl, { localAddress: '127.0.0.2', pool: strategyPool(always(5)), name: 'liar-2' });
    await joined(liar1, liar2);
    const jobId = await submitJob(coordinator.apiUrl, 20_000_000, 8);
    await using _honest = spawnWorker(coordinator.apiUrl, 1);
    const final = (await followJob(coordinator.apiUrl, jobId)).at(-1);
    expect(final).toMatchObject({ state: 'SUCCESS', result: { prime_count: 1_270_607 } });
    const honest = [...coordinator.domain.volunteers.values()].filter((v) => v.trusted);
    expect(honest).toHaveLength(1);
    expect(honest[0]!.quarantined).toBe(false);
    expect(coordinator.domain.quarantined.has(honest[0]!.id)).toBe(false);
    expect([isQuarantined(coordinator, liar1), isQuarantined(coordinator, liar2)]).toEqual([true, true]);
  });

  test('colluders on one network against two honest strangers on two others: exact, only colluders quarantined', async () => {
    await using coordinator = await startTestCoordinator({ ...NETWORKS, UNIT_SIZE: '500000' });
    const liars = [
      socketVolunteer(coordinator.apiUrl, { localAddress: '127.0.0.2', pool: strategyPool(always(3)), name: 'liar-1' }),
      socketVolunteer(coordinator.apiUrl, { localAddress: '127.0.0.2', pool: strategyPool(always(3)), name: 'liar-2' }),
    ];
    const honest = [
      socketVolunteer(coordinator.apiUrl, { localAddress: '127.0.0.3', pool: strategyPool(honestStrategy), name: 'h1' }),
      socketVolunteer(coordinator.apiUrl, { localAddress: '127.0.0.4', pool: strategyPool(honestStrategy), name: 'h2' }),
    ];
    await using _all = disposeAll([...liars, ...honest]);
    await joined(...liars, ...honest);
    const jobId = await submitJob(coordinator.apiUrl, 10_000_000, 4);
    expect((await followJob(coordinator.apiUrl, jobId)).at(-1)).toMatchObject({ state: 'SUCCESS', result: { prime_count: 664_579 } });
    for (const volunteer of honest) expect(isQuarantined(coordinator, volunteer)).toBe(false);
  });

  test('a liar on 1 unit in 10 never makes a job succeed with a wrong count, and is caught', async () => {
    await using coordinator = await startTestCoordinator({ ...NETWORKS, UNIT_SIZE: '250000' });
    const liarPool = strategyPool(everyNth(10));
    await using liar = socketVolunteer(coordinator.apiUrl, { localAddress: '127.0.0.2', pool: liarPool, name: 'liar' });
    await using stranger = socketVolunteer(coordinator.apiUrl, { localAddress: '127.0.0.3', pool: strategyPool(honestStrategy), name: 'h' });
    await joined(liar, stranger);
    await using _trusted = spawnWorker(coordinator.apiUrl, 1);
    for (let i = 0; i < 4 && liarPool.record.lies === 0; i++) {
      const jobId = await submitJob(coordinator.apiUrl, 10_000_000, 4);
      expect((await followJob(coordinator.apiUrl, jobId)).at(-1)).toMatchObject({ state: 'SUCCESS', result: { prime_count: 664_579 } });
    }
    expect(liarPool.record.lies).toBeGreaterThan(0);
    expect(isQuarantined(coordinator, liar)).toBe(true);
    expect(isQuarantined(coordinator, stranger)).toBe(false);
    await waitFor('the liar to learn it is quarantined', () => (liar.volunteer.stats.status === 'quarantined' ? true : undefined));
  });
});

describe('ties, waiting and disputes', () => {
  /** A stranger from `address` that takes one unit and reports `count` for it. */
  async function reportOnce(apiUrl: string, address: string, count: number): Promise<TestSocket> {
    const client = await connectSocket(apiUrl, { localAddress: address });
    await client.call('volunteer:hello', { kind: 'node', threads: 1 });
    const ack = (await client.call('lease:request', { slots: 1 })) as { leases: { leaseId: string }[] };
    expect(ack.leases).toHaveLength(1);
    expect(await client.call('lease:result', { leaseId: ack.leases[0]!.leaseId, count })).toEqual({ ok: true, accepted: true });
    return client;
  }

  test("a stranger's count waits for another network, and the job view says so", async () => {
    await using coordinator = await startTestCoordinator(NETWORKS);
    const jobId = await submitJob(coordinator.apiUrl, 10_000, 1);
    await using _a = await reportOnce(coordinator.apiUrl, '127.0.0.2', 1229);
    expect(await getJob(coordinator.apiUrl, jobId)).toMatchObject({
      state: 'STARTED',
      waiting: 'waiting for a volunteer on another network (or a trusted worker) to confirm [1, 10000]',
    });
    await using _b = await reportOnce(coordinator.apiUrl, '127.0.0.3', 1229);
    const final = await getJob(coordinator.apiUrl, jobId);
    expect(final).toMatchObject({ state: 'SUCCESS', result: { prime_count: 1229 } });
    expect(final.waiting).toBeUndefined();
  });

  test('a tie between two networks punishes nobody; a third network decides', async () => {
    await using coordinator = await startTestCoordinator(NETWORKS);
    const jobId = await submitJob(coordinator.apiUrl, 10_000, 1);
    await using _a = await reportOnce(coordinator.apiUrl, '127.0.0.2', 1229);
    await using _b = await reportOnce(coordinator.apiUrl, '127.0.0.3', 1230);
    expect(coordinator.domain.quarantined.size).toBe(0);
    expect((await getJob(coordinator.apiUrl, jobId)).waiting).toBe(
      'volunteers disagree on [1, 10000]: waiting for a volunteer on a third network or a trusted worker to decide',
    );
    await using _c = await reportOnce(coordinator.apiUrl, '127.0.0.4', 1229);
    expect(await getJob(coordinator.apiUrl, jobId)).toMatchObject({ state: 'SUCCESS', result: { prime_count: 1229 } });
    expect(coordinator.domain.quarantined.size).toBe(1);
  });

  test('a trusted worker decides a tie', async () => {
    await using coordinator = await startTestCoordinator(NETWORKS);
    const jobId = await submitJob(coordinator.apiUrl, 10_000, 1);
    await using _a = await reportOnce(coordinator.apiUrl, '127.0.0.2', 1229);
    await using _b = await reportOnce(coordinator.apiUrl, '127.0.0.3', 1228);
    await using _worker = spawnWorker(coordinator.apiUrl, 1);
    expect((await followJob(coordinator.apiUrl, jobId)).at(-1)).toMatchObject({ state: 'SUCCESS', result: { prime_count: 1229 } });
    expect(coordinator.domain.quarantined.size).toBe(1);
  });

  test('a dispute nobody can decide ends the job in FAILURE after DISPUTE_TIMEOUT, naming the range', async () => {
    await using coordinator = await startTestCoordinator({ ...NETWORKS, DISPUTE_TIMEOUT: '1s' });
    const jobId = await submitJob(coordinator.apiUrl, 10_000, 1);
    await using _a = await reportOnce(coordinator.apiUrl, '127.0.0.2', 1229);
    await using _b = await reportOnce(coordinator.apiUrl, '127.0.0.3', 1230);
    expect((await followJob(coordinator.apiUrl, jobId)).at(-1)).toMatchObject({
      state: 'FAILURE',
      error: 'range [1, 10000] could not be decided within 1 s: volunteers disagree on its count',
    });
    expect(coordinator.domain.quarantined.size).toBe(0);
  });
});

describe('failures and quarantine', () => {
  test('three sockets of one network answering every lease with lease:fail cannot fail a job; an honest worker finishes it', async () => {
    await using coordinator = await startTestCoordinator({ ...NETWORKS, UNIT_SIZE: '1000000' });
    const killers = [1, 2, 3].map((i) =>
      socketVolunteer(coordinator.apiUrl, { localAddress: '127.0.0.2', pool: failingPool(), name: `killer-${i}` }),
    );
    await using _killers = disposeAll(killers);
    await joined(...killers);
    const jobId = await submitJob(coordinator.apiUrl, 10_000_000, 4);
    const failuresReported = () => killers.reduce((sum, k) => sum + k.errors.filter((e) => e.includes('failed')).length, 0);
    const afterFailures = await waitFor('the killers to fail many leases, or the job to end', async () => {
      const job = await getJob(coordinator.apiUrl, jobId);
      return failuresReported() >= 12 || job.state === 'FAILURE' ? job : undefined;
    });
    expect(afterFailures.state).toBe('STARTED');
    await using _honest = spawnWorker(coordinator.apiUrl, 1);
    expect((await followJob(coordinator.apiUrl, jobId)).at(-1)).toMatchObject({ state: 'SUCCESS', result: { prime_count: 664_579 } });
  });

  test("a caught liar's network is refused work, new connections included", async () => {
    await using coordinator = await startTestCoordinator({ ...NETWORKS, UNIT_SIZE: '1000000' });
    const liarPool = strategyPool(always());
    await using liar = socketVolunteer(coordinator.apiUrl, { localAddress: '127.0.0.2', pool: liarPool, name: 'liar' });
    await joined(liar);
    const jobId = await submitJob(coordinator.apiUrl, 4_000_000, 4);
    await waitFor('the liar to lie', () => (liarPool.record.lies > 0 ? true : undefined));
    await using _honest = spawnWorker(coordinator.apiUrl, 1);
    expect((await followJob(coordinator.apiUrl, jobId)).at(-1)).toMatchObject({ state: 'SUCCESS', result: { prime_count: 283_146 } });
    expect(isQuarantined(coordinator, liar)).toBe(true);
    const metrics = await (await fetch(`${coordinator.apiUrl}/metrics`)).text();
    expect(metrics).toContain('dpc_quarantined_networks 1');
    expect(metrics).toContain('dpc_trusted_volunteers 1');
    await using sibling = await connectSocket(coordinator.apiUrl, { localAddress: '127.0.0.2' });
    await sibling.call('volunteer:hello', { kind: 'node', threads: 1 });
    await submitJob(coordinator.apiUrl, 10_000, 1);
    expect(await sibling.call('lease:request', { slots: 1 })).toEqual({
      ok: false,
      error: { code: 'quarantined', message: 'this volunteer or its network reported wrong counts and gets no work' },
    });
    await using other = await connectSocket(coordinator.apiUrl, { localAddress: '127.0.0.3' });
    await other.call('volunteer:hello', { kind: 'node', threads: 1 });
    expect(await other.call('lease:request', { slots: 1 })).toMatchObject({ ok: true });
  });
});

describe('trusted workers and connections', () => {
  test('a wrong worker token is refused with a clear message, and the worker process stops', async () => {
    await using coordinator = await startTestCoordinator();
    await using client = await connectSocket(coordinator.apiUrl);
    expect(await client.call('volunteer:hello', { kind: 'node', threads: 1, token: 'not-the-token' })).toEqual({
      ok: false,
      error: { code: 'bad_token', message: "the token is not this coordinator's WORKER_TOKEN" },
    });
    await using worker = spawnWorker(coordinator.apiUrl, 1, { WORKER_TOKEN: 'a-wrong-token-for-this-coordinator' });
    expect(await worker.exited()).toBe(2);
    expect(worker.output()).toContain("the token is not this coordinator's WORKER_TOKEN; stopping");
  });

  test('X-Forwarded-For names the network only behind a configured trusted proxy', async () => {
    const confirmsEachOther = async (env: Record<string, string>) => {
      await using coordinator = await startTestCoordinator(env);
      const jobId = await submitJob(coordinator.apiUrl, 10_000, 1);
      for (const forwardedFor of ['203.0.113.7', '198.51.100.7']) {
        await using client = await connectSocket(coordinator.apiUrl, { forwardedFor });
        await client.call('volunteer:hello', { kind: 'node', threads: 1 });
        const ack = (await client.call('lease:request', { slots: 1 })) as { leases: { leaseId: string }[] };
        if (ack.leases.length === 1) await client.call('lease:result', { leaseId: ack.leases[0]!.leaseId, count: 1229 });
      }
      return (await getJob(coordinator.apiUrl, jobId)).state;
    };
    expect(await confirmsEachOther({ TRUSTED_PROXIES: '127.0.0.1' })).toBe('SUCCESS');
    // From anyone else the header is ignored: both are the same network, which cannot confirm itself.
    expect(await confirmsEachOther({})).toBe('STARTED');
  });

  test('MAX_CONNECTIONS_PER_NETWORK refuses further connections from that network only', async () => {
    await using coordinator = await startTestCoordinator({ ...NETWORKS, MAX_CONNECTIONS_PER_NETWORK: '2' });
    await using _a = await connectSocket(coordinator.apiUrl, { localAddress: '127.0.0.2' });
    await using _b = await connectSocket(coordinator.apiUrl, { localAddress: '127.0.0.2' });
    await expect(connectSocket(coordinator.apiUrl, { localAddress: '127.0.0.2' })).rejects.toThrow('too many connections from network 127.0.0.2/32');
    await using _c = await connectSocket(coordinator.apiUrl, { localAddress: '127.0.0.3' });
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
    await holder.call('volunteer:hello', { kind: 'node', threads: 1, token: TEST_WORKER_TOKEN });
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
    const pool: ComputePool = { compute: async (_kind, unit) => countSieveUnit(unit), resize: () => {}, close: async () => {} };
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
    quarantine(coordinator.domain, { volunteerId: hello.volunteerId, network: coordinator.domain.volunteers.get(hello.volunteerId)!.network });
    expect(await liar.call('lease:request', { slots: 1 })).toMatchObject({ ok: false, error: { code: 'quarantined' } });
    expect(await left).toBe('io server disconnect');
  });

  test('a flood of 300 sockets that never say hello is disconnected after HELLO_TIMEOUT; volunteers and pages stay', async () => {
    await using coordinator = await startTestCoordinator({ HELLO_TIMEOUT: '1s', MAX_CONNECTIONS_PER_NETWORK: '0' });
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
