import { JobState } from '../../shared/api.js';
import { succeedIfComplete } from '../jobs/finish-job.js';
import { advanceState } from '../jobs/job-state.js';
import type { AcceptedUnit, ActiveJob, Domain, OpenUnit } from '../model.js';
import { anyoneElseCanCompute, bestAgreement } from '../scheduler.js';
import { quarantine } from './quarantine.js';
import { dropLease, revokeLeases } from './release-lease.js';

export type ReportOutcome = 'accepted' | 'recorded' | 'ignored';

/**
 * Records a volunteer's count for a lease it holds.
 *
 * Invariant: a unit's count is added exactly once. Only the live lease's holder may report;
 * a report for an unknown, expired, withdrawn or already-accepted lease is ignored, and the
 * unit leaves `open` the moment its count is accepted, so no later report can add it again.
 */
export function reportResult(d: Domain, volunteerId: string, leaseId: string, count: number): ReportOutcome {
  const lease = d.leases.get(leaseId);
  if (!lease || lease.volunteerId !== volunteerId) return 'ignored';
  const holder = d.volunteers.get(volunteerId);
  if (holder) d.limits.reported(lease, holder, d.now());
  const job = d.active.get(lease.jobId);
  const unit = job?.open.get(lease.unitKey);
  dropLease(d, lease);
  if (!job || !unit) return 'ignored';
  unit.reports.set(volunteerId, count);
  if (settle(d, job, unit)) return 'accepted';
  // Another opinion is needed: idle volunteers should ask.
  d.events.workAvailable();
  return 'recorded';
}

/** Accepts the unit's count if enough reports agree; otherwise asks for more. */
export function settle(d: Domain, job: ActiveJob, unit: OpenUnit): boolean {
  const best = bestAgreement(unit);
  if (!best) return false;
  const disagreement = best.volunteers.length < unit.reports.size;
  if (disagreement) unit.quorum = Math.max(unit.quorum, 2);
  const nobodyElseCanCheck = unit.spotCheck && !disagreement && !anyoneElseCanCompute(d, unit);
  if (best.volunteers.length < unit.quorum && !nobodyElseCanCheck) return false;
  accept(d, job, unit, best.count, best.volunteers);
  return true;
}

function accept(d: Domain, job: ActiveJob, unit: OpenUnit, count: number, agreeing: string[]): void {
  job.open.delete(unit.key);
  revokeLeases(d, unit.leases, 'unit already settled');

  const chunk = job.chunks[unit.chunkIndex]!;
  const accepted: AcceptedUnit = {
    jobId: job.record.id,
    chunkIndex: unit.chunkIndex,
    lo: unit.lo,
    hi: unit.hi,
    count,
    volunteerIds: unit.audit?.count === count ? [...agreeing, unit.audit.volunteerId] : agreeing,
    confirmed: agreeing.length >= 2 || unit.audit?.count === count,
  };
  if (unit.audit) {
    chunk.count += count - unit.audit.count;
    d.store.correctUnit(accepted, chunk);
  } else {
    chunk.count += count;
    chunk.doneNumbers += unit.hi - unit.lo + 1;
    if (chunk.doneNumbers === chunk.hi - chunk.lo + 1) job.record.completedChunks++;
    advanceState(d, job.record, JobState.Progress);
    d.store.acceptUnit(accepted, chunk, job.record);
    d.events.unitAccepted(job.record.id, unit.hi - unit.lo + 1);
  }
  for (const volunteer of agreeing) {
    const state = d.volunteers.get(volunteer);
    if (state) state.unitsCompleted++;
  }
  // Anyone who reported another count for a settled unit lied or is broken.
  for (const [volunteer, reported] of unit.reports) {
    if (reported !== count) quarantine(d, volunteer);
  }
  if (unit.audit && unit.audit.count !== count) quarantine(d, unit.audit.volunteerId);
  if (!succeedIfComplete(d, job)) d.events.jobChanged(job.record.id);
}
