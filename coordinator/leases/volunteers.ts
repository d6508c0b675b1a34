import type { Hello } from '../../shared/protocol.js';
import type { Domain, VolunteerState } from '../model.js';
import { dropLease } from './release-lease.js';
import { settleWaitingSpotChecks } from './settle-spot-checks.js';

export function registerVolunteer(d: Domain, id: string, hello: Hello): VolunteerState {
  const volunteer: VolunteerState = {
    id,
    kind: hello.kind,
    threads: hello.threads,
    name: hello.name,
    connectedAt: d.now(),
    lastRequestAt: d.now(),
    leases: new Set(),
    quarantined: d.quarantined.has(id),
    unitsCompleted: 0,
    pace: undefined,
  };
  d.volunteers.set(id, volunteer);
  return volunteer;
}

/**
 * A volunteer left: its leases return at once (no waiting for deadlines), and spot checks
 * that were waiting for a second opinion are settled if nobody is left to give one.
 */
export function removeVolunteer(d: Domain, id: string): void {
  const volunteer = d.volunteers.get(id);
  if (!volunteer) return;
  for (const leaseId of volunteer.leases) {
    const lease = d.leases.get(leaseId);
    if (lease) dropLease(d, lease);
  }
  d.volunteers.delete(id);
  settleWaitingSpotChecks(d);
  d.events.workAvailable();
}
