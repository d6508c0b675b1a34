import { JobState } from '../../shared/api.js';
import { kindNamed } from '../../shared/kinds/registry.js';
import { withdrawJobLeases } from '../leases/release-lease.js';
import type { ActiveJob, Domain } from '../model.js';
import { reopenWrongChunks } from '../trust/verified-totals.js';
import { advanceState } from './job-state.js';

/**
 * Ends a job in SUCCESS when every chunk is done, no unit is still open (audits included)
 * and, where a verifier covers the job, its total checks out. A failed check reopens the
 * counts that rested on one stranger's word in the wrong chunks; with none to reopen the job
 * ends in FAILURE, as a wrong count is worse than none. Returns whether the job ended.
 */
export function succeedIfComplete(d: Domain, job: ActiveJob): boolean {
  if (job.record.completedChunks < job.record.chunks || job.open.size > 0) return false;
  const record = job.record;
  if (d.verifier?.canVerify(record)) {
    const check = d.verifier.verifyTotal(record, job.chunks);
    if (!check.ok) {
      if (reopenWrongChunks(d, job, check.wrongChunks) > 0) return false;
      const ranges = check.wrongChunks.map((index) => `[${job.chunks[index]?.lo}, ${job.chunks[index]?.hi}]`);
      endJob(d, job, JobState.Failure, `the verified total of ${ranges.join(', ')} disagrees with counts confirmed by volunteers`);
      return true;
    }
  }
  advanceState(d, record, JobState.Success);
  record.answer = kindNamed(record.kind).answer(
    record.params,
    job.chunks.map((chunk) => chunk.accumulator),
  );
  record.finishedAt = d.now();
  retire(d, job);
  return true;
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
