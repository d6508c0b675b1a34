import type { Domain } from '../model.js';

/** How late a renewal may arrive and still find its lease: longer than Socket.IO's ping timeout (20 s), after which the connection is gone anyway. */
const RENEWAL_MARGIN_MS = 30_000;

/**
 * How often volunteers renew their leases (the hello's `heartbeatMs`; a volunteer sends one
 * heartbeat for all its leases per period). A third of LEASE_TIMEOUT, or as late as leaves
 * RENEWAL_MARGIN_MS before the deadline when that is later: at the default 60 s timeout a
 * heartbeat every 30 s instead of 20 s, a third fewer heartbeats from a busy swarm (a
 * one-thread volunteer on 30 s units sends about one per unit instead of one and a half),
 * while a renewal may still arrive 30 s late. Short timeouts (tests, fast fault detection) keep the third.
 */
export function heartbeatPeriodMs(leaseTimeoutMs: number): number {
  return Math.max(250, Math.floor(leaseTimeoutMs / 3), leaseTimeoutMs - RENEWAL_MARGIN_MS);
}

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
