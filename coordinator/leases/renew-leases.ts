import type { Domain } from '../model.js';

/**
 * Extends the deadlines of the leases this volunteer holds, each no further than its hold
 * limit (lease-limits.ts): heartbeats keep a unit that is being computed, not one being hoarded.
 * Returns the new deadlines.
 */
export function renewLeases(d: Domain, volunteerId: string, leaseIds: string[]): Record<string, number> {
  const deadlines: Record<string, number> = {};
  const holder = d.volunteers.get(volunteerId);
  const renewed = d.now() + d.policy.leaseTimeoutMs;
  for (const id of leaseIds) {
    const lease = d.leases.get(id);
    if (lease?.volunteerId !== volunteerId) continue;
    lease.deadline = Math.min(renewed, d.limits.holdUntil(lease, holder));
    deadlines[id] = lease.deadline;
  }
  return deadlines;
}
