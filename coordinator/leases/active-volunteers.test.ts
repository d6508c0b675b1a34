/**
 * "May anyone taking work still vote on this unit?" is answered from an index of the active
 * volunteers (active-volunteers.ts). Through random grants, votes, disagreements (and the
 * quarantines they cause), failures, releases, disconnections and time passing, it must
 * agree with the rule it replaced: a scan of every connected volunteer.
 */
import { expect, test } from 'vitest';
import { SIEVE_COUNT } from '../../shared/kinds/sieve-count/index.js';
import { loadConfig } from '../config.js';
import { createDomain } from '../domain.js';
import { createJob } from '../jobs/create-job.js';
import type { Domain, OpenUnit } from '../model.js';
import { MemoryJobStore } from '../store/memory-store.js';
import { mayVote } from '../trust/parties.js';
import { trustPolicy } from '../trust/trust-state.js';
import { sweepUndecided } from '../trust/undecided.js';
import { ACTIVE_WINDOW_MS, isActive, someoneMayVote } from './active-volunteers.js';
import { grantLeases } from './grant-leases.js';
import { releaseLeases } from './release-lease.js';
import { reportFailure } from './report-failure.js';
import { reportResult } from './report-result.js';
import { registerVolunteer, removeVolunteer } from './volunteers.js';

const UNIT = 100;

function setup(now: () => number): Domain {
  return createDomain({
    store: new MemoryJobStore(),
    policy: { unitSize: UNIT, leaseTimeoutMs: 60_000, maxAttempts: 3 },
    trust: { ...trustPolicy(loadConfig({})), spotCheckRate: 0, disputeTimeoutMs: 0 },
    leaseLimits: { newVolunteerLeases: 4, maxThreadsPerVolunteer: 4, holdFactor: 10, holdMinMs: 60_000, prefetchLeases: 0, batchSeconds: 0, maxPrefetchLeases: 0 },
    events: { jobChanged: () => {}, workAvailable: () => {}, unitAccepted: () => {}, leasesRevoked: () => {} },
    now,
    random: () => 0.5,
  });
}

/** The rule the index replaced: every connected volunteer looked at. */
function scanAll(d: Domain, unit: OpenUnit, avoid?: ReadonlyMap<string, unknown>): boolean {
  for (const volunteer of d.volunteers.values()) {
    if (isActive(d, volunteer) && mayVote(d, unit, volunteer) && !avoid?.has(volunteer.network)) return true;
  }
  return false;
}

/** A small deterministic generator, so a failure can be replayed. */
function generator(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
    return state / 2 ** 31;
  };
}

test('through random grants, votes, quarantines, failures, releases, departures and time, the index answers as a scan of every volunteer', () => {
  let clock = 1_000_000;
  const d = setup(() => clock);
  const random = generator(12);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  createJob(d, SIEVE_COUNT, { n: 400 * UNIT }, 4);
  let next = 0;
  const join = () => {
    const id = `v${next++}`;
    // Some compute other kinds only: they never count for this job's units.
    const kinds = random() < 0.2 ? ['twin-count'] : random() < 0.5 ? [SIEVE_COUNT, 'twin-count'] : [SIEVE_COUNT];
    registerVolunteer(d, id, { kind: 'node', threads: 2, kinds }, { network: `net-${Math.floor(random() * 6)}`, trusted: random() < 0.1 });
  };
  for (let i = 0; i < 40; i++) join();

  let compared = 0;
  let someone = 0;
  for (let round = 0; round < 1000; round++) {
    if (d.active.size === 0) createJob(d, SIEVE_COUNT, { n: 400 * UNIT }, 4);
    const volunteers = [...d.volunteers.values()];
    const volunteer = pick(volunteers);
    const action = random();
    if (action < 0.55) {
      for (const lease of grantLeases(d, volunteer.id, 1 + Math.floor(random() * 2))) {
        const roll = random();
        // Mostly the same (made-up) answer per unit; sometimes a wrong one, which makes ties and quarantines.
        if (roll < 0.6) reportResult(d, volunteer.id, lease.id, lease.lo % 97 + (random() < 0.02 ? 1 : 0));
        else if (roll < 0.75) reportFailure(d, volunteer.id, lease.id, 'crashed');
      }
    } else if (action < 0.65) {
      releaseLeases(d, volunteer.id, [...volunteer.leases]);
    } else if (action < 0.72) {
      removeVolunteer(d, volunteer.id);
      join();
    } else {
      clock += Math.floor(random() * ACTIVE_WINDOW_MS * 0.4);
    }
    sweepUndecided(d);
    for (const job of d.active.values()) {
      for (const unit of job.open.values()) {
        const expected = scanAll(d, unit);
        expect(someoneMayVote(d, unit), `unit ${unit.key} in round ${round}`).toBe(expected);
        expect(someoneMayVote(d, unit, unit.failedOn)).toBe(scanAll(d, unit, unit.failedOn));
        compared++;
        if (expected) someone++;
      }
    }
  }
  // The run covered both answers, many times.
  expect(compared).toBeGreaterThan(10_000);
  expect(someone).toBeGreaterThan(2000);
  expect(compared - someone).toBeGreaterThan(1000);
  expect(d.quarantined.size).toBeGreaterThan(0);
});

test('10,000 volunteers of one network and 1,000 counts waiting for another network: each answer looks at the index, not at the crowd', () => {
  const clock = 1_000_000;
  const d = setup(() => clock);
  const record = createJob(d, SIEVE_COUNT, { n: 1000 * UNIT }, 4);
  const job = d.active.get(record.id)!;
  for (let i = 0; i < 1000; i++) {
    registerVolunteer(d, `voter${i}`, { kind: 'node', threads: 1 }, { network: 'net-crowd', trusted: false });
    const [lease] = grantLeases(d, `voter${i}`, 1);
    expect(reportResult(d, `voter${i}`, lease!.id, 7)).toBe('recorded');
  }
  for (let i = 0; i < 9000; i++) registerVolunteer(d, `idle${i}`, { kind: 'node', threads: 1 }, { network: 'net-crowd', trusted: false });
  const waiting = [...job.open.values()];
  expect(waiting).toHaveLength(1000);
  // Nobody may confirm: every unit is stalled, and the index says so as the scan does.
  for (const unit of waiting.slice(0, 20)) expect(scanAll(d, unit)).toBe(false);
  for (const unit of waiting) expect(someoneMayVote(d, unit)).toBe(false);
  expect(d.activeVolunteers.byKind.get(SIEVE_COUNT)?.size).toBe(1);
  sweepUndecided(d);
  expect(waiting.every((unit) => unit.waitingSince === clock)).toBe(true);
  // One volunteer of another network arrives: every unit has someone again.
  registerVolunteer(d, 'confirmer', { kind: 'node', threads: 1 }, { network: 'net-other', trusted: false });
  for (const unit of waiting) expect(someoneMayVote(d, unit)).toBe(true);
  sweepUndecided(d);
  expect(waiting.every((unit) => unit.waitingSince === undefined)).toBe(true);
});
