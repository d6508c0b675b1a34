import type { Domain, LeaseState } from '../model.js';
import { revokeLeases } from './release-lease.js';

/**
 * Takes back every lease past its deadline, or held past its hold limit however often it was
 * renewed, so its unit is leased again; tells the holders why. A holder that overstayed loses
 * its measured pace and sits out a while (lease-limits.ts). Looks at `leases` (every lease by
 * default; the coordinator's timer passes a slice of them at a time, see sliced-sweep.ts).
 */
export function reclaimExpired(d: Domain, leases: Iterable<LeaseState> = d.leases.values()): LeaseState[] {
  const now = d.now();
  const overstayed: LeaseState[] = [];
  const expired: LeaseState[] = [];
  for (const lease of leases) {
    // A lease taken from a slice may have been reported or revoked since.
    if (d.leases.get(lease.id) !== lease) continue;
    if (d.limits.holdUntil(lease, d.volunteers.get(lease.volunteerId)) <= now) overstayed.push(lease);
    else if (lease.deadline <= now) expired.push(lease);
  }
  for (const lease of overstayed) {
    const holder = d.volunteers.get(lease.volunteerId);
    if (holder) d.limits.overstayed(holder, now);
  }
  revokeLeases(
    d,
    overstayed.map((lease) => lease.id),
    'held too long',
  );
  revokeLeases(
    d,
    expired.map((lease) => lease.id),
    'lease expired',
  );
  const reclaimed = [...overstayed, ...expired];
  if (reclaimed.length > 0) d.events.workAvailable();
  return reclaimed;
}
