/**
 * The job table and lease rules without sockets, over each JobStore implementation.
 * A fake clock makes deadlines exact; counts come from the real kernel.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { loadKernel } from '../shared/sieve/index.js';
import { createDomain } from './domain.js';
import { cancelJob } from './jobs/cancel-job.js';
import { createJob } from './jobs/create-job.js';
import { restoreJobs } from './jobs/restore-jobs.js';
import { grantLeases } from './leases/grant-leases.js';
import { reclaimExpired } from './leases/reclaim-expired.js';
import { releaseLeases } from './leases/release-lease.js';
import { reportFailure } from './leases/report-failure.js';
import { reportResult } from './leases/report-result.js';
import { registerVolunteer, removeVolunteer } from './leases/volunteers.js';
import type { Domain, DomainEvents, LeasePolicy } from './model.js';
import type { Party } from './trust/parties.js';
import { trustPolicy } from './trust/trust-state.js';
import { loadConfig } from './config.js';
import { ACTIVE_WINDOW_MS } from './scheduler.js';
import type { JobStore } from './store/job-store.js';
import { MemoryJobStore } from './store/memory-store.js';
import { SqliteJobStore } from './store/sqlite-store.js';
import { SIEVE_COUNT } from '../shared/kinds/sieve-count/index.js';

const kernel = await loadKernel();
const countPrimes = (lo: number, hi: number): number => kernel.countPrimes(lo, hi);

interface RecordedEvents extends DomainEvents {
  revoked: { volunteerId: string; leaseIds: string[]; reason: string }[];
}

function recordingEvents(): RecordedEvents {
  const revoked: RecordedEvents['revoked'] = [];
  return {
    revoked,
    jobChanged: () => {},
    workAvailable: () => {},
    unitAccepted: () => {},
    leasesRevoked: (volunteerId, leaseIds, reason) => revoked.push({ volunteerId, leaseIds, reason }),
  };
}

const POLICY: LeasePolicy = { unitSize: 10_000, leaseTimeoutMs: 60_000, maxAttempts: 3 };
/** The coordinator's defaults for trust. */
const TRUST = trustPolicy(loadConfig({}));

/** Run last first: a store is closed before its folder is deleted. */
const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const stores: [string, () => JobStore][] = [
  ['memory', () => new MemoryJobStore()],
  [
    'sqlite',
    () => {
      const dir = mkdtempSync(path.join(tmpdir(), 'dpc-store-'));
      cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
      return new SqliteJobStore(path.join(dir, 'jobs.db'));
    },
  ],
];

describe.each(stores)('job table over the %s store', (_name, makeStore) => {
  let clock = 1_000_000;
  function setup(policy: Partial<LeasePolicy> = {}, store = makeStore(), random = () => 0.5) {
    const events = recordingEvents();
    const d = createDomain({ store, policy: { ...POLICY, ...policy }, trust: TRUST, events, now: () => clock, random });
    cleanups.push(() => store.close());
    return { d, events, store };
  }

  /** A trusted worker on its own network (these tests are about the job table, not trust). */
  function volunteer(d: Domain, id: string, threads = 1, party: Party = { network: `net-${id}`, trusted: true }) {
    return registerVolunteer(d, id, { kind: 'node', threads }, party);
  }

  /** Leases and truthfully reports units for `id` until nothing is left for it. */
  function work(d: Domain, id: string, lie = 0): number {
    let units = 0;
    for (;;) {
      const leases = grantLeases(d, id, 1);
      if (leases.length === 0) return units;
      for (const lease of leases) reportResult(d, id, lease.id, countPrimes(lease.lo, lease.hi) + lie);
      units++;
    }
  }

  test('a job moves PENDING -> STARTED -> PROGRESS -> SUCCESS with the exact count', () => {
    const { d } = setup();
    const job = createJob(d, SIEVE_COUNT, { n: 100_000 }, 4);
    expect(job.state).toBe('PENDING');
    volunteer(d, 'a');
    const [lease] = grantLeases(d, 'a', 1);
    expect(job.state).toBe('STARTED');
    expect(lease).toMatchObject({ lo: 1, hi: 10_000 });
    expect(reportResult(d, 'a', lease!.id, countPrimes(1, 10_000))).toBe('accepted');
    expect(job.state).toBe('PROGRESS');
    expect(job.completedChunks).toBe(0);
    work(d, 'a');
    expect(job).toMatchObject({ state: 'SUCCESS', completedChunks: 4, answer: 9592 });
    expect(d.active.size).toBe(0);
    expect(d.leases.size).toBe(0);
  });

  test('a volunteer gets units only of the kinds it computes; an old hello computes sieve-count', () => {
    const { d } = setup();
    createJob(d, SIEVE_COUNT, { n: 20_000 }, 1);
    registerVolunteer(d, 'other-kinds', { kind: 'node', threads: 1, kinds: ['twin-count'] }, { network: 'net-o', trusted: true });
    expect(grantLeases(d, 'other-kinds', 1)).toEqual([]);
    volunteer(d, 'old');
    const [lease] = grantLeases(d, 'old', 1);
    expect(lease).toMatchObject({ kind: SIEVE_COUNT, lo: 1, hi: 10_000, unit: { lo: 1, hi: 10_000 } });
  });

  test("a result that does not fit the unit's kind is malformed and the lease stays", () => {
    const { d } = setup();
    const job = createJob(d, SIEVE_COUNT, { n: 10_000 }, 1);
    volunteer(d, 'a');
    const [lease] = grantLeases(d, 'a', 1);
    expect(reportResult(d, 'a', lease!.id, { count: 1229 })).toBe('malformed');
    expect(reportResult(d, 'a', lease!.id, -1)).toBe('malformed');
    expect(d.leases.has(lease!.id)).toBe(true);
    expect(reportResult(d, 'a', lease!.id, 1229)).toBe('accepted');
    expect(job).toMatchObject({ state: 'SUCCESS', answer: 1229 });
  });

  test('a lease is counted once: repeated, foreign and unknown reports are ignored', () => {
    const { d } = setup();
    const job = createJob(d, SIEVE_COUNT, { n: 20_000 }, 1);
    volunteer(d, 'a');
    volunteer(d, 'b');
    const [lease] = grantLeases(d, 'a', 1);
    expect(reportResult(d, 'b', lease!.id, 5)).toBe('ignored');
    expect(reportResult(d, 'a', 'no-such-lease', 5)).toBe('ignored');
    expect(reportResult(d, 'a', lease!.id, countPrimes(lease!.lo, lease!.hi))).toBe('accepted');
    expect(reportResult(d, 'a', lease!.id, countPrimes(lease!.lo, lease!.hi))).toBe('ignored');
    work(d, 'b');
    expect(job.answer).toBe(2262);
  });

  test('an expired lease is reclaimed, reissued, and its late report ignored', () => {
    const { d, events } = setup({ leaseTimeoutMs: 5_000 });
    const job = createJob(d, SIEVE_COUNT, { n: 10_000 }, 1);
    volunteer(d, 'slow');
    volunteer(d, 'fast');
    const [stale] = grantLeases(d, 'slow', 1);
    expect(grantLeases(d, 'fast', 1)).toEqual([]);
    // Backdate the lease rather than waiting for it.
    d.leases.get(stale!.id)!.deadline = clock - 1;
    expect(reclaimExpired(d).map((l) => l.id)).toEqual([stale!.id]);
    expect(events.revoked).toEqual([{ volunteerId: 'slow', leaseIds: [stale!.id], reason: 'lease expired' }]);
    const [reissued] = grantLeases(d, 'fast', 1);
    expect(reissued).toMatchObject({ lo: stale!.lo, hi: stale!.hi });
    expect(reportResult(d, 'slow', stale!.id, 1229)).toBe('ignored');
    expect(reportResult(d, 'fast', reissued!.id, 1229)).toBe('accepted');
    expect(job).toMatchObject({ state: 'SUCCESS', answer: 1229 });
  });

  test('heartbeat-free leases live until their deadline and no longer', () => {
    const { d } = setup({ leaseTimeoutMs: 5_000 });
    createJob(d, SIEVE_COUNT, { n: 10_000 }, 1);
    volunteer(d, 'a');
    grantLeases(d, 'a', 1);
    clock += 4_999;
    expect(reclaimExpired(d)).toEqual([]);
    clock += 1;
    expect(reclaimExpired(d)).toHaveLength(1);
  });

  test('a volunteer that leaves returns its leases at once', () => {
    const { d } = setup();
    const job = createJob(d, SIEVE_COUNT, { n: 40_000 }, 4);
    volunteer(d, 'a', 2);
    expect(grantLeases(d, 'a', 2)).toHaveLength(2);
    removeVolunteer(d, 'a');
    expect(d.leases.size).toBe(0);
    volunteer(d, 'b', 2);
    expect(grantLeases(d, 'b', 8)).toHaveLength(2);
    expect(d.active.get(job.id)!.leasesInFlight).toBe(2);
  });

  test('released leases are leased again', () => {
    const { d } = setup();
    createJob(d, SIEVE_COUNT, { n: 20_000 }, 2);
    volunteer(d, 'a', 2);
    const leases = grantLeases(d, 'a', 2);
    expect(releaseLeases(d, 'a', leases.map((l) => l.id))).toBe(2);
    expect(grantLeases(d, 'a', 2).map((l) => l.lo)).toEqual(leases.map((l) => l.lo));
  });

  test('a unit failing three times fails the job and withdraws its other leases', () => {
    const { d, events } = setup();
    const job = createJob(d, SIEVE_COUNT, { n: 30_000 }, 3);
    for (const id of ['holder', 'a', 'b', 'c']) volunteer(d, id);
    const [other] = grantLeases(d, 'holder', 1);
    for (const id of ['a', 'b', 'c']) {
      const [lease] = grantLeases(d, id, 1);
      expect(lease).toMatchObject({ lo: 10_001, hi: 20_000 });
      expect(reportFailure(d, id, lease!.id, 'out of memory')).toBe(true);
    }
    expect(job.state).toBe('FAILURE');
    expect(job.error).toBe('range [10001, 20000] failed on 3 independent volunteers; last error: out of memory');
    expect(events.revoked.at(-1)).toMatchObject({ volunteerId: 'holder', leaseIds: [other!.id] });
    expect(d.leases.size).toBe(0);
    expect(grantLeases(d, 'holder', 1)).toEqual([]);
  });

  test('with a single volunteer a failing unit is retried there', () => {
    const { d } = setup();
    const job = createJob(d, SIEVE_COUNT, { n: 10_000 }, 1);
    volunteer(d, 'a');
    for (let attempt = 1; attempt <= 3; attempt++) {
      const [lease] = grantLeases(d, 'a', 1);
      reportFailure(d, 'a', lease!.id, 'boom');
    }
    expect(job).toMatchObject({ state: 'FAILURE', error: 'range [1, 10000] failed on 3 independent volunteers; last error: boom' });
  });

  test('a failed unit goes to another volunteer when one is connected', () => {
    const { d } = setup();
    createJob(d, SIEVE_COUNT, { n: 10_000 }, 1);
    volunteer(d, 'a');
    const [lease] = grantLeases(d, 'a', 1);
    volunteer(d, 'b');
    reportFailure(d, 'a', lease!.id, 'boom');
    expect(grantLeases(d, 'a', 1)).toEqual([]);
    expect(grantLeases(d, 'b', 1)).toHaveLength(1);
  });

  test('a failed unit is not held for a volunteer that stopped asking for work (paused tab)', () => {
    const { d } = setup();
    const job = createJob(d, SIEVE_COUNT, { n: 10_000 }, 1);
    volunteer(d, 'a');
    volunteer(d, 'paused');
    clock += ACTIVE_WINDOW_MS + 1;
    const [lease] = grantLeases(d, 'a', 1);
    reportFailure(d, 'a', lease!.id, 'boom');
    const [retry] = grantLeases(d, 'a', 1);
    expect(retry).toMatchObject({ lo: 1, hi: 10_000 });
    reportResult(d, 'a', retry!.id, 1229);
    expect(job).toMatchObject({ state: 'SUCCESS', answer: 1229 });
  });

  test('a volunteer that gives its leases back (paused) is not waited for, until it asks again', () => {
    const { d } = setup();
    createJob(d, SIEVE_COUNT, { n: 20_000 }, 2);
    volunteer(d, 'a');
    volunteer(d, 'tab');
    releaseLeases(d, 'tab', []);
    const [lease] = grantLeases(d, 'a', 1);
    reportFailure(d, 'a', lease!.id, 'boom');
    expect(grantLeases(d, 'a', 1)).toMatchObject([{ lo: lease!.lo }]);
    releaseLeases(d, 'a', [...d.volunteers.get('a')!.leases]);
    expect(grantLeases(d, 'tab', 1)).toMatchObject([{ lo: lease!.lo }]);
  });

  test('a small job submitted behind a huge one gets the next free thread', () => {
    const { d } = setup({ unitSize: 1e9 });
    const huge = createJob(d, SIEVE_COUNT, { n: 1e12 }, 128);
    volunteer(d, 'a', 4);
    expect(grantLeases(d, 'a', 4).every((l) => l.jobId === huge.id)).toBe(true);
    const small = createJob(d, SIEVE_COUNT, { n: 1e6 }, 4);
    const [first] = [...d.leases.values()];
    reportResult(d, 'a', first!.id, countPrimes(first!.lo, first!.hi));
    const [next] = grantLeases(d, 'a', 1);
    expect(next!.jobId).toBe(small.id);
  });

  test("a grant of several units stays with one job within the grant's size of the least served", () => {
    const { d } = setup({ unitSize: 1e6 });
    const older = createJob(d, SIEVE_COUNT, { n: 1e9 }, 16);
    const newer = createJob(d, SIEVE_COUNT, { n: 1e9 }, 16);
    // New volunteers may hold two units (one per thread and one in hand).
    for (const id of ['a', 'b', 'c', 'd']) volunteer(d, id, 1);
    const jobsOf = (id: string) => grantLeases(d, id, 2).map((lease) => lease.jobId);
    // Unit by unit the two jobs would alternate; a grant keeps to the job it started with.
    expect(jobsOf('a')).toEqual([older.id, older.id]);
    // The least served job still gets the first unit of every grant.
    expect(jobsOf('b')).toEqual([newer.id, newer.id]);
    // A tie goes to the older, which then leads by the grant's size.
    expect(jobsOf('c')).toEqual([older.id, older.id]);
    expect(jobsOf('d')).toEqual([newer.id, newer.id]);
    expect([older, newer].map((job) => d.active.get(job.id)?.leasesInFlight)).toEqual([4, 4]);
  });

  test('n = 2^53 - 1 is accepted without per-unit state', () => {
    const { d } = setup({ unitSize: 1e9 });
    const job = createJob(d, SIEVE_COUNT, { n: Number.MAX_SAFE_INTEGER }, 128);
    const active = d.active.get(job.id)!;
    expect(active.chunks).toHaveLength(128);
    expect(active.open.size).toBe(0);
    volunteer(d, 'a', 2);
    const leases = grantLeases(d, 'a', 2);
    expect(leases.map((l) => [l.lo, l.hi])).toEqual([
      [1, 1e9],
      [1e9 + 1, 2e9],
    ]);
    expect(active.open.size).toBe(2);
    expect(active.chunks[127]!.hi).toBe(Number.MAX_SAFE_INTEGER);
  });

  test('cancelling revokes the job and withdraws its leases', () => {
    const { d, events } = setup();
    const job = createJob(d, SIEVE_COUNT, { n: 20_000 }, 2);
    volunteer(d, 'a', 2);
    const leases = grantLeases(d, 'a', 2);
    cancelJob(d, job.id);
    expect(job.state).toBe('REVOKED');
    expect(events.revoked).toEqual([{ volunteerId: 'a', leaseIds: leases.map((l) => l.id), reason: 'cancelled by request' }]);
    expect(reportResult(d, 'a', leases[0]!.id, 1229)).toBe('ignored');
    expect(job.state).toBe('REVOKED');
  });

  test('after a restart unfinished jobs resume from their accepted units only', () => {
    const store = makeStore();
    const first = setup({}, store);
    const job = createJob(first.d, SIEVE_COUNT, { n: 100_000 }, 3);
    volunteer(first.d, 'a', 3);
    const leases = grantLeases(first.d, 'a', 3);
    reportResult(first.d, 'a', leases[1]!.id, countPrimes(leases[1]!.lo, leases[1]!.hi));
    grantLeases(first.d, 'a', 1);
    // A new domain over the same store, as after a crash: leases in flight are gone.
    const second = setup({}, store);
    expect(restoreJobs(second.d)).toBe(1);
    const restored = second.d.jobs.get(job.id)!;
    expect(restored).toMatchObject({ state: 'PROGRESS', completedChunks: 0 });
    volunteer(second.d, 'b');
    const seen: number[] = [];
    for (;;) {
      const [lease] = grantLeases(second.d, 'b', 1);
      if (!lease) break;
      seen.push(lease.lo);
      reportResult(second.d, 'b', lease.id, countPrimes(lease.lo, lease.hi));
    }
    expect(seen).not.toContain(leases[1]!.lo);
    expect(restored).toMatchObject({ state: 'SUCCESS', answer: 9592, completedChunks: 3 });
  });

  test("after a restart a job's completed chunks are counted from its accepted units (its row is not written per unit)", async () => {
    const store = makeStore();
    const first = setup({}, store);
    const job = createJob(first.d, SIEVE_COUNT, { n: 100_000 }, 4);
    volunteer(first.d, 'a');
    while (job.completedChunks < 2) {
      const [lease] = grantLeases(first.d, 'a', 1);
      reportResult(first.d, 'a', lease!.id, countPrimes(lease!.lo, lease!.hi));
    }
    await store.flushed();
    const second = setup({}, store);
    expect(restoreJobs(second.d)).toBe(1);
    expect(second.d.jobs.get(job.id)).toMatchObject({ state: 'PROGRESS', completedChunks: 2 });
  });

  test('finished jobs are kept until the result TTL and restored as they ended', () => {
    const store = makeStore();
    const first = setup({}, store);
    const job = createJob(first.d, SIEVE_COUNT, { n: 10_000 }, 1);
    volunteer(first.d, 'a');
    work(first.d, 'a');
    const second = setup({}, store);
    expect(restoreJobs(second.d)).toBe(0);
    expect(second.d.jobs.get(job.id)).toMatchObject({ state: 'SUCCESS', answer: 1229 });
    expect(store.deleteFinishedBefore(job.finishedAt!)).toEqual([]);
    expect(store.deleteFinishedBefore(job.finishedAt! + 1)).toEqual([job.id]);
    expect(store.loadJobs()).toEqual([]);
  });
});
