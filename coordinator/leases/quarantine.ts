import type { Domain, OpenUnit } from '../model.js';
import { dropLease } from './release-lease.js';

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
    const held = [...volunteer.leases].flatMap((id) => {
      const lease = d.leases.get(id);
      if (lease) dropLease(d, lease);
      return lease ? [id] : [];
    });
    if (held.length > 0) d.events.leasesRevoked(volunteerId, held, 'volunteer quarantined');
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
    const audit: OpenUnit = {
      key,
      jobId: accepted.jobId,
      chunkIndex: accepted.chunkIndex,
      lo: accepted.lo,
      hi: accepted.hi,
      reports: new Map(),
      leases: new Set(),
      failures: 0,
      failedOn: new Set(),
      quorum: Math.max(1, d.policy.replication),
      spotCheck: false,
      excluded: new Set(accepted.volunteerIds),
      audit: { count: accepted.count, volunteerId },
    };
    job.open.set(key, audit);
  }
  d.events.workAvailable();
}
