import { newOpenUnit, type Domain } from '../model.js';
import { revokeLeases } from './release-lease.js';

/**
 * Stops trusting a volunteer caught disagreeing with an agreed count: it gets no more
 * leases, its pending reports no longer count, and every count of an unfinished job that
 * rests on its word alone is recomputed by someone else before that job may succeed.
 * Idempotent.
 */
export function quarantine(d: Domain, volunteerId: string): void {
  if (d.quarantined.has(volunteerId)) return;
  d.quarantined.add(volunteerId);
  const volunteer = d.volunteers.get(volunteerId);
  if (volunteer) {
    volunteer.quarantined = true;
    revokeLeases(d, volunteer.leases, 'volunteer quarantined');
  }
  for (const job of d.active.values()) {
    for (const unit of job.open.values()) {
      unit.reports.delete(volunteerId);
      unit.excluded.add(volunteerId);
    }
  }
  for (const accepted of d.store.unconfirmedUnitsOf(volunteerId)) {
    const job = d.active.get(accepted.jobId);
    const key = `audit:${accepted.chunkIndex}:${accepted.lo}`;
    if (!job || job.open.has(key)) continue;
    job.open.set(
      key,
      newOpenUnit({
        key,
        jobId: accepted.jobId,
        chunkIndex: accepted.chunkIndex,
        lo: accepted.lo,
        hi: accepted.hi,
        quorum: Math.max(1, d.policy.replication),
        spotCheck: false,
        excluded: new Set(accepted.volunteerIds),
        audit: { count: accepted.count, volunteerId },
      }),
    );
  }
  d.events.workAvailable();
}
