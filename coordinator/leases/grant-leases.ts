import { randomFillSync } from 'node:crypto';
import { JobState } from '../../shared/api.js';
import { kindNamed } from '../../shared/kinds/registry.js';
import { unitCost } from '../../shared/kinds/unit-cost.js';
import { advanceState } from '../jobs/job-state.js';
import type { ActiveJob, Domain, LeaseState } from '../model.js';
import { nextUnit } from '../scheduler.js';
import { refusesWork } from '../trust/parties.js';
import { markActive } from './active-volunteers.js';
import { indexUnit } from './wanting.js';

const LEASE_ID_BYTES = 18;
/** Random bytes drawn in blocks: one call into the system's generator per 256 lease ids, not one per id. */
const randomPool = Buffer.alloc(LEASE_ID_BYTES * 256);
let poolOffset = randomPool.length;

/** Lease ids are bearer secrets: only the holder may report a lease, so they must be unguessable. Each pooled byte is used once. */
function newLeaseId(): string {
  if (poolOffset + LEASE_ID_BYTES > randomPool.length) {
    randomFillSync(randomPool);
    poolOffset = 0;
  }
  const id = randomPool.toString('base64url', poolOffset, poolOffset + LEASE_ID_BYTES);
  poolOffset += LEASE_ID_BYTES;
  return id;
}

/**
 * Grants up to `slots` leases to a volunteer, never more than it may hold (its capacity:
 * see lease-limits.ts). Returns fewer (or none) when there is no work it may take.
 */
export function grantLeases(d: Domain, volunteerId: string, slots: number): LeaseState[] {
  const volunteer = d.volunteers.get(volunteerId);
  if (!volunteer || refusesWork(d, volunteer)) return [];
  volunteer.lastRequestAt = d.now();
  markActive(d, volunteer);
  const free = Math.min(slots, d.limits.capacity(volunteer, d.now()) - volunteer.leases.size);
  const granted: LeaseState[] = [];
  let previous: ActiveJob | undefined;
  for (let i = 0; i < free; i++) {
    const next = nextUnit(d, volunteer, previous, free);
    if (!next) break;
    const { job, unit } = next;
    previous = job;
    const now = d.now();
    const kind = kindNamed(job.record.kind);
    const lease: LeaseState = {
      id: newLeaseId(),
      jobId: job.record.id,
      unitKey: unit.key,
      volunteerId,
      lo: unit.lo,
      hi: unit.hi,
      kind: kind.computedAs ?? job.record.kind,
      unit: kind.describe(job.record.params, unit),
      grantedAt: now,
      deadline: now + d.policy.leaseTimeoutMs,
      cost: unitCost(kind, job.record.params, unit),
      done: 0,
    };
    lease.deadline = Math.min(lease.deadline, d.limits.holdUntil(lease, volunteer));
    d.leases.set(lease.id, lease);
    volunteer.leases.add(lease.id);
    unit.leases.add(lease.id);
    indexUnit(d, job, unit);
    job.leasesInFlight++;
    if (advanceState(d, job.record, JobState.Started)) {
      d.store.updateJob(job.record);
    }
    d.events.jobChanged(job.record.id);
    granted.push(lease);
  }
  return granted;
}

/**
 * Whether the volunteer may hold more leases than it does now: after a grant of fewer than it
 * asked for, whether that was for lack of work it may take (it should hear when work comes)
 * rather than its cap (it asks again when it reports).
 */
export function hasRoomForLeases(d: Domain, volunteerId: string): boolean {
  const volunteer = d.volunteers.get(volunteerId);
  return volunteer !== undefined && !refusesWork(d, volunteer) && volunteer.leases.size < d.limits.capacity(volunteer, d.now());
}
