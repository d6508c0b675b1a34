/**
 * A unit's cost in reference seconds, by its kind's cost model, or for a kind without one,
 * proportional to its positions at FALLBACK_POSITIONS_PER_SECOND (what the reference thread
 * sieves per second up to 1e10, so a kind whose positions are numbers to sieve is about right).
 */
import type { AnyJobKind, JsonValue } from './job-kind.js';
import type { Range } from '../split.js';

export const FALLBACK_POSITIONS_PER_SECOND = 6e9;

/** No unit costs less (paces are cost over time: a zero would make a volunteer's speed zero). */
const LEAST_COST = 1e-6;

export function unitCost(kind: AnyJobKind, params: JsonValue, unit: Range): number {
  const cost = kind.cost ? kind.cost(params, unit) : (unit.hi - unit.lo + 1) / FALLBACK_POSITIONS_PER_SECOND;
  return Number.isFinite(cost) ? Math.max(LEAST_COST, cost) : LEAST_COST;
}

/** Positions from `lo` that cost about `seconds` (at least 1; callers clamp to the range). */
export function positionsForCost(kind: AnyJobKind, params: JsonValue, lo: number, seconds: number): number {
  const positions = kind.positionsForCost
    ? kind.positionsForCost(params, lo, seconds)
    : Math.floor(seconds * FALLBACK_POSITIONS_PER_SECOND);
  return Math.max(1, Math.min(Number.MAX_SAFE_INTEGER, positions));
}
