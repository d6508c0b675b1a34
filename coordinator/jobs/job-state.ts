import { STATE_RANK, type JobState } from '../../shared/api.js';
import type { Domain, JobRecord } from '../model.js';

/**
 * Moves a job forward to `state`. States never move backwards: a request for a state of
 * lower or equal rank is ignored (SUCCESS, FAILURE and REVOKED share the final rank, so a
 * finished job stays finished). Returns whether the state changed.
 */
export function advanceState(d: Domain, job: JobRecord, state: JobState): boolean {
  if (STATE_RANK[state] <= STATE_RANK[job.state]) return false;
  job.state = state;
  if (state === 'STARTED') job.startedAt = d.now();
  return true;
}
