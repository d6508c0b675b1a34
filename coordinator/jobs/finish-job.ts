import { JobState } from '../../shared/api.js';
import { withdrawJobLeases } from '../leases/release-lease.js';
import type { ActiveJob, Domain } from '../model.js';
import { advanceState } from './job-state.js';

/** Ends a job in SUCCESS when every chunk is counted and no unit is still open (audits included). */
export function succeedIfComplete(d: Domain, job: ActiveJob): boolean {
  if (job.record.completedChunks < job.record.chunks || job.open.size > 0) return false;
  const record = job.record;
  advanceState(d, record, JobState.Success);
  record.primeCount = job.chunks.reduce((sum, chunk) => sum + chunk.count, 0);
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
