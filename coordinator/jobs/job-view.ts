import type { JobView } from '../../shared/api.js';
import { kindNamed } from '../../shared/kinds/registry.js';
import type { Domain, JobRecord } from '../model.js';
import { waitingReason } from '../trust/undecided.js';

/** The view of a job as it stands in the domain, with what it waits for if anything. */
export function viewJob(d: Domain, job: JobRecord): JobView {
  const active = d.active.get(job.id);
  return toJobView(job, active && waitingReason(d, active));
}

/**
 * The REST and socket view of a job (field names are the public contract): the generic
 * fields, and what the job's kind says about its parameters and answer.
 */
export function toJobView(job: JobRecord, waiting?: string): JobView {
  const kind = kindNamed(job.kind);
  // The kind's fields are what JobViewSchema declares for it (sieve-count: n, prime_count).
  const view = {
    job_id: job.id,
    state: job.state,
    ...kind.viewParams(job.params),
    chunks: job.chunks,
    progress: { completed: job.completedChunks, total: job.chunks },
    created_at: new Date(job.createdAt).toISOString(),
  } as JobView;
  if (job.finishedAt !== undefined) view.finished_at = new Date(job.finishedAt).toISOString();
  if (job.state === 'SUCCESS' && job.answer !== undefined && job.finishedAt !== undefined) {
    view.result = {
      ...kind.viewAnswer(job.answer),
      duration_sec: (job.finishedAt - job.createdAt) / 1000,
    } as JobView['result'];
  }
  if (job.verifiedBy !== undefined) {
    view.verified = true;
    view.verified_by = job.verifiedBy;
  }
  if (job.error !== undefined) view.error = job.error;
  if (waiting !== undefined) view.waiting = waiting;
  return view;
}
