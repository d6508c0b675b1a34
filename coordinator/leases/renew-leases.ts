import type { Domain } from '../model.js';

/** Extends the deadlines of the leases this volunteer holds; returns the new deadlines. */
export function renewLeases(d: Domain, volunteerId: string, leaseIds: string[]): Record<string, number> {
  const deadlines: Record<string, number> = {};
  const deadline = d.now() + d.policy.leaseTimeoutMs;
  for (const id of leaseIds) {
    const lease = d.leases.get(id);
    if (lease?.volunteerId !== volunteerId) continue;
    lease.deadline = deadline;
    deadlines[id] = deadline;
  }
  return deadlines;
}
