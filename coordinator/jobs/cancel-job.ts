import { JobState } from '../../shared/api.js';
import type { Domain, JobRecord } from '../model.js';
import { endJob } from './finish-job.js';

/** Cancels an unfinished job (REVOKED, leases withdrawn). Returns the record, or undefined if unknown. */
export function cancelJob(d: Domain, jobId: string): JobRecord | undefined {
  const active = d.active.get(jobId);
  if (active) endJob(d, active, JobState.Revoked, 'cancelled by request');
  return d.jobs.get(jobId);
}
