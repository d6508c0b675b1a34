/**
 * Settles a unit from its votes (rules in votes.ts): accepts the decided count, updates
 * reputations (a stranger earns standing by results others confirm and loses it on any
 * disagreement), and quarantines those outvoted. A tie punishes nobody.
 */
import { succeedIfComplete } from '../jobs/finish-job.js';
import { acceptCount } from '../jobs/accept-count.js';
import type { ActiveJob, Domain, OpenUnit } from '../model.js';
import { quarantine } from './quarantine.js';
import { decide } from './votes.js';

/**
 * Whether a stranger's word alone may decide this unit: only in jobs whose total is verified
 * (a wrong count there is found before success), for volunteers with standing, outside spot checks.
 */
function loneVoteSuffices(d: Domain, job: ActiveJob, unit: OpenUnit, volunteerId: string): boolean {
  if (unit.spotCheck || !d.verifier?.canVerify(job.record)) return false;
  const volunteer = d.volunteers.get(volunteerId);
  return volunteer !== undefined && volunteer.confirmedStreak >= d.trust.policy.trustAfter;
}

/** Returns whether the unit was decided (its count accepted). */
export function settleUnit(d: Domain, job: ActiveJob, unit: OpenUnit): boolean {
  const decision = decide(unit, d.trust.policy.quorum, (volunteerId) => loneVoteSuffices(d, job, unit, volunteerId));
  if (decision.kind === 'wait') {
    if (decision.disputed) {
      for (const volunteerId of unit.votes.keys()) {
        const volunteer = d.volunteers.get(volunteerId);
        if (volunteer) volunteer.confirmedStreak = 0;
      }
    }
    return false;
  }
  acceptCount(d, job, unit, decision);
  if (decision.confirmed) {
    for (const volunteerId of decision.supporters) {
      const volunteer = d.volunteers.get(volunteerId);
      if (volunteer && !volunteer.trusted) volunteer.confirmedStreak++;
    }
  }
  for (const loser of decision.outvoted) if (!loser.trusted) quarantine(d, loser);
  if (!succeedIfComplete(d, job)) d.events.jobChanged(job.record.id);
  return true;
}
