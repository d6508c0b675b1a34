/**
 * Units that wait for a vote (or, after failures, a computation) nobody connected can give:
 * shown in the job view, settled again as volunteers come and go, and ended after
 * DISPUTE_TIMEOUT. A unit nobody can
 * decide fails its job with a message naming the range, because a wrong count is worse
 * than a failed job.
 */
import { JobState } from '../../shared/api.js';
import { endJob } from '../jobs/finish-job.js';
import type { ActiveJob, Domain, OpenUnit } from '../model.js';
import { someoneMayVote } from '../leases/active-volunteers.js';
import { settleUnit } from './settle-unit.js';
import { groupVotes } from './votes.js';

/** Whether the unit was worked on (votes or failures), is not decided, has no lease in flight, and nobody to ask. */
function stalled(d: Domain, unit: OpenUnit): boolean {
  return (unit.votes.size > 0 || unit.failures > 0) && unit.leases.size === 0 && !someoneMayVote(d, unit);
}

function describeWait(unit: OpenUnit): string {
  const range = `[${unit.lo}, ${unit.hi}]`;
  if (unit.votes.size === 0) return `${range} failed on every network that could compute it: waiting for a volunteer on another network (or a trusted worker) to try it`;
  return groupVotes(unit.votes).length > 1
    ? `volunteers disagree on ${range}: waiting for a volunteer on a third network or a trusted worker to decide`
    : `waiting for a volunteer on another network (or a trusted worker) to confirm ${range}`;
}

/** What the job waits for, for the job view; undefined when it waits for nobody. */
export function waitingReason(d: Domain, job: ActiveJob): string | undefined {
  for (const unit of job.open.values()) if (stalled(d, unit)) return describeWait(unit);
  return undefined;
}

function formatDuration(ms: number): string {
  return ms % 60_000 === 0 ? `${ms / 60_000} min` : `${Math.round(ms / 1000)} s`;
}

/** Every open unit of every active job, with its job; live (see sliced-sweep.ts). */
export function* openUnits(d: Domain): Generator<[ActiveJob, OpenUnit]> {
  for (const job of d.active.values()) for (const unit of job.open.values()) yield [job, unit];
}

/** How many units are open, over every active job. */
export function openUnitCount(d: Domain): number {
  let count = 0;
  for (const job of d.active.values()) count += job.open.size;
  return count;
}

/**
 * The periodic sweep: settles units whose votes now decide (a vote was withdrawn by a
 * quarantine), starts or clears each unit's wait clock, and fails the job of a unit that has
 * waited DISPUTE_TIMEOUT. Looks at `units` (every open unit by default; the coordinator's
 * timer passes a slice of them at a time). Returns the jobs it failed.
 */
export function sweepUndecided(d: Domain, units: Iterable<[ActiveJob, OpenUnit]> = [...openUnits(d)]): string[] {
  const failed: string[] = [];
  const timeout = d.trust.policy.disputeTimeoutMs;
  for (const [job, unit] of units) {
    // Nearly every unit: nothing to settle and nothing it waits for.
    if (unit.votes.size === 0 && unit.failures === 0) {
      unit.waitingSince = undefined;
      continue;
    }
    // Its job may have ended, or the unit been decided, since the units were listed.
    if (d.active.get(job.record.id) !== job || job.open.get(unit.key) !== unit) continue;
    if (unit.votes.size > 0 && unit.leases.size === 0 && settleUnit(d, job, unit)) continue;
    if (!stalled(d, unit)) {
      unit.waitingSince = undefined;
      continue;
    }
    if (unit.waitingSince === undefined) {
      unit.waitingSince = d.now();
      d.events.jobChanged(job.record.id);
    }
    if (timeout > 0 && d.now() - unit.waitingSince >= timeout) {
      failUndecided(d, job, unit, timeout);
      failed.push(job.record.id);
    }
  }
  return failed;
}

function failUndecided(d: Domain, job: ActiveJob, unit: OpenUnit, timeout: number): void {
  const reason =
    unit.votes.size === 0
      ? 'its computation failed and no volunteer on another network could try it'
      : groupVotes(unit.votes).length > 1
        ? 'volunteers disagree on its count'
        : 'no independent volunteer could confirm its count';
  endJob(
    d,
    job,
    JobState.Failure,
    `range [${unit.lo}, ${unit.hi}] could not be decided within ${formatDuration(timeout)}: ${reason}`,
  );
}
