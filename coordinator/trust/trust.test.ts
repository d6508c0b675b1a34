/**
 * The trust rules without sockets: votes, ties, disputes, failures, quarantine of networks
 * and adaptive replication, with the coordinator's default settings and a fake clock.
 * Counts come from the real kernel.
 */
import { afterEach, describe, expect, test } from 'vitest';
import { loadKernel } from '../../shared/sieve/index.js';
import { loadConfig } from '../config.js';
import { createDomain } from '../domain.js';
import { createJob } from '../jobs/create-job.js';
import { viewJob } from '../jobs/job-view.js';
import { grantLeases } from '../leases/grant-leases.js';
import { reportFailure } from '../leases/report-failure.js';
import { reportResult } from '../leases/report-result.js';
import { registerVolunteer } from '../leases/volunteers.js';
import type { ChunkRecord, Domain, JobRecord } from '../model.js';
import { MAX_OPEN_UNITS_PER_JOB } from '../scheduler.js';
import { MemoryJobStore } from '../store/memory-store.js';
import { identifyParty } from './parties.js';
import { createTrustState, trustPolicy, type TrustPolicy } from './trust-state.js';
import { sweepUndecided } from './undecided.js';
import type { TotalVerifier } from './verifier.js';
import { SIEVE_COUNT } from '../../shared/kinds/sieve-count/index.js';

const kernel = await loadKernel();
const countPrimes = (lo: number, hi: number): number => kernel.countPrimes(lo, hi);

const DEFAULTS = trustPolicy(loadConfig({ WORKER_TOKEN: 'the-operators-worker-token' }));
const UNIT = 10_000;

let clock = 1_000_000;
const stores: MemoryJobStore[] = [];
afterEach(() => {
  for (const store of stores.splice(0)) store.close();
});

function setup(trust: Partial<TrustPolicy> = {}, verifier?: TotalVerifier): Domain {
  const store = new MemoryJobStore();
  stores.push(store);
  return createDomain({
    store,
    policy: { unitSize: UNIT, leaseTimeoutMs: 60_000, maxAttempts: 3 },
    trust: { ...DEFAULTS, ...trust },
    ...(verifier ? { verifier } : {}),
    events: { jobChanged: () => {}, workAvailable: () => {}, unitAccepted: () => {}, leasesRevoked: () => {} },
    now: () => clock,
    random: () => 0.5,
  });
}

const truth = new Map<string, number>();
function primes(lo: number, hi: number): number {
  const key = `${lo}:${hi}`;
  let count = truth.get(key);
  if (count === undefined) truth.set(key, (count = countPrimes(lo, hi)));
  return count;
}

function stranger(d: Domain, id: string, network: string) {
  return registerVolunteer(d, id, { kind: 'node', threads: 1 }, { network, trusted: false });
}
function trustedWorker(d: Domain, id: string, network = 'operator-net') {
  return registerVolunteer(d, id, { kind: 'node', threads: 1 }, { network, trusted: true });
}

/** A volunteer's behaviour: the count it reports for its k-th unit (from 1), or 'fail'. */
type Behaviour = (lo: number, hi: number, unitNumber: number) => number | 'fail';
const truthful: Behaviour = (lo, hi) => primes(lo, hi);
const lyingWhen =
  (lie: (unitNumber: number) => boolean, offset = 1): Behaviour =>
  (lo, hi, k) =>
    primes(lo, hi) + (lie(k) ? offset : 0);

/** One lease for one volunteer, computed and reported at once; false when it got none. */
function step(d: Domain, id: string, behaviour: Behaviour, computed: Map<string, number>): boolean {
  const [lease] = grantLeases(d, id, 1);
  if (!lease) return false;
  const k = (computed.get(id) ?? 0) + 1;
  computed.set(id, k);
  const answer = behaviour(lease.lo, lease.hi, k);
  if (answer === 'fail') reportFailure(d, id, lease.id, 'out of memory');
  else reportResult(d, id, lease.id, answer);
  return true;
}

/** Round-robin over the volunteers until the job ends or nobody gets work. */
function drive(d: Domain, job: JobRecord, actors: Record<string, Behaviour>, computed = new Map<string, number>()) {
  for (let round = 0; round < 10_000 && d.active.has(job.id); round++) {
    let anyWork = false;
    for (const [id, behaviour] of Object.entries(actors)) anyWork = step(d, id, behaviour, computed) || anyWork;
    if (!anyWork) break;
  }
  return computed;
}

describe('votes', () => {
  test("a stranger's count alone is never accepted; another network confirms it", () => {
    const d = setup();
    const job = createJob(d, SIEVE_COUNT, { n: UNIT }, 1);
    stranger(d, 'a', 'net-a');
    const [lease] = grantLeases(d, 'a', 1);
    expect(reportResult(d, 'a', lease!.id, 1229)).toBe('recorded');
    expect(job.state).toBe('STARTED');
    expect(viewJob(d, job).waiting).toBe('waiting for a volunteer on another network (or a trusted worker) to confirm [1, 10000]');
    stranger(d, 'b', 'net-b');
    const [confirm] = grantLeases(d, 'b', 1);
    expect(confirm).toMatchObject({ lo: 1, hi: UNIT });
    expect(reportResult(d, 'b', confirm!.id, 1229)).toBe('accepted');
    expect(job).toMatchObject({ state: 'SUCCESS', answer: 1229 });
    expect(viewJob(d, job).waiting).toBeUndefined();
    expect(d.volunteers.get('a')!.confirmedStreak).toBe(1);
  });

  test("a trusted worker's count is accepted alone", () => {
    const d = setup();
    const job = createJob(d, SIEVE_COUNT, { n: 4 * UNIT }, 4);
    trustedWorker(d, 't');
    drive(d, job, { t: truthful });
    expect(job).toMatchObject({ state: 'SUCCESS', answer: 4203 });
  });

  test('one network never votes twice on a unit, nor holds it twice: colluders are outvoted by a trusted worker', () => {
    const d = setup();
    const job = createJob(d, SIEVE_COUNT, { n: 8 * UNIT }, 2);
    stranger(d, 'liar-1', 'net-l');
    stranger(d, 'liar-2', 'net-l');
    const [first] = grantLeases(d, 'liar-1', 1);
    const [second] = grantLeases(d, 'liar-2', 1);
    expect(second!.lo).not.toBe(first!.lo);
    reportResult(d, 'liar-1', first!.id, primes(first!.lo, first!.hi) + 7);
    // The unit liar-1 voted on waits for another network; liar-2 is never given it.
    reportResult(d, 'liar-2', second!.id, primes(second!.lo, second!.hi) + 7);
    for (const lease of [grantLeases(d, 'liar-2', 1)[0], grantLeases(d, 'liar-1', 1)[0]]) {
      expect([first!.lo, second!.lo]).not.toContain(lease!.lo);
      reportResult(d, lease!.volunteerId, lease!.id, primes(lease!.lo, lease!.hi) + 7);
    }
    trustedWorker(d, 'honest');
    drive(d, job, { 'liar-1': lyingWhen(() => true, 7), 'liar-2': lyingWhen(() => true, 7), honest: truthful });
    expect(job).toMatchObject({ state: 'SUCCESS', answer: primes(1, 8 * UNIT) });
    expect(d.volunteers.get('honest')!.quarantined).toBe(false);
    expect(d.volunteers.get('liar-1')!.quarantined).toBe(true);
    expect(d.volunteers.get('liar-2')!.quarantined).toBe(true);
  });

  test('colluders on one network cannot outvote two honest strangers on two others', () => {
    const d = setup();
    const job = createJob(d, SIEVE_COUNT, { n: 20 * UNIT }, 4);
    stranger(d, 'liar-1', 'net-l');
    stranger(d, 'liar-2', 'net-l');
    stranger(d, 'h1', 'net-1');
    stranger(d, 'h2', 'net-2');
    drive(d, job, { 'liar-1': lyingWhen(() => true, 3), 'liar-2': lyingWhen(() => true, 3), h1: truthful, h2: truthful });
    expect(job).toMatchObject({ state: 'SUCCESS', answer: primes(1, 20 * UNIT) });
    expect(d.volunteers.get('h1')!.quarantined).toBe(false);
    expect(d.volunteers.get('h2')!.quarantined).toBe(false);
    expect(d.volunteers.get('liar-2')!.quarantined).toBe(true);
  });
});

describe('ties and disputes', () => {
  function tie() {
    const d = setup();
    const job = createJob(d, SIEVE_COUNT, { n: UNIT }, 1);
    stranger(d, 'a', 'net-a');
    stranger(d, 'b', 'net-b');
    const [la] = grantLeases(d, 'a', 1);
    expect(grantLeases(d, 'b', 1)).toEqual([]);
    reportResult(d, 'a', la!.id, 1229);
    const [lb] = grantLeases(d, 'b', 1);
    expect(reportResult(d, 'b', lb!.id, 1230)).toBe('recorded');
    return { d, job };
  }

  test('one report against one quarantines nobody; a third network decides and the outvoted one is quarantined', () => {
    const { d, job } = tie();
    expect(d.volunteers.get('a')!.quarantined).toBe(false);
    expect(d.volunteers.get('b')!.quarantined).toBe(false);
    expect(d.volunteers.get('a')!.confirmedStreak).toBe(0);
    expect(viewJob(d, job).waiting).toBe(
      'volunteers disagree on [1, 10000]: waiting for a volunteer on a third network or a trusted worker to decide',
    );
    stranger(d, 'c', 'net-c');
    const [lc] = grantLeases(d, 'c', 1);
    expect(reportResult(d, 'c', lc!.id, 1229)).toBe('accepted');
    expect(job).toMatchObject({ state: 'SUCCESS', answer: 1229 });
    expect(d.volunteers.get('b')!.quarantined).toBe(true);
    expect(d.volunteers.get('a')!.quarantined).toBe(false);
  });

  test('a trusted worker decides a tie', () => {
    const { d, job } = tie();
    trustedWorker(d, 't');
    const [lt] = grantLeases(d, 't', 1);
    expect(reportResult(d, 't', lt!.id, 1229)).toBe('accepted');
    expect(job).toMatchObject({ state: 'SUCCESS', answer: 1229 });
    expect(d.volunteers.get('b')!.quarantined).toBe(true);
    expect(d.volunteers.get('a')!.quarantined).toBe(false);
  });

  test('a dispute nobody can decide ends the job in FAILURE after DISPUTE_TIMEOUT, naming the range', () => {
    const { d, job } = tie();
    expect(sweepUndecided(d)).toEqual([]);
    clock += DEFAULTS.disputeTimeoutMs - 1;
    expect(sweepUndecided(d)).toEqual([]);
    clock += 1;
    expect(sweepUndecided(d)).toEqual([job.id]);
    expect(job).toMatchObject({
      state: 'FAILURE',
      error: 'range [1, 10000] could not be decided within 10 min: volunteers disagree on its count',
    });
    expect(d.quarantined.size).toBe(0);
  });

  test('a count nobody on another network can confirm ends its job the same way; the clock stops while someone could', () => {
    const d = setup();
    const job = createJob(d, SIEVE_COUNT, { n: UNIT }, 1);
    stranger(d, 'a', 'net-a');
    const [lease] = grantLeases(d, 'a', 1);
    reportResult(d, 'a', lease!.id, 1229);
    sweepUndecided(d);
    clock += DEFAULTS.disputeTimeoutMs / 2;
    // Someone who could confirm comes and goes: the wait starts over.
    const b = stranger(d, 'b', 'net-b');
    sweepUndecided(d);
    b.lastRequestAt = Number.NEGATIVE_INFINITY;
    sweepUndecided(d);
    clock += DEFAULTS.disputeTimeoutMs - 1;
    expect(sweepUndecided(d)).toEqual([]);
    clock += 1;
    expect(sweepUndecided(d)).toEqual([job.id]);
    expect(job.error).toBe('range [1, 10000] could not be decided within 10 min: no independent volunteer could confirm its count');
  });
});

describe('bounds', () => {
  test('a stranger reporting made-up counts fast opens at most MAX_OPEN_UNITS_PER_JOB units of a job', () => {
    const d = setup();
    const job = createJob(d, SIEVE_COUNT, { n: (MAX_OPEN_UNITS_PER_JOB + 100) * UNIT }, 1);
    stranger(d, 'fast', 'net-f');
    let leased = 0;
    for (let lease = grantLeases(d, 'fast', 1)[0]; lease; lease = grantLeases(d, 'fast', 1)[0]) {
      reportResult(d, 'fast', lease.id, 0);
      leased++;
    }
    expect(leased).toBe(MAX_OPEN_UNITS_PER_JOB);
    expect(d.active.get(job.id)!.open.size).toBe(MAX_OPEN_UNITS_PER_JOB);
    trustedWorker(d, 't');
    expect(grantLeases(d, 't', 1)).toHaveLength(1);
  });
});

describe('failures', () => {
  test('three connections of one network failing every lease cannot fail a job; an honest worker finishes it', () => {
    const d = setup();
    const job = createJob(d, SIEVE_COUNT, { n: 6 * UNIT }, 2);
    for (const id of ['k1', 'k2', 'k3']) stranger(d, id, 'net-k');
    const fail: Behaviour = () => 'fail';
    const computed = drive(d, job, { k1: fail, k2: fail, k3: fail });
    // Each of the 6 units was tried MAX_ATTEMPTS times on that network, then no more.
    expect([...computed.values()].reduce((a, b) => a + b, 0)).toBe(6 * 3);
    expect(job.state).toBe('STARTED');
    sweepUndecided(d);
    expect(viewJob(d, job).waiting).toBe(
      '[1, 10000] failed on every network that could compute it: waiting for a volunteer on another network (or a trusted worker) to try it',
    );
    trustedWorker(d, 'honest');
    drive(d, job, { k1: fail, k2: fail, k3: fail, honest: truthful });
    expect(job).toMatchObject({ state: 'SUCCESS', answer: primes(1, 6 * UNIT) });
  });

  test('a unit only one network fails ends its job after DISPUTE_TIMEOUT, naming the range', () => {
    const d = setup();
    const job = createJob(d, SIEVE_COUNT, { n: UNIT }, 1);
    stranger(d, 'k', 'net-k');
    drive(d, job, { k: () => 'fail' });
    sweepUndecided(d);
    clock += DEFAULTS.disputeTimeoutMs;
    sweepUndecided(d);
    expect(job).toMatchObject({
      state: 'FAILURE',
      error: 'range [1, 10000] could not be decided within 10 min: its computation failed and no volunteer on another network could try it',
    });
  });

  test('failures on MAX_ATTEMPTS networks fail the job', () => {
    const d = setup();
    const job = createJob(d, SIEVE_COUNT, { n: UNIT }, 1);
    for (const id of ['a', 'b', 'c']) stranger(d, id, `net-${id}`);
    drive(d, job, { a: () => 'fail', b: () => 'fail', c: () => 'fail' });
    expect(job).toMatchObject({
      state: 'FAILURE',
      error: 'range [1, 10000] failed on 3 independent volunteers; last error: out of memory',
    });
  });
});

describe('quarantine', () => {
  test("a caught volunteer's network is refused work until QUARANTINE_TIME passes; trusted workers there are not", () => {
    const d = setup();
    const job = createJob(d, SIEVE_COUNT, { n: 100 * UNIT }, 4);
    stranger(d, 'liar', 'net-l');
    stranger(d, 'sibling', 'net-l');
    trustedWorker(d, 'local', 'net-l');
    stranger(d, 'h', 'net-h');
    const [lie] = grantLeases(d, 'liar', 1);
    reportResult(d, 'liar', lie!.id, 0);
    const [check] = grantLeases(d, 'local', 1);
    expect(check!.lo).toBe(lie!.lo);
    reportResult(d, 'local', check!.id, primes(check!.lo, check!.hi));
    expect(d.volunteers.get('liar')!.quarantined).toBe(true);
    expect(d.volunteers.get('sibling')!.quarantined).toBe(true);
    expect(grantLeases(d, 'sibling', 1)).toEqual([]);
    expect(grantLeases(d, 'local', 1)).toHaveLength(1);
    stranger(d, 'newcomer', 'net-l');
    expect(grantLeases(d, 'newcomer', 1)).toEqual([]);
    expect(grantLeases(d, 'h', 1)).toHaveLength(1);
    clock += DEFAULTS.quarantineMs;
    stranger(d, 'later', 'net-l');
    expect(grantLeases(d, 'later', 1)).toHaveLength(1);
    expect(d.active.has(job.id)).toBe(true);
  });
});

describe('occasional liars with the default settings', () => {
  const strategies: [string, (k: number) => boolean][] = [
    ['1 unit in 50', (k) => k % 50 === 0],
    ['1 unit in 10', (k) => k % 10 === 0],
    ['only after 100 honest units', (k) => k > 100],
  ];

  test.each(strategies)('a liar on %s never makes a job succeed with a wrong count', (_name, lieOn) => {
    const d = setup();
    stranger(d, 'liar', 'net-l');
    stranger(d, 'h1', 'net-1');
    stranger(d, 'h2', 'net-2');
    const computed = new Map<string, number>();
    const n = 40 * UNIT;
    for (let i = 0; i < 20; i++) {
      const job = createJob(d, SIEVE_COUNT, { n: n }, 4);
      drive(d, job, { liar: lyingWhen(lieOn), h1: truthful, h2: truthful }, computed);
      expect(job).toMatchObject({ state: 'SUCCESS', answer: primes(1, n) });
    }
    expect(d.volunteers.get('liar')!.quarantined).toBe(true);
    expect(d.volunteers.get('h1')!.quarantined).toBe(false);
    expect(d.volunteers.get('h2')!.quarantined).toBe(false);
  });

  test('with one honest stranger only, a liar makes jobs wait and fail, never succeed wrong', () => {
    const d = setup();
    stranger(d, 'liar', 'net-l');
    stranger(d, 'h', 'net-h');
    const job = createJob(d, SIEVE_COUNT, { n: 40 * UNIT }, 4);
    drive(d, job, { liar: lyingWhen((k) => k % 10 === 0), h: truthful });
    expect(job.state).not.toBe('SUCCESS');
    expect(viewJob(d, job).waiting).toMatch(/^volunteers disagree on \[/);
    sweepUndecided(d);
    clock += DEFAULTS.disputeTimeoutMs;
    sweepUndecided(d);
    expect(job.state).toBe('FAILURE');
    expect(job.answer).toBeUndefined();
  });
});

describe('adaptive replication with a verified total', () => {
  /** Stands for the combinatorial pi(x) check: recounts each chunk with the kernel. */
  function kernelVerifier(): TotalVerifier & { runs: number } {
    const verifier = {
      runs: 0,
      verifiedBy: 'a recount of each chunk by the kernel',
      canVerify: () => true,
      verifyTotal: (_job: JobRecord, chunks: readonly ChunkRecord[]) => {
        verifier.runs++;
        const wrongChunks = chunks.filter((chunk) => primes(chunk.lo, chunk.hi) !== chunk.accumulator).map((chunk) => chunk.index);
        return wrongChunks.length === 0 ? { ok: true as const } : { ok: false as const, wrongChunks };
      },
    };
    return verifier;
  }

  test('reputable strangers work alone; a liar among them is caught by the verified total and the job is exact', () => {
    const verifier = kernelVerifier();
    const d = setup({ spotCheckRate: 0 }, verifier);
    stranger(d, 'liar', 'net-l');
    stranger(d, 'h1', 'net-1');
    stranger(d, 'h2', 'net-2');
    const computed = new Map<string, number>();
    const n = 150 * UNIT;
    const job = createJob(d, SIEVE_COUNT, { n: n }, 4);
    drive(d, job, { liar: lyingWhen((k) => k > 30), h1: truthful, h2: truthful }, computed);
    expect(job).toMatchObject({ state: 'SUCCESS', answer: primes(1, n) });
    expect(d.volunteers.get('liar')!.quarantined).toBe(true);
    expect(d.volunteers.get('h1')!.quarantined).toBe(false);
    expect(d.volunteers.get('h2')!.quarantined).toBe(false);
    expect(verifier.runs).toBeGreaterThanOrEqual(2);
    // Fewer computations than full replication (2 per unit) once they had standing.
    const total = [...computed.values()].reduce((a, b) => a + b, 0);
    expect(total).toBeLessThan(2 * 150);
  });

  test("without a verifier, a stranger's standing never lets its word alone decide", () => {
    const d = setup({ spotCheckRate: 0, trustAfter: 1 });
    stranger(d, 'a', 'net-a');
    stranger(d, 'b', 'net-b');
    const computed = drive(d, createJob(d, SIEVE_COUNT, { n: 20 * UNIT }, 2), { a: truthful, b: truthful });
    expect((computed.get('a') ?? 0) + (computed.get('b') ?? 0)).toBe(40);
  });
});

describe('parties', () => {
  test("the operator's token makes a worker trusted; a wrong one is refused, a missing one makes a stranger", () => {
    const withPolicy = (policy: Partial<TrustPolicy>) => ({ trust: createTrustState({ ...DEFAULTS, ...policy }) });
    const d = withPolicy({});
    expect(identifyParty(d, '203.0.113.5', 'the-operators-worker-token')).toEqual({ network: '203.0.113.0/24', trusted: true });
    expect(identifyParty(d, '203.0.113.5', 'the-operators-worker-tokeN')).toBeUndefined();
    expect(identifyParty(d, '203.0.113.5', undefined)).toEqual({ network: '203.0.113.0/24', trusted: false });
    expect(identifyParty(withPolicy({ workerToken: undefined }), '203.0.113.5', 'anything')).toBeUndefined();
    const privateSwarm = withPolicy({ trustedNetworks: ['10.0.0.0/8'] });
    expect(identifyParty(privateSwarm, '10.1.2.3', undefined)).toEqual({ network: '10.1.2.0/24', trusted: true });
    expect(identifyParty(withPolicy({ trustedNetworks: ['*'] }), '198.51.100.1', undefined)?.trusted).toBe(true);
  });
});
