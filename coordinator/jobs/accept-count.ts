import { JobState } from '../../shared/api.js';
import type { AnyJobKind, JsonValue } from '../../shared/kinds/job-kind.js';
import { kindNamed } from '../../shared/kinds/registry.js';
import { revokeLeases } from '../leases/release-lease.js';
import { indexUnit } from '../leases/wanting.js';
import type { AcceptedUnit, ActiveJob, Domain, OpenUnit, UnitResult } from '../model.js';
import { advanceState } from './job-state.js';

/**
 * A chunk's accumulator from its accepted units, folded in ascending order (the store's
 * `unitsOfChunk` order): what an audit and a restart rebuild a chunk from.
 */
export function foldUnits(kind: AnyJobKind, units: readonly AcceptedUnit[]): JsonValue {
  return units.reduce((accumulator, unit) => kind.accumulate(accumulator, unit.result, unit), kind.emptyAccumulator());
}

/**
 * Folds a decided unit's result into its chunk's accumulator, durably, and closes the unit.
 * An audit replaces the result it re-checked: the chunk's accumulator is folded again from
 * its accepted units (kinds need no way to take a result back out).
 *
 * Invariant: a unit's result is folded in exactly once: the unit leaves `open` here, so no
 * later report can reach it.
 */
export function acceptCount(
  d: Domain,
  job: ActiveJob,
  unit: OpenUnit,
  decided: { result: UnitResult; key: string; supporters: string[]; confirmed: boolean },
): void {
  job.open.delete(unit.key);
  indexUnit(d, job, unit);
  revokeLeases(d, unit.leases, 'unit already settled');
  const chunk = job.chunks[unit.chunkIndex]!;
  const kind = kindNamed(job.record.kind);
  const auditAgrees = unit.audit?.key === decided.key;
  const accepted: AcceptedUnit = {
    jobId: job.record.id,
    chunkIndex: unit.chunkIndex,
    lo: unit.lo,
    hi: unit.hi,
    result: decided.result,
    volunteerIds: auditAgrees
      ? [...decided.supporters, ...unit.audit!.voters.map((voter) => voter.volunteerId)]
      : decided.supporters,
    confirmed: decided.confirmed || auditAgrees,
  };
  if (unit.audit) {
    const units = d.store.unitsOfChunk(job.record.id, unit.chunkIndex);
    chunk.accumulator = foldUnits(kind, units.map((other) => (other.lo === unit.lo ? { ...other, result: decided.result } : other)));
    d.store.correctUnit(accepted);
  } else {
    chunk.accumulator = kind.accumulate(chunk.accumulator, decided.result, unit);
    chunk.donePositions += unit.hi - unit.lo + 1;
    if (chunk.donePositions === chunk.hi - chunk.lo + 1) job.record.completedChunks++;
    if (advanceState(d, job.record, JobState.Progress)) d.store.updateJob(job.record);
    d.store.acceptUnit(accepted);
    d.events.unitAccepted(job.record.id, unit.hi - unit.lo + 1);
  }
  for (const volunteerId of decided.supporters) {
    const state = d.volunteers.get(volunteerId);
    if (state) state.unitsCompleted++;
  }
}
