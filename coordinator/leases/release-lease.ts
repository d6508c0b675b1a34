import type { Domain, LeaseState } from '../model.js';
import { indexUnit } from './wanting.js';

/**
 * Removes a lease from every index. Its unit stays open, so it will be leased again;
 * the caller decides whether the holder must be told (`revoke`). A caller that changes the
 * unit again at once may pass `reindex` false and index the unit itself (leases/wanting.ts).
 */
export function dropLease(d: Domain, lease: LeaseState, reindex = true): void {
  d.leases.delete(lease.id);
  d.volunteers.get(lease.volunteerId)?.leases.delete(lease.id);
  const job = d.active.get(lease.jobId);
  if (!job) return;
  const unit = job.open.get(lease.unitKey);
  if (unit) {
    unit.leases.delete(lease.id);
    if (reindex) indexUnit(d, job, unit);
  }
  job.leasesInFlight--;
}

/**
 * Returns leases a volunteer gave back. Volunteers release only when they pause or stop, so
 * the volunteer also counts as not taking work until it asks again: nothing waits for it.
 * Only its own leases count.
 */
export function releaseLeases(d: Domain, volunteerId: string, leaseIds: string[]): number {
  const volunteer = d.volunteers.get(volunteerId);
  if (volunteer) volunteer.lastRequestAt = Number.NEGATIVE_INFINITY;
  let released = 0;
  for (const id of leaseIds) {
    const lease = d.leases.get(id);
    if (lease?.volunteerId !== volunteerId) continue;
    dropLease(d, lease);
    released++;
  }
  if (released > 0) d.events.workAvailable();
  return released;
}

/** Takes leases back (those still live) and tells each holder once, with the reason. */
export function revokeLeases(d: Domain, leaseIds: ReadonlySet<string> | readonly string[], reason: string): void {
  // Nothing to take back is the common case: a settled unit whose one lease was its reporter's.
  if (('size' in leaseIds ? leaseIds.size : leaseIds.length) === 0) return;
  const byVolunteer = new Map<string, string[]>();
  // Copied first: dropping a lease removes it from the volunteer's and the unit's sets.
  for (const id of [...leaseIds]) {
    const lease = d.leases.get(id);
    if (!lease) continue;
    dropLease(d, lease);
    byVolunteer.set(lease.volunteerId, [...(byVolunteer.get(lease.volunteerId) ?? []), lease.id]);
  }
  for (const [volunteerId, ids] of byVolunteer) d.events.leasesRevoked(volunteerId, ids, reason);
}

/** Withdraws every lease on a job (it failed or was cancelled) and tells the holders. */
export function withdrawJobLeases(d: Domain, jobId: string, reason: string): void {
  const ids = [...d.leases.values()].filter((lease) => lease.jobId === jobId).map((lease) => lease.id);
  revokeLeases(d, ids, reason);
}
