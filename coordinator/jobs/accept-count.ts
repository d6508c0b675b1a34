import { JobState } from '../../shared/api.js';
import { revokeLeases } from '../leases/release-lease.js';
import type { AcceptedUnit, ActiveJob, Domain, OpenUnit, UnitResult } from '../model.js';
import { advanceState } from './job-state.js';

/**
 * Adds a decided unit's count to its chunk, durably, and closes the unit. An audit replaces
 * the count it re-checked instead of adding one.
 *
 * Invariant: a unit's count is added exactly once: the unit leaves `open` here, so no later
 * report can reach it.
 */
export function acceptCount(
  d: Domain,
  job: ActiveJob,
  unit: OpenUnit,
  decided: { result: UnitResult; key: string; supporters: string[]; confirmed: boolean },
): void {
  job.open.delete(unit.key);
  revokeLeases(d, unit.leases, 'unit already settled');
  const chunk = job.chunks[unit.chunkIndex]!;
  const auditAgrees = unit.audit?.key === decided.key;
  const accepted: AcceptedUnit = {
    jobId: job.record.id,
    chunkIndex: unit.chunkIndex,
    lo: unit.lo,
    hi: unit.hi,
    count: decided.result,
    volunteerIds: auditAgrees
      ? [...decided.supporters, ...unit.audit!.voters.map((voter) => voter.volunteerId)]
      : decided.supporters,
    confirmed: decided.confirmed || auditAgrees,
  };
  if (unit.audit) {
    chunk.count += decided.result - unit.audit.result;
    d.store.correctUnit(accepted, chunk);
  } else {
    chunk.count += decided.result;
    chunk.doneNumbers += unit.hi - unit.lo + 1;
    if (chunk.doneNumbers === chunk.hi - chunk.lo + 1) job.record.completedChunks++;
    advanceState(d, job.record, JobState.Progress);
    d.store.acceptUnit(accepted, chunk, job.record);
    d.events.unitAccepted(job.record.id, unit.hi - unit.lo + 1);
  }
  for (const volunteerId of decided.supporters) {
    const state = d.volunteers.get(volunteerId);
    if (state) state.unitsCompleted++;
  }
}
