import { JobState } from '../../shared/api.js';
import { endJob } from '../jobs/finish-job.js';
import type { Domain } from '../model.js';
import { failureParty } from '../trust/parties.js';
import { dropLease } from './release-lease.js';
import { indexUnit } from './wanting.js';

/**
 * Records that a volunteer's computation of a leased unit failed. The unit is retried (on
 * another network when a volunteer there is taking work; a network whose strangers failed it
 * `maxAttempts` times no longer gets it). The job ends in FAILURE only when `maxAttempts`
 * independent parties failed it: distinct networks of strangers, or any failure of a trusted
 * worker. Many connections of one network cannot kill a job, nor keep it busy retrying.
 * Returns false when the lease was not the reporter's.
 */
export function reportFailure(d: Domain, volunteerId: string, leaseId: string, message: string): boolean {
  const lease = d.leases.get(leaseId);
  if (!lease || lease.volunteerId !== volunteerId) return false;
  const job = d.active.get(lease.jobId);
  const unit = job?.open.get(lease.unitKey);
  dropLease(d, lease);
  const volunteer = d.volunteers.get(volunteerId);
  if (!job || !unit || !volunteer) return true;
  unit.failures++;
  unit.failedOn = new Map(unit.failedOn).set(volunteer.network, (unit.failedOn.get(volunteer.network) ?? 0) + 1);
  unit.failedParties = new Set(unit.failedParties).add(failureParty(volunteer, unit.failures));
  indexUnit(d, job, unit);
  if (unit.failedParties.size >= d.policy.maxAttempts) {
    endJob(
      d,
      job,
      JobState.Failure,
      `range [${unit.lo}, ${unit.hi}] failed on ${unit.failedParties.size} independent volunteers; last error: ${message}`,
    );
  } else {
    d.events.workAvailable();
  }
  return true;
}
