/**
 * Leases sized to measured throughput, without sockets: a fake clock makes grant-to-report
 * times, hold limits and revocations exact.
 */
import { describe, expect, test } from 'vitest';
import { loadConfig } from '../config.js';
import { createDomain } from '../domain.js';
import { createJob } from '../jobs/create-job.js';
import type { DomainEvents, LeasePolicy } from '../model.js';
import { MemoryJobStore } from '../store/memory-store.js';
import { grantLeases } from './grant-leases.js';
import { DEFAULT_LEASE_LIMITS, type LeaseLimitSettings } from './lease-limits.js';
import { reclaimExpired } from './reclaim-expired.js';
import { renewLeases } from './renew-leases.js';
import { reportResult } from './report-result.js';
import { trustPolicy } from '../trust/trust-state.js';
import { registerVolunteer } from './volunteers.js';
import { SIEVE_COUNT } from '../../shared/kinds/sieve-count/index.js';

const POLICY: LeasePolicy = { unitSize: 10_000, leaseTimeoutMs: 60_000, maxAttempts: 3 };
/** The coordinator's defaults for trust. */
const TRUST = trustPolicy(loadConfig({}));

function setup(limits: Partial<LeaseLimitSettings> = {}) {
  let clock = 1_000_000;
  const revoked: { volunteerId: string; leaseIds: string[]; reason: string }[] = [];
  const events: DomainEvents = {
    jobChanged: () => {},
    workAvailable: () => {},
    unitAccepted: () => {},
    leasesRevoked: (volunteerId, leaseIds, reason) => revoked.push({ volunteerId, leaseIds, reason }),
  };
  const d = createDomain({
    store: new MemoryJobStore(),
    policy: POLICY,
    trust: TRUST,
    leaseLimits: { ...DEFAULT_LEASE_LIMITS, ...limits },
    events,
    now: () => clock,
  });
  // 100 units of 10,000 numbers.
  createJob(d, SIEVE_COUNT, { n: 1_000_000 }, 4);
  return {
    d,
    revoked,
    advance: (ms: number) => (clock += ms),
    now: () => clock,
    // Trusted workers on networks of their own: these tests are about lease limits, not votes.
    volunteer: (id: string, threads: number) => registerVolunteer(d, id, { kind: 'node', threads }, { network: `net-${id}`, trusted: true }),
    held: (id: string) => d.volunteers.get(id)!.leases.size,
  };
}

describe('lease limits', () => {
  test('a new volunteer holds at most NEW_VOLUNTEER_LEASES until it reports, then MAX_THREADS_PER_VOLUNTEER and one prefetched at most', () => {
    const { d, advance, volunteer, held } = setup();
    volunteer('hoarder', 256);
    const [first] = grantLeases(d, 'hoarder', 256);
    expect(held('hoarder')).toBe(2);
    expect(grantLeases(d, 'hoarder', 256)).toEqual([]);
    // A fast report (10,000 numbers in 500 ms) would let it finish hundreds of units per lease
    // timeout; units that long are not batched (see the next test).
    advance(500);
    expect(reportResult(d, 'hoarder', first!.id, 1229)).toBe('accepted');
    expect(grantLeases(d, 'hoarder', 256)).toHaveLength(32);
    expect(held('hoarder')).toBe(33);
  });

  test('after its first report a volunteer holds what its measured pace finishes within the lease timeout', () => {
    const { d, advance, volunteer, held } = setup();
    volunteer('slow', 8);
    const [first] = grantLeases(d, 'slow', 8);
    expect(held('slow')).toBe(2);
    // 10,000 numbers in 40 s with 2 leases held: 500 numbers/s in all, 3 units per 60 s.
    advance(40_000);
    reportResult(d, 'slow', first!.id, 1229);
    expect(grantLeases(d, 'slow', 8)).toHaveLength(2);
    expect(held('slow')).toBe(3);
  });

  test('the claimed thread count (plus its one prefetched unit) still bounds a fast volunteer', () => {
    const { d, advance, volunteer, held } = setup();
    volunteer('small', 3);
    const [first] = grantLeases(d, 'small', 8);
    advance(1_000);
    reportResult(d, 'small', first!.id, 1229);
    grantLeases(d, 'small', 8);
    expect(held('small')).toBe(4);
  });

  test('a volunteer whose units take milliseconds keeps about batchSeconds of its work in hand, at most maxPrefetchLeases beyond its threads', () => {
    const { d, advance, volunteer, held } = setup();
    expect(DEFAULT_LEASE_LIMITS).toMatchObject({ batchSeconds: 0.2, maxPrefetchLeases: 16 });
    volunteer('quick', 1);
    volunteer('medium', 1);
    const [quick] = grantLeases(d, 'quick', 64);
    const [medium] = grantLeases(d, 'medium', 64);
    // Two leases held, one reported after 10 ms: 5 ms per unit, 40 units in 0.2 s, capped at 16 in hand.
    advance(10);
    reportResult(d, 'quick', quick!.id, 1229);
    expect(grantLeases(d, 'quick', 64)).toHaveLength(16);
    expect(held('quick')).toBe(17);
    // 300 ms after its grant: 150 ms per unit, 2 units in 0.2 s.
    advance(290);
    reportResult(d, 'medium', medium!.id, 1229);
    expect(grantLeases(d, 'medium', 64)).toHaveLength(2);
    expect(held('medium')).toBe(3);
  });

  test('heartbeats extend a lease only up to LEASE_HOLD_MIN when nothing is measured; then it is revoked as held too long', () => {
    const { d, advance, volunteer, revoked, now } = setup();
    volunteer('hoarder', 1);
    const [lease] = grantLeases(d, 'hoarder', 1);
    const limit = lease!.grantedAt + DEFAULT_LEASE_LIMITS.holdMinMs;
    expect(lease!.deadline).toBe(lease!.grantedAt + POLICY.leaseTimeoutMs);
    for (let beat = 0; beat < 5; beat++) {
      advance(30_000);
      expect(reclaimExpired(d)).toEqual(now() >= limit ? [lease] : []);
      if (now() >= limit) break;
      expect(renewLeases(d, 'hoarder', [lease!.id])).toEqual({ [lease!.id]: Math.min(now() + POLICY.leaseTimeoutMs, limit) });
    }
    expect(now()).toBe(limit);
    expect(revoked).toEqual([{ volunteerId: 'hoarder', leaseIds: [lease!.id], reason: 'held too long' }]);
    expect(d.leases.size).toBe(0);
    expect(reportResult(d, 'hoarder', lease!.id, 1229)).toBe('ignored');
  });

  test("the hold limit is LEASE_HOLD_FACTOR times the unit's expected time at the swarm's measured pace, and the holder's own once known", () => {
    const { d, advance, volunteer, revoked } = setup({ holdMinMs: 1_000 });
    volunteer('honest', 1);
    volunteer('hoarder', 1);
    const [measured] = grantLeases(d, 'honest', 1);
    advance(500);
    reportResult(d, 'honest', measured!.id, 1229);
    // The swarm sieves a unit in 500 ms, so a unit held past 10 x 500 ms is taken back.
    const [hoarded] = grantLeases(d, 'hoarder', 1);
    expect(renewLeases(d, 'hoarder', [hoarded!.id])).toEqual({ [hoarded!.id]: hoarded!.grantedAt + 5_000 });
    advance(4_999);
    expect(reclaimExpired(d)).toEqual([]);
    advance(1);
    expect(reclaimExpired(d)).toEqual([hoarded]);
    expect(revoked.at(-1)).toMatchObject({ volunteerId: 'hoarder', reason: 'held too long' });
    // After sitting out LEASE_HOLD_MIN, its own pace (2 s per unit) rules once measured.
    advance(1_000);
    const [own] = grantLeases(d, 'hoarder', 1);
    advance(2_000);
    reportResult(d, 'hoarder', own!.id, 1229);
    const [next] = grantLeases(d, 'hoarder', 1);
    expect(d.limits.holdUntil(next!, d.volunteers.get('hoarder'))).toBe(next!.grantedAt + 20_000);
  });

  test('a volunteer that held a unit too long sits out LEASE_HOLD_MIN, then holds few units until it reports', () => {
    const { d, advance, volunteer, held } = setup({ holdMinMs: 1_000 });
    volunteer('v', 32);
    volunteer('other', 1);
    const [first] = grantLeases(d, 'v', 32);
    advance(10);
    reportResult(d, 'v', first!.id, 1229);
    grantLeases(d, 'v', 32);
    expect(held('v')).toBe(33);
    advance(1_000);
    expect(reclaimExpired(d)).toHaveLength(33);
    expect(grantLeases(d, 'v', 32)).toEqual([]);
    // The units it held go to others meanwhile.
    const [taken] = grantLeases(d, 'other', 1);
    expect(taken!.lo).toBe(10_001);
    advance(999);
    expect(grantLeases(d, 'v', 32)).toEqual([]);
    advance(1);
    expect(grantLeases(d, 'v', 32)).toHaveLength(2);
  });
});
