import type { JobView } from '../../shared/api.js';
import type { Domain, JobRecord } from '../model.js';
import { waitingReason } from '../trust/undecided.js';

/** The view of a job as it stands in the domain, with what it waits for if anything. */
export function viewJob(d: Domain, job: JobRecord): JobView {
  const active = d.active.get(job.id);
  return toJobView(job, active && waitingReason(d, active));
}

/** The REST and socket view of a job (field names are the public contract). */
export function toJobView(job: JobRecord, waiting?: string): JobView {
  const view: JobView = {
    job_id: job.id,
    state: job.state,
    n: job.n,
    chunks: job.chunks,
    progress: { completed: job.completedChunks, total: job.chunks },
    created_at: new Date(job.createdAt).toISOString(),
  };
  if (job.finishedAt !== undefined) view.finished_at = new Date(job.finishedAt).toISOString();
  if (job.state === 'SUCCESS' && job.primeCount !== undefined && job.finishedAt !== undefined) {
    view.result = {
      prime_count: job.primeCount,
      duration_sec: (job.finishedAt - job.createdAt) / 1000,
    };
  }
  if (job.error !== undefined) view.error = job.error;
  if (waiting !== undefined) view.waiting = waiting;
  return view;
}
