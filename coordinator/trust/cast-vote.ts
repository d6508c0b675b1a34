import type { ActiveJob, Domain, OpenUnit, UnitResult, VolunteerState } from '../model.js';
import { indexUnit } from '../leases/wanting.js';
import { refusesWork } from './parties.js';
import { settleUnit } from './settle-unit.js';
import { resultKey } from './votes.js';

/**
 * Adds a volunteer's vote to a unit and settles it if the votes now decide. A vote from a
 * volunteer (or network) caught meanwhile does not count. Returns whether the unit was decided.
 */
export function castVote(d: Domain, job: ActiveJob, unit: OpenUnit, volunteer: VolunteerState, result: UnitResult): boolean {
  if (refusesWork(d, volunteer)) {
    indexUnit(d, job, unit);
    return false;
  }
  unit.votes.set(volunteer.id, { key: resultKey(result), result, network: volunteer.network, trusted: volunteer.trusted });
  if (settleUnit(d, job, unit)) return true;
  indexUnit(d, job, unit);
  // Another opinion is needed: idle volunteers should ask, and the page may show a wait.
  d.events.workAvailable();
  d.events.jobChanged(job.record.id);
  return false;
}
