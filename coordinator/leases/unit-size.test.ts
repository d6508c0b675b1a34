/**
 * Units sized per volunteer, without sockets: a fake clock makes each volunteer's measured
 * speed exact, and the sieve cost model says what each unit should cost.
 */
import { describe, expect, test } from 'vitest';
import { SIEVE_COUNT } from '../../shared/kinds/sieve-count/index.js';
import { sieveUnitSeconds } from '../../shared/kinds/sieve-cost.js';
import { loadConfig } from '../config.js';
import { createDomain } from '../domain.js';
import { createJob } from '../jobs/create-job.js';
import type { DomainEvents, LeasePolicy, LeaseState } from '../model.js';
import { MemoryJobStore } from '../store/memory-store.js';
import { trustPolicy } from '../trust/trust-state.js';
import { grantLeases } from './grant-leases.js';
import { reportResult } from './report-result.js';
import { DEFAULT_UNIT_SECONDS, FIRST_UNIT_SECONDS, MAX_THREAD_SPEED, MIN_UNIT_SECONDS } from './unit-size.js';
import { registerVolunteer } from './volunteers.js';

const EVENTS: DomainEvents = { jobChanged: () => {}, workAvailable: () => {}, unitAccepted: () => {}, leasesRevoked: () => {} };

function setup(policy: Partial<LeasePolicy> = {}) {
  let clock = 1_000_000;
  const d = createDomain({
    store: new MemoryJobStore(),
    policy: { unitSize: undefined, leaseTimeoutMs: 60_000, maxAttempts: 3, ...policy },
    trust: trustPolicy(loadConfig({})),
    events: EVENTS,
    now: () => clock,
  });
  return {
    d,
    advance: (ms: number) => (clock += ms),
    // Trusted workers on networks of their own: these tests are about sizes, not votes.
    volunteer: (id: string, threads = 1) => registerVolunteer(d, id, { kind: 'node', threads }, { network: `net-${id}`, trusted: true }),
    grant: (id: string) => {
      const [lease] = grantLeases(d, id, 1);
      if (!lease) throw new Error(`no lease for ${id}`);
      return lease;
    },
  };
}

const seconds = (lease: LeaseState) => sieveUnitSeconds(lease.lo, lease.hi);

describe('unit size', () => {
  test("a new volunteer's first unit is short; its next ones take UNIT_SECONDS at its own measured speed", () => {
    const { d, advance, volunteer, grant } = setup();
    // pi(1e15): far more work than 64 units of UNIT_SECONDS, so nothing but speed sizes its units.
    createJob(d, SIEVE_COUNT, { n: 1e15 }, 4);
    volunteer('fast');
    volunteer('slow');
    const fastFirst = grant('fast');
    const slowFirst = grant('slow');
    expect(seconds(fastFirst)).toBeCloseTo(FIRST_UNIT_SECONDS, 2);
    expect(seconds(slowFirst)).toBeCloseTo(FIRST_UNIT_SECONDS, 2);
    expect(fastFirst.cost).toBeCloseTo(FIRST_UNIT_SECONDS, 2);
    // 2 reference seconds in 1 s: twice the reference thread; the slow one, in 8 s: a quarter of it.
    advance(1_000);
    reportResult(d, 'fast', fastFirst.id, 0);
    const fastNext = grant('fast');
    expect(seconds(fastNext)).toBeCloseTo(2 * DEFAULT_UNIT_SECONDS, 1);
    expect(fastNext.lo).toBe(slowFirst.hi + 1);
    advance(7_000);
    reportResult(d, 'slow', slowFirst.id, 0);
    expect(seconds(grant('slow'))).toBeCloseTo(DEFAULT_UNIT_SECONDS / 4, 2);
  });

  test('a volunteer that answers implausibly fast gets units of at most MAX_THREAD_SPEED times UNIT_SECONDS', () => {
    const { d, advance, volunteer, grant } = setup();
    createJob(d, SIEVE_COUNT, { n: 1e15 }, 4);
    volunteer('liar');
    const first = grant('liar');
    // 2 reference seconds answered in 1 ms: a thousand times the reference thread.
    advance(1);
    reportResult(d, 'liar', first.id, 0);
    expect(seconds(grant('liar'))).toBeCloseTo(MAX_THREAD_SPEED * DEFAULT_UNIT_SECONDS, 1);
  });

  test('UNIT_SECONDS sets the target; a volunteer that reports again is resized from its smoothed pace', () => {
    const { d, advance, volunteer, grant } = setup({ unitSeconds: 10 });
    createJob(d, SIEVE_COUNT, { n: 1e15 }, 4);
    volunteer('v');
    const first = grant('v');
    advance(2_000);
    reportResult(d, 'v', first.id, 0);
    const second = grant('v');
    expect(seconds(second)).toBeCloseTo(10, 2);
    // It slowed down to half the reference: the smoothed speed moves 30% of the way there.
    advance(20_000);
    reportResult(d, 'v', second.id, 0);
    expect(seconds(grant('v'))).toBeCloseTo(10 * (1 + 0.3 * (0.5 - 1)), 2);
  });

  test("a unit never runs past its chunk's end", () => {
    const { d, advance, volunteer, grant } = setup();
    // 1e12 in 1,000 chunks of 1e9 numbers: each chunk is well under one unit of this volunteer.
    createJob(d, SIEVE_COUNT, { n: 1e12 }, 1_000);
    volunteer('v');
    const first = grant('v');
    expect([first.lo, first.hi]).toEqual([1, 1e9]);
    advance(100);
    reportResult(d, 'v', first.id, 0);
    const second = grant('v');
    expect([second.lo, second.hi]).toEqual([1e9 + 1, 2e9]);
  });

  test('a small job is still cut into many units, none shorter than the minimum', () => {
    const { d, advance, volunteer, grant } = setup();
    // pi(1e11) is about 20 reference seconds: 64 units of it are under a volunteer's 30 s.
    createJob(d, SIEVE_COUNT, { n: 1e11 }, 1);
    const share = sieveUnitSeconds(1, 1e11) / 64;
    volunteer('v');
    const first = grant('v');
    expect(seconds(first)).toBeCloseTo(share, 2);
    advance(10);
    reportResult(d, 'v', first.id, 0);
    expect(seconds(grant('v'))).toBeCloseTo(share, 2);
    // pi(1e10) is far less than 64 minimum units: its units are MIN_UNIT_SECONDS.
    const small = setup();
    createJob(small.d, SIEVE_COUNT, { n: 1e10 }, 1);
    small.volunteer('v');
    expect(seconds(small.grant('v'))).toBeCloseTo(MIN_UNIT_SECONDS, 2);
  });

  test('UNIT_SIZE forces fixed units whatever the speed', () => {
    const { d, advance, volunteer, grant } = setup({ unitSize: 12_345 });
    createJob(d, SIEVE_COUNT, { n: 1e15 }, 4);
    volunteer('v');
    const first = grant('v');
    expect(first.hi - first.lo + 1).toBe(12_345);
    advance(1);
    reportResult(d, 'v', first.id, 0);
    const second = grant('v');
    expect([second.lo, second.hi]).toEqual([12_346, 24_690]);
  });
});
