import type { Domain } from '../model.js';

/**
 * Extends the deadlines of the leases this volunteer holds, each no further than its hold
 * limit (lease-limits.ts): heartbeats keep a unit that is being computed, not one being hoarded.
 * `progress` (a fraction by lease id) records how far each computation has got, for the range
 * map only (it never moves backwards and never counts toward a result). Returns the new deadlines.
 */
export function renewLeases(
  d: Domain,
  volunteerId: string,
  leaseIds: string[],
  progress: Record<string, number> = {},
): Record<string, number> {
  const deadlines: Record<string, number> = {};
  const holder = d.volunteers.get(volunteerId);
  const renewed = d.now() + d.policy.leaseTimeoutMs;
  const moved = new Set<string>();
  for (const id of leaseIds) {
    const lease = d.leases.get(id);
    if (lease?.volunteerId !== volunteerId) continue;
    lease.deadline = Math.min(renewed, d.limits.holdUntil(lease, holder));
    deadlines[id] = lease.deadline;
    const fraction = Object.hasOwn(progress, id) ? progress[id]! : 0;
    const done = Math.floor(fraction * (lease.hi - lease.lo + 1));
    if (done > lease.done) {
      lease.done = done;
      moved.add(lease.jobId);
    }
  }
  for (const jobId of moved) d.events.jobChanged(jobId);
  return deadlines;
}
