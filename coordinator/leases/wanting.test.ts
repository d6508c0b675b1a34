/**
 * Grants look only at the units that want a lease (wanting.ts). With thousands of open
 * units and leases, the index must agree with the rules it replaces and every grant must
 * still honour the trust rules.
 */
import { expect, test } from 'vitest';
import { SIEVE_COUNT } from '../../shared/kinds/sieve-count/index.js';
import { loadConfig } from '../config.js';
import { createDomain } from '../domain.js';
import { createJob } from '../jobs/create-job.js';
import type { ActiveJob, Domain, OpenUnit } from '../model.js';
import { MAX_OPEN_UNITS_PER_JOB } from '../scheduler.js';
import { MemoryJobStore } from '../store/memory-store.js';
import { trustedLeaseInFlight } from '../trust/parties.js';
import { trustPolicy } from '../trust/trust-state.js';
import { groupVotes, votesMissing } from '../trust/votes.js';
import { grantLeases } from './grant-leases.js';
import { reportResult } from './report-result.js';
import { registerVolunteer } from './volunteers.js';
import { WantRank } from './wanting.js';

const UNIT = 100;
const clock = 1_000_000;

function setup(): Domain {
  return createDomain({
    store: new MemoryJobStore(),
    policy: { unitSize: UNIT, leaseTimeoutMs: 60_000, maxAttempts: 3 },
    trust: { ...trustPolicy(loadConfig({})), spotCheckRate: 0 },
    leaseLimits: { newVolunteerLeases: 256, maxThreadsPerVolunteer: 256, holdFactor: 10, holdMinMs: 60_000, prefetchLeases: 0, batchSeconds: 0, maxPrefetchLeases: 0 },
    events: { jobChanged: () => {}, workAvailable: () => {}, unitAccepted: () => {}, leasesRevoked: () => {} },
    now: () => clock,
    random: () => 0.5,
  });
}

/** What the index replaced: the rank computed from scratch by the rules in votes.ts. */
function expectedRank(d: Domain, unit: OpenUnit): WantRank {
  if (trustedLeaseInFlight(d, unit) || unit.leases.size >= votesMissing(unit, d.trust.policy.quorum)) return WantRank.None;
  if (unit.votes.size === 0) return WantRank.Fresh;
  return groupVotes(unit.votes).length > 1 ? WantRank.Disputed : WantRank.Confirming;
}

function wantingUnits(job: ActiveJob, rank: 0 | 1 | 2): number {
  return [...job.wanting[rank].values()].reduce((sum, group) => sum + group.units.size, 0);
}

function expectIndexAgrees(d: Domain, job: ActiveJob): void {
  const disagreeing: string[] = [];
  let indexed = 0;
  for (const unit of job.open.values()) {
    const rank = expectedRank(d, unit);
    const group = rank === WantRank.None ? undefined : job.wanting[rank].get(unit.want?.blocked ?? '');
    if ((unit.want?.rank ?? WantRank.None) !== rank || (rank !== WantRank.None && !group?.units.has(unit))) disagreeing.push(unit.key);
    if (rank !== WantRank.None) indexed++;
  }
  expect(disagreeing).toEqual([]);
  expect(job.wanting.flatMap((groups) => [...groups.values()]).reduce((sum, group) => sum + group.units.size, 0)).toBe(indexed);
}

test('with thousands of open units and leases, grants follow the trust rules and the index agrees with them', () => {
  const d = setup();
  // Trusted workers hold 2,000 leases of one job: units nobody else may take while it computes.
  const heldRecord = createJob(d, SIEVE_COUNT, { n: 1_000_000 }, 4);
  const heldJob = d.active.get(heldRecord.id)!;
  const held = new Set<string>();
  for (let i = 0; i < 8; i++) {
    registerVolunteer(d, `holder${i}`, { kind: 'node', threads: 256 }, { network: 'operator', trusted: true });
    for (const lease of grantLeases(d, `holder${i}`, 250)) held.add(lease.unitKey);
  }
  expect(held.size).toBe(2000);
  expect(heldJob.open.size).toBe(2000);
  expect(heldJob.leasesInFlight).toBe(2000);

  // 1,000 strangers of one network each take a unit of another job and vote on it: 1,000
  // units wait for a confirmation from another network.
  const record = createJob(d, SIEVE_COUNT, { n: 1_000_000 }, 4);
  const job = d.active.get(record.id)!;
  for (let i = 0; i < 1000; i++) {
    const id = `s${i}`;
    registerVolunteer(d, id, { kind: 'node', threads: 1 }, { network: 'net-crowd', trusted: false });
    const [lease] = grantLeases(d, id, 1);
    expect(lease?.jobId).toBe(record.id);
    expect(reportResult(d, id, lease!.id, 7)).toBe('recorded');
  }
  expect(wantingUnits(job, WantRank.Confirming)).toBe(1000);
  expectIndexAgrees(d, heldJob);
  expectIndexAgrees(d, job);

  // A dispute: a stranger on a new network disagrees with one waiting count.
  registerVolunteer(d, 'dissenter', { kind: 'node', threads: 1 }, { network: 'net-dissent', trusted: false });
  const [disputedLease] = grantLeases(d, 'dissenter', 1);
  expect(reportResult(d, 'dissenter', disputedLease!.id, 8)).toBe('recorded');
  const disputed = job.open.get(disputedLease!.unitKey)!;
  expect(groupVotes(disputed.votes)).toHaveLength(2);
  expectIndexAgrees(d, job);

  // A trusted worker takes the disputed unit first, then units waiting for confirmation.
  registerVolunteer(d, 'judge', { kind: 'node', threads: 4 }, { network: 'operator', trusted: true });
  const [first, second] = grantLeases(d, 'judge', 2);
  expect(first!.unitKey).toBe(disputed.key);
  expect(job.open.get(second!.unitKey)!.votes.size).toBe(1);
  expect(second!.jobId).toBe(record.id);

  // A stranger on a network that already voted never gets a unit its network voted on or
  // holds, nor one a trusted worker holds.
  registerVolunteer(d, 'same-net', { kind: 'node', threads: 64 }, { network: 'net-crowd', trusted: false });
  const sameNet = grantLeases(d, 'same-net', 64);
  // Only fresh units are left for it, as many as the open-unit cap still allows.
  expect(sameNet.length).toBe(MAX_OPEN_UNITS_PER_JOB - 1000);
  for (const lease of sameNet) {
    expect(lease.jobId).toBe(record.id);
    const unit = job.open.get(lease.unitKey)!;
    expect(unit.votes.size).toBe(0);
    expect(unit.leases.size).toBe(1);
  }
  expectIndexAgrees(d, heldJob);
  expectIndexAgrees(d, job);

  // Confirmations settle units and take them out of the index.
  registerVolunteer(d, 'confirmer', { kind: 'node', threads: 256 }, { network: 'net-confirm', trusted: false });
  let accepted = 0;
  for (const lease of grantLeases(d, 'confirmer', 256)) {
    if (job.open.get(lease.unitKey)!.votes.size === 1 && reportResult(d, 'confirmer', lease.id, 7) === 'accepted') accepted++;
  }
  expect(accepted).toBe(256);
  expect(wantingUnits(job, WantRank.Confirming)).toBe(1000 - 1 - 1 - 256);
  expectIndexAgrees(d, heldJob);
  expectIndexAgrees(d, job);
});
