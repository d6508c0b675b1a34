import { DEFAULT_VOLUNTEER_KINDS, kindsComputedBy } from '../../shared/kinds/registry.js';
import type { Hello } from '../../shared/protocol.js';
import type { Domain, VolunteerState } from '../model.js';
import type { Party } from '../trust/parties.js';
import { forgetActive, markActive } from './active-volunteers.js';
import { dropLease } from './release-lease.js';

export function registerVolunteer(d: Domain, id: string, hello: Hello, party: Party): VolunteerState {
  const volunteer: VolunteerState = {
    id,
    kind: hello.kind,
    computes: kindsComputedBy(hello.kinds ?? DEFAULT_VOLUNTEER_KINDS),
    threads: hello.threads,
    name: hello.name,
    connectedAt: d.now(),
    lastRequestAt: d.now(),
    leases: new Set(),
    quarantined: d.quarantined.has(id),
    unitsCompleted: 0,
    network: party.network,
    trusted: party.trusted,
    confirmedStreak: 0,
    pace: undefined,
  };
  d.volunteers.set(id, volunteer);
  markActive(d, volunteer);
  return volunteer;
}

/** A volunteer left: its leases return at once (no waiting for deadlines). */
export function removeVolunteer(d: Domain, id: string): void {
  const volunteer = d.volunteers.get(id);
  if (!volunteer) return;
  for (const leaseId of volunteer.leases) {
    const lease = d.leases.get(leaseId);
    if (lease) dropLease(d, lease);
  }
  d.volunteers.delete(id);
  forgetActive(d, volunteer);
  d.events.workAvailable();
}
