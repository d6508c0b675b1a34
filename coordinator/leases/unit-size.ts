/**
 * How many positions the next unit cut for a volunteer covers. A unit should take about
 * UNIT_SECONDS on the thread that gets it: long enough that the coordinator's cost per unit is
 * noise, short enough that a closed tab loses little. The volunteer's speed is the one the
 * coordinator measured (lease-limits.ts, grant to report), never what it claims; a volunteer
 * not yet measured gets a short unit. The kind's cost model turns seconds into positions.
 * UNIT_SIZE, when set, overrides all of this with fixed units.
 */
import { kindNamed } from '../../shared/kinds/registry.js';
import { positionsForCost, unitCost } from '../../shared/kinds/unit-cost.js';
import type { ActiveJob, Domain, VolunteerState } from '../model.js';

export const DEFAULT_UNIT_SECONDS = 30;
/** Reference seconds of a volunteer's units until its speed is measured: it reports soon. */
export const FIRST_UNIT_SECONDS = 2;
/**
 * A job is cut into at least this many units where it can, so a small job still spreads over
 * the swarm's threads instead of going whole to the first one...
 */
export const MIN_UNITS_PER_JOB = 64;
/** ...but no unit is cut below this many reference seconds, where the cost per unit would show. */
export const MIN_UNIT_SECONDS = 0.25;
/**
 * The fastest a thread is believed to be, against the reference thread (primesieve itself is
 * about 1.5x our kernel): a volunteer that answers faster (a liar that does not compute) must
 * not get units so long that the honest volunteers confirming them take hours.
 */
export const MAX_THREAD_SPEED = 4;

/** Positions of the unit to cut at `lo` of this job for this volunteer (the caller keeps it inside the chunk). */
export function unitPositionsFor(d: Domain, job: ActiveJob, volunteer: VolunteerState, lo: number): number {
  const kind = kindNamed(job.record.kind);
  const { params } = job.record;
  if (d.policy.unitSize !== undefined) return kind.unitPositions(params, d.policy.unitSize);
  const speed = d.limits.threadSpeed(volunteer);
  const seconds =
    speed === undefined ? FIRST_UNIT_SECONDS : (d.policy.unitSeconds ?? DEFAULT_UNIT_SECONDS) * Math.min(MAX_THREAD_SPEED, speed);
  const whole = { lo: job.chunks[0]?.lo ?? lo, hi: job.chunks.at(-1)?.hi ?? lo };
  const share = unitCost(kind, params, whole) / MIN_UNITS_PER_JOB;
  return positionsForCost(kind, params, lo, Math.max(MIN_UNIT_SECONDS, Math.min(seconds, share)));
}
