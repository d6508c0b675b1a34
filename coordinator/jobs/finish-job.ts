import { JobState } from '../../shared/api.js';
import { kindNamed } from '../../shared/kinds/registry.js';
import { withdrawJobLeases } from '../leases/release-lease.js';
import type { ActiveJob, ChunkRecord, Domain } from '../model.js';
import type { TotalCheck } from '../trust/verifier.js';
import { reopenWrongChunks } from '../trust/verified-totals.js';
import { advanceState } from './job-state.js';

/**
 * Ends a job in SUCCESS when every chunk is done, no unit is still open (audits included)
 * and, where a verifier covers the job, its total checks out. A failed check reopens the
 * results that rested on one stranger's word in the wrong chunks; with none to reopen the job
 * ends in FAILURE, as a wrong count is worse than none. Returns whether the job ended.
 *
 * A verifier may answer later (a computation off the event loop): the job then waits, and the
 * answer applies only if the job is still complete with the totals that were checked;
 * otherwise the next completion checks again.
 */
export function succeedIfComplete(d: Domain, job: ActiveJob): boolean {
  if (job.record.completedChunks < job.record.chunks || job.open.size > 0) return false;
  const verifier = d.verifier;
  if (!verifier?.canVerify(job.record)) {
    succeed(d, job, undefined);
    return true;
  }
  if (job.verifying) return false;
  const checked = job.chunks.map((chunk): ChunkRecord => ({ ...chunk }));
  const check = verifier.verifyTotal(job.record, checked);
  if (!(check instanceof Promise)) return applyCheck(d, job, check, verifier.verifiedBy);
  job.verifying = true;
  check.then(
    (answer) => {
      job.verifying = false;
      if (d.active.get(job.record.id) !== job) return;
      const unchanged = job.chunks.every((chunk, i) => JSON.stringify(chunk.accumulator) === JSON.stringify(checked[i]!.accumulator));
      const ended = unchanged ? applyCheck(d, job, answer, verifier.verifiedBy) : succeedIfComplete(d, job);
      if (!ended) d.events.jobChanged(job.record.id);
    },
    (error: unknown) => {
      job.verifying = false;
      if (d.active.get(job.record.id) !== job) return;
      endJob(d, job, JobState.Failure, `the total could not be verified: ${error instanceof Error ? error.message : String(error)}`);
    },
  );
  return false;
}

function applyCheck(d: Domain, job: ActiveJob, check: TotalCheck, verifiedBy: string): boolean {
  if (check.ok) {
    succeed(d, job, verifiedBy);
    return true;
  }
  if (reopenWrongChunks(d, job, check.wrongChunks) > 0) return false;
  const ranges = check.wrongChunks.map((index) => `[${job.chunks[index]?.lo}, ${job.chunks[index]?.hi}]`);
  endJob(d, job, JobState.Failure, `the verified total of ${ranges.join(', ')} disagrees with counts confirmed by volunteers`);
  return true;
}

function succeed(d: Domain, job: ActiveJob, verifiedBy: string | undefined): void {
  const record = job.record;
  advanceState(d, record, JobState.Success);
  record.answer = kindNamed(record.kind).answer(
    record.params,
    job.chunks.map((chunk) => chunk.accumulator),
  );
  record.verifiedBy = verifiedBy;
  record.finishedAt = d.now();
  retire(d, job);
}

/** Ends a job in FAILURE (or REVOKED) and withdraws its leases from volunteers at once. */
export function endJob(d: Domain, job: ActiveJob, state: typeof JobState.Failure | typeof JobState.Revoked, message: string): void {
  const record = job.record;
  advanceState(d, record, state);
  record.error = message;
  record.finishedAt = d.now();
  withdrawJobLeases(d, record.id, message);
  retire(d, job);
}

function retire(d: Domain, job: ActiveJob): void {
  d.active.delete(job.record.id);
  d.store.updateJob(job.record);
  d.store.compactJob(job.record.id);
  d.events.jobChanged(job.record.id);
}
