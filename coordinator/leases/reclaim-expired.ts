import type { Domain, LeaseState } from '../model.js';
import { revokeLeases } from './release-lease.js';

/** Takes back every lease past its deadline so its unit is leased again; tells the holders. */
export function reclaimExpired(d: Domain): LeaseState[] {
  const now = d.now();
  const expired = [...d.leases.values()].filter((lease) => lease.deadline <= now);
  revokeLeases(
    d,
    expired.map((lease) => lease.id),
    'lease expired',
  );
  if (expired.length > 0) d.events.workAvailable();
  return expired;
}
