import type { Domain } from '../model.js';
import { settle } from './report-result.js';

/**
 * Spot checks wait for a second volunteer's opinion; when no active volunteer is left to
 * give one (they left, paused or stopped asking), the unit is settled on the report it has,
 * unconfirmed. Runs when a volunteer leaves and on the coordinator's periodic sweep.
 */
export function settleWaitingSpotChecks(d: Domain): number {
  let settled = 0;
  for (const job of [...d.active.values()]) {
    for (const unit of [...job.open.values()]) {
      if (!unit.spotCheck || unit.reports.size === 0 || unit.leases.size > 0) continue;
      if (!d.active.has(job.record.id)) break;
      if (settle(d, job, unit)) settled++;
    }
  }
  return settled;
}
