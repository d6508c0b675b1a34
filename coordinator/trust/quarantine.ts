/**
 * Caught means gone. A volunteer outvoted on a unit is quarantined; so is every stranger on
 * its network (one person may hold many connections there), and the network is refused work
 * for QUARANTINE_TIME. Their votes on open units no longer count, and every count of an
 * unfinished job that rested on one of their words alone is recomputed by someone else.
 * Trusted workers are never quarantined by strangers' votes.
 */
import { newOpenUnit, type AcceptedUnit, type Domain } from '../model.js';
import { revokeLeases } from '../leases/release-lease.js';
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
      for (const volunteerId of caught) unit.excluded.add(volunteerId);
    }
  }
  for (const volunteerId of caught) {
    for (const accepted of d.store.unconfirmedUnitsOf(volunteerId)) reopenForAudit(d, accepted, culprit.network);
  }
  d.events.workAvailable();
}

/**
 * Opens a unit that re-checks an accepted count, computed by others than those it rested on
 * (and not on their networks). Its decision replaces the count (trust/settle-unit.ts).
 * `fallbackNetwork` stands for voters no longer connected. No-op when the job has ended or
 * the audit is already open.
 */
export function reopenForAudit(d: Domain, accepted: AcceptedUnit, fallbackNetwork: string): void {
  const job = d.active.get(accepted.jobId);
  const key = `audit:${accepted.chunkIndex}:${accepted.lo}`;
  if (!job || job.open.has(key)) return;
  job.open.set(
    key,
    newOpenUnit({
      key,
      jobId: accepted.jobId,
      chunkIndex: accepted.chunkIndex,
      lo: accepted.lo,
      hi: accepted.hi,
      spotCheck: true,
      excluded: new Set(accepted.volunteerIds),
      audit: {
        key: resultKey(accepted.count),
        result: accepted.count,
        voters: accepted.volunteerIds.map((volunteerId) => ({
          volunteerId,
          network: d.volunteers.get(volunteerId)?.network ?? fallbackNetwork,
        })),
      },
    }),
  );
}
