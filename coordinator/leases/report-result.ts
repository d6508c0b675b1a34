import { kindNamed } from '../../shared/kinds/registry.js';
import type { Domain } from '../model.js';
import { castVote } from '../trust/cast-vote.js';
import { dropLease } from './release-lease.js';
import { indexUnit } from './wanting.js';

export type ReportOutcome = 'accepted' | 'recorded' | 'ignored' | 'malformed';

/**
 * Records a volunteer's result for a lease it holds, as its vote on the unit. The result is
 * parsed with the unit's kind's result schema; one that does not fit it is `malformed` and
 * the lease stays (the volunteer may still send a proper one, or the lease expires).
 *
 * Only the live lease's holder may report; a report for an unknown, expired, withdrawn or
 * already-decided lease is ignored.
 */
export function reportResult(d: Domain, volunteerId: string, leaseId: string, reported: unknown): ReportOutcome {
  const lease = d.leases.get(leaseId);
  if (!lease || lease.volunteerId !== volunteerId) return 'ignored';
  const parsed = kindNamed(lease.kind).result.safeParse(reported);
  if (!parsed.success) return 'malformed';
  const holder = d.volunteers.get(volunteerId);
  if (holder) d.limits.reported(lease, holder, d.now());
  const job = d.active.get(lease.jobId);
  const unit = job?.open.get(lease.unitKey);
  // The unit is indexed once, after the vote (castVote, or acceptCount when it settles), not
  // also between the lease's drop and the vote.
  dropLease(d, lease, false);
  if (!job || !unit) return 'ignored';
  const volunteer = d.volunteers.get(volunteerId);
  if (!volunteer) {
    indexUnit(d, job, unit);
    return 'ignored';
  }
  return castVote(d, job, unit, volunteer, parsed.data) ? 'accepted' : 'recorded';
}
