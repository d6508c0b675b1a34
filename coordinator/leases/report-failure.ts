import { JobState } from '../../shared/api.js';
import { endJob } from '../jobs/finish-job.js';
import type { Domain } from '../model.js';
import { dropLease } from './release-lease.js';

/**
 * Records that a volunteer's computation of a leased unit failed. The unit is retried
 * (on another volunteer when one is connected) until it has failed `maxAttempts` times;
 * then the job ends in FAILURE. Returns false when the lease was not the reporter's.
 */
export function reportFailure(d: Domain, volunteerId: string, leaseId: string, message: string): boolean {
  const lease = d.leases.get(leaseId);
  if (!lease || lease.volunteerId !== volunteerId) return false;
  const job = d.active.get(lease.jobId);
  const unit = job?.open.get(lease.unitKey);
  dropLease(d, lease);
  if (!job || !unit) return true;
  unit.failures++;
  unit.failedOn.add(volunteerId);
  if (unit.failures >= d.policy.maxAttempts) {
    endJob(
      d,
      job,
      JobState.Failure,
      `range [${unit.lo}, ${unit.hi}] failed ${unit.failures} times; last error: ${message}`,
    );
  } else {
    d.events.workAvailable();
  }
  return true;
}
