/**
 * Caught means gone. A volunteer outvoted on a unit is quarantined; so is every stranger on
 * its network (one person may hold many connections there), and the network is refused work
 * for QUARANTINE_TIME. Their votes on open units no longer count, and every count of an
 * unfinished job that rested on one of their words alone is recomputed by someone else.
 * Trusted workers are never quarantined by strangers' votes.
 */
import { newOpenUnit, type AcceptedUnit, type Domain } from '../model.js';
import { revokeLeases } from '../leases/release-lease.js';
import { indexUnit } from '../leases/wanting.js';
import { resultKey } from './votes.js';

export function quarantine(d: Domain, culprit: { volunteerId: string; network: string }): void {
  d.trust.quarantinedNetworks.set(culprit.network, d.now() + d.trust.policy.quarantineMs);
  const caught = new Set([culprit.volunteerId]);
  for (const volunteer of d.volunteers.values()) {
    if (volunteer.network === culprit.network && !volunteer.trusted) caught.add(volunteer.id);
  }
  for (const volunteerId of caught) {
    d.quarantined.add(volunteerId);
    const volunteer = d.volunteers.get(volunteerId);
    if (!volunteer || volunteer.quarantined) continue;
    volunteer.quarantined = true;
    volunteer.confirmedStreak = 0;
    revokeLeases(d, volunteer.leases, 'volunteer quarantined');
  }
  for (const job of d.active.values()) {
    for (const unit of job.open.values()) {
      for (const [volunteerId, vote] of unit.votes) {
        if (caught.has(volunteerId) || (vote.network === culprit.network && !vote.trusted)) unit.votes.delete(volunteerId);
      }
      unit.excluded = new Set([...unit.excluded, ...caught]);
      indexUnit(d, job, unit);
    }
  }
  for (const volunteerId of caught) {
    for (const accepted of d.store.unconfirmedUnitsOf(volunteerId)) reopenForAudit(d, accepted, culprit.network, false);
  }
  d.events.workAvailable();
}

/**
 * Opens a unit that re-checks an accepted result, computed by others than those it rested on
 * (and not on their networks); its decision replaces the count (jobs/accept-count.ts).
 * A suspect's count (`asVotes`) stays in the vote, so a recount that disagrees makes a tie,
 * not a verdict; a caught volunteer's count does not. `fallbackNetwork` stands for voters no
 * longer connected. No-op when the job has ended or the audit is already open.
 */
export function reopenForAudit(d: Domain, accepted: AcceptedUnit, fallbackNetwork: string, asVotes: boolean): void {
  const job = d.active.get(accepted.jobId);
  const key = `audit:${accepted.chunkIndex}:${accepted.lo}`;
  if (!job || job.open.has(key)) return;
  const voters = accepted.volunteerIds.map((volunteerId) => ({
    volunteerId,
    network: d.volunteers.get(volunteerId)?.network ?? fallbackNetwork,
  }));
  const auditKey = resultKey(accepted.result);
  const unit = newOpenUnit({
    key,
    jobId: accepted.jobId,
    chunkIndex: accepted.chunkIndex,
    lo: accepted.lo,
    hi: accepted.hi,
    spotCheck: false,
    excluded: new Set(accepted.volunteerIds),
    audit: { key: auditKey, result: accepted.result, voters },
  });
  if (asVotes) {
    for (const voter of voters) {
      unit.votes.set(voter.volunteerId, { key: auditKey, result: accepted.result, network: voter.network, trusted: false });
    }
  }
  job.open.set(key, unit);
  indexUnit(d, job, unit);
}
