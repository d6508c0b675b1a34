/**
 * A prime-count range job by the combinatorial method: the primes in [from, to] are
 * pi(to) - pi(from - 1), both computed by the combinatorial kind's plans (its descriptors,
 * results, kernel and accumulators, through its JobKind only). Positions 1..U are the units of
 * the plan of pi(to), positions U + 1..U + L those of the plan of pi(from - 1).
 *
 * pi(0) = pi(1) = 0: the upper plan is of max(to, 1) (a job has at least one unit), and there is
 * no lower plan when from - 1 < 2. A chunk may hold units of both plans (whose units share part
 * names and indices), so its accumulator keeps one combinatorial accumulator per part it holds.
 * Each plan's params carry the plan's version: a job stored under another PLAN_VERSION does
 * not parse, and is not resumed (coordinator/jobs/restore-jobs.ts).
 */
import { z } from 'zod';
import { splitByCost, type Range } from '../../split.js';
import {
  COMBINATORIAL,
  COMBINATORIAL_LIMIT,
  combinatorialKind,
  combinatorialParams,
  combinatorialParamsSchema,
  planOf,
  type CombinatorialAccumulator,
  type CombinatorialParams,
} from '../combinatorial/job-kind.js';
import type { UnitDescriptor, UnitPart, UnitResult } from '../combinatorial/units.js';
import type { JobKind } from '../job-kind.js';
import { PRIME_COUNT, type PrimeCountAnswer } from '../prime-count/index.js';
import { fromU64Json, toU64Json, U64JsonSchema } from '../u64-json.js';

export const PRIME_COUNT_COMBINATORIAL = 'prime-count-combinatorial';

/** The x of the plan of pi(to): pi(0) = pi(1). */
const upperX = (to: bigint): bigint => (to < 1n ? 1n : to);
/** The x of the plan of pi(from - 1), or null where pi(from - 1) = 0. */
const lowerX = (from: bigint): bigint | null => (from >= 3n ? from - 1n : null);

export const primeCountCombinatorialParamsSchema = z
  .strictObject({
    from: U64JsonSchema,
    to: U64JsonSchema,
    /** The plan of pi(max(to, 1)). */
    upper: combinatorialParamsSchema,
    /** The plan of pi(from - 1); null when from < 3. */
    lower: combinatorialParamsSchema.nullable(),
  })
  .superRefine(({ from, to, upper, lower }, ctx) => {
    const [a, b] = [fromU64Json(from), fromU64Json(to)];
    if (a > b) ctx.addIssue({ code: 'custom', message: 'from must not exceed to' });
    if (b > COMBINATORIAL_LIMIT) ctx.addIssue({ code: 'custom', message: 'to must be at most 2^63 - 1' });
    if (fromU64Json(upper.n) !== upperX(b)) ctx.addIssue({ code: 'custom', message: 'the upper plan is not of pi(to)' });
    const x = lowerX(a);
    if ((lower === null) !== (x === null) || (lower !== null && fromU64Json(lower.n) !== x)) {
      ctx.addIssue({ code: 'custom', message: 'the lower plan is not of pi(from - 1)' });
    }
  });
export type PrimeCountCombinatorialParams = z.infer<typeof primeCountCombinatorialParamsSchema>;
/** A chunk's folded results: one combinatorial accumulator per part (of either plan) it holds units of, by base (see accumulate). */
type PartAccumulator = { base: number; folded: CombinatorialAccumulator };
export type PrimeCountCombinatorialAccumulator = PartAccumulator[];

/** The job's params: each plan sized as a combinatorial job of `chunks` chunks would be. */
export function primeCountCombinatorialParams(from: bigint, to: bigint, chunks: number): PrimeCountCombinatorialParams {
  const x = lowerX(from);
  return {
    from: toU64Json(from),
    to: toU64Json(to),
    upper: combinatorialParams(upperX(to), chunks),
    lower: x === null ? null : combinatorialParams(x, chunks),
  };
}

/** Units of the upper plan (positions 1..U). */
const upperUnits = (params: PrimeCountCombinatorialParams): number => planOf(params.upper).units.length;
const lowerUnits = (params: PrimeCountCombinatorialParams): number => (params.lower === null ? 0 : planOf(params.lower).units.length);

/** How many chunks a job of these params can have: each chunk holds at least one unit. */
export function primeCountCombinatorialChunkLimit(params: PrimeCountCombinatorialParams): number {
  return upperUnits(params) + lowerUnits(params);
}

/** The plan and its ordinals that positions [lo, hi] (within one plan) stand for. */
function located(params: PrimeCountCombinatorialParams, unit: Range): { params: CombinatorialParams; ordinals: Range } {
  const split = upperUnits(params);
  if (unit.hi <= split) return { params: params.upper, ordinals: unit };
  if (unit.lo <= split || params.lower === null) throw new RangeError(`positions ${unit.lo}..${unit.hi} are not in one plan`);
  return { params: params.lower, ordinals: { lo: unit.lo - split, hi: unit.hi - split } };
}

/** Reference seconds of positions [lo, hi] (which may span both plans): the combinatorial kind's model. */
function cost(params: PrimeCountCombinatorialParams, unit: Range): number {
  const split = upperUnits(params);
  const parts: Range[] = [
    { lo: unit.lo, hi: Math.min(unit.hi, split) },
    { lo: Math.max(unit.lo, split + 1), hi: unit.hi },
  ].filter((part) => part.lo <= part.hi);
  return parts.reduce((sum, part) => {
    const at = located(params, part);
    return sum + combinatorialKind.cost!(at.params, at.ordinals);
  }, 0);
}

/** Chunks of about equal modelled cost over both plans' units. */
function chunkRanges(params: PrimeCountCombinatorialParams, chunks: number): Range[] {
  const size = primeCountCombinatorialChunkLimit(params);
  const costs = Array.from({ length: size }, (_, i) => cost(params, { lo: i + 1, hi: i + 1 }));
  return splitByCost(costs, Math.max(1, chunks));
}

function describe(params: PrimeCountCombinatorialParams, unit: Range): UnitDescriptor {
  const at = located(params, unit);
  return combinatorialKind.describe(at.params, at.ordinals);
}

/**
 * Folds a unit's result into the accumulator of its part, found by its base: a part's units
 * sit at consecutive positions in index order, so position - index is the same for every unit
 * of one part of one plan, and differs from every other part's (parts are laid out one after
 * another, the upper plan below the lower). No params needed: the kinds' fold takes none.
 */
function accumulate(accumulator: PrimeCountCombinatorialAccumulator, result: UnitResult, unit: Range): PrimeCountCombinatorialAccumulator {
  const base = unit.lo - result.index;
  const at = accumulator.findIndex((part) => part.base === base);
  const before = at < 0 ? combinatorialKind.emptyAccumulator() : accumulator[at]!.folded;
  const entry = { base, folded: combinatorialKind.accumulate(before, result, unit) };
  return at < 0 ? [...accumulator, entry] : accumulator.map((part, i) => (i === at ? entry : part));
}

/** The base of every part of a plan whose units start after `offset` positions, by part. */
function basesOf(params: CombinatorialParams, offset: number): Map<number, UnitPart> {
  const bases = new Map<number, UnitPart>();
  planOf(params).units.forEach((unit, i) => {
    if (unit.index === 0) bases.set(offset + i + 1, unit.part);
  });
  return bases;
}

/** pi(x) of one plan from the parts folded at its bases; throws on a part at a base it does not have. */
function piOf(params: CombinatorialParams, bases: Map<number, UnitPart>, parts: readonly PartAccumulator[]): bigint {
  const mine = parts.filter((part) => bases.has(part.base));
  for (const part of mine) {
    if (part.folded.runs.some((run) => run.part !== bases.get(part.base))) throw new RangeError(`a result of another part was folded at position ${part.base}`);
  }
  return fromU64Json(combinatorialKind.answer(params, mine.map((part) => part.folded)));
}

function answer(params: PrimeCountCombinatorialParams, accumulators: readonly PrimeCountCombinatorialAccumulator[]): PrimeCountAnswer {
  const parts = accumulators.flat();
  const upper = basesOf(params.upper, 0);
  const lower = params.lower === null ? new Map<number, UnitPart>() : basesOf(params.lower, upperUnits(params));
  const stray = parts.find((part) => !upper.has(part.base) && !lower.has(part.base));
  if (stray !== undefined) throw new RangeError(`results were folded at position ${stray.base}, where no part starts`);
  const piTo = piOf(params.upper, upper, parts);
  const piBelow = params.lower === null ? 0n : piOf(params.lower, lower, parts);
  return { prime_count: toU64Json(piTo - piBelow) };
}

export const primeCountCombinatorialKind: JobKind<
  PrimeCountCombinatorialParams,
  UnitDescriptor,
  UnitResult,
  PrimeCountCombinatorialAccumulator,
  PrimeCountAnswer
> = {
  name: PRIME_COUNT_COMBINATORIAL,
  computedAs: COMBINATORIAL,
  params: primeCountCombinatorialParamsSchema,
  descriptor: combinatorialKind.descriptor,
  result: combinatorialKind.result,
  chunkRanges,
  unitPositions: () => 1,
  cost,
  // One position is one plan unit, already about a second of a thread (as for the combinatorial kind).
  positionsForCost: () => 1,
  describe,
  emptyAccumulator: () => [],
  accumulate,
  answer,
  viewParams: (params) => ({ method: 'combinatorial', kind: PRIME_COUNT, from: params.from, to: params.to }),
  viewAnswer: (answer) => answer,
};
