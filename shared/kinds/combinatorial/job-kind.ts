/**
 * The combinatorial kind: pi(n) by the combinatorial method (plan.ts, compute-unit.ts,
 * combine.ts). A job's positions are the ordinals of its plan's units (position i is
 * plan.units[i - 1]); one position is one unit. The plan is a pure function of the stored
 * params {n, units}, so the coordinator plans again after a restart instead of storing it.
 *
 * A chunk's accumulator is the combiner's merged state of its accepted units: per part, runs
 * of adjacent unit indices, each folded into one result of that part's shape (a hard run's
 * partial sum and per-b vectors, a P2 run's counts, an easy run's sum). Runs merge as units
 * arrive, so an accumulator holds one run per gap in its chunk (bounded by the units in
 * flight), never anything that grows with n; the per-b vectors are about pi(sqrt(n / y)) long.
 * `answer` merges the chunks' runs into one per part and hands them to the combiner.
 */
import { z } from 'zod';
import { splitByCost, type Range } from '../../split.js';
import type { JobKind } from '../job-kind.js';
import { fromU64Json, toU64Json, U64JsonSchema, type U64Json } from '../u64-json.js';
import { createCombiner, hardRunOf, mergeHard, mergeP2, p2RunOf, type HardRun } from './combine.js';
import { PLAN_VERSION, planPi, type CombinatorialPlan } from './plan.js';
import { unitDescriptorSchema, unitResultSchema, type UnitDescriptor, type UnitPart, type UnitResult } from './units.js';

export const COMBINATORIAL = 'combinatorial';

/** The kernel computes x < 2^63 (its products are signed 64-bit). */
export const COMBINATORIAL_LIMIT = (1n << 63n) - 1n;

/** Modelled single-thread nanoseconds a unit aims at (the model runs about 1.5x the kernel's
 * time): short enough to share a job among a few threads evenly, long enough that each unit's
 * trip through the coordinator (parse, vote, fold, store: a few ms of its CPU) stays small. */
const UNIT_MODEL_NS = 1e9;
const MIN_UNITS = 8;
export const MAX_UNITS = 4096;

export const combinatorialParamsSchema = z.strictObject({
  n: U64JsonSchema.refine((n) => BigInt(n) >= 1n && BigInt(n) <= COMBINATORIAL_LIMIT, 'n must be in [1, 2^63 - 1]'),
  /** The plan's target unit count (planPi's second argument). */
  units: z.number().int().min(1).max(MAX_UNITS),
  /** The plan's version (plan.ts): a job of another version cannot be resumed here. */
  plan: z.literal(PLAN_VERSION, { error: `the plan's version is not ${PLAN_VERSION}` }),
});
export type CombinatorialParams = z.infer<typeof combinatorialParamsSchema>;

/** One run of adjacent units of one part, folded into a result of that part's shape
 * (`result.index` is the run's first unit). */
type Run = {
  part: UnitPart;
  start: number;
  /** Exclusive. */
  end: number;
  result: UnitResult;
};
export type CombinatorialAccumulator = { runs: Run[] };

/** The job's params: the plan's unit target grows with n's modelled cost, at least `chunks`. */
export function combinatorialParams(n: bigint, chunks: number): CombinatorialParams {
  const model = planPi(n, 1).modelNs;
  const byCost = Math.ceil((model.easy + model.hard + model.p2) / UNIT_MODEL_NS);
  const units = Math.min(MAX_UNITS, Math.max(MIN_UNITS, chunks, byCost));
  return { n: toU64Json(n), units, plan: PLAN_VERSION };
}

/** A unit's least modelled cost: an ordinary-leaves unit still takes a call. */
const MIN_UNIT_SECONDS = 0.001;

const plans = new Map<string, CombinatorialPlan>();
const PLANS_KEPT = 16;

/** The job's plan, memoized (leasing describes every unit from it). */
export function planOf(params: CombinatorialParams): CombinatorialPlan {
  const key = `${params.n}:${params.units}`;
  let plan = plans.get(key);
  if (plan === undefined) {
    plan = planPi(fromU64Json(params.n), params.units);
    if (plans.size >= PLANS_KEPT) plans.delete(plans.keys().next().value!);
    plans.set(key, plan);
  }
  return plan;
}

/** How many chunks a job of these params can have: each chunk holds at least one unit. */
export function combinatorialChunkLimit(params: CombinatorialParams): number {
  return planOf(params).units.length;
}

/** Each unit's modelled cost in nanoseconds of the reference thread, by ordinal - 1. */
function unitCostsNs(plan: CombinatorialPlan): number[] {
  return plan.units.map((unit) => (unit.part === 'ordinary' ? 0 : plan.modelNs[unit.part] / Math.max(1, plan.parts[unit.part])));
}

const costsNs = new WeakMap<CombinatorialPlan, number[]>();

/**
 * Reference seconds of the units at ordinals [lo, hi] (the pace a volunteer is measured at).
 * The ordinary leaves are modelled as free; they cost a few milliseconds at most.
 */
function unitSeconds(params: CombinatorialParams, unit: Range): number {
  const plan = planOf(params);
  let costs = costsNs.get(plan);
  if (costs === undefined) costsNs.set(plan, (costs = unitCostsNs(plan)));
  let total = 0;
  for (let ordinal = unit.lo; ordinal <= unit.hi; ordinal++) total += costs[ordinal - 1] ?? 0;
  return Math.max(MIN_UNIT_SECONDS, total * 1e-9);
}

/** Cuts the ordinals 1..units into min(chunks, units) contiguous ranges of about equal modelled cost. */
function chunkRanges(params: CombinatorialParams, chunks: number): Range[] {
  return splitByCost(unitCostsNs(planOf(params)), Math.max(1, chunks));
}

function describe(params: CombinatorialParams, unit: Range): UnitDescriptor {
  if (unit.lo !== unit.hi) throw new RangeError('a combinatorial unit is one position');
  const descriptor = planOf(params).units[unit.lo - 1];
  if (descriptor === undefined) throw new RangeError(`position ${unit.lo} is outside the plan`);
  return descriptor;
}

const i64 = (value: bigint): string => BigInt.asIntN(64, value).toString();

function hardResultOf(index: number, run: HardRun): UnitResult {
  const countDeltas = run.counts.map((c, i) => (i === 0 ? c : run.counts[i - 1]! - c));
  return { part: 'hard', index, partial: i64(run.partial), countDeltas, mu: run.mu };
}

/** The run of `below` and `above` (adjacent, same part) as one. */
function merge(below: Run, above: Run): Run {
  const a = below.result;
  const b = above.result;
  let result: UnitResult;
  if (a.part === 'easy' && b.part === 'easy') {
    result = { part: 'easy', index: below.start, sum: i64(BigInt(a.sum) + BigInt(b.sum)) };
  } else if (a.part === 'hard' && b.part === 'hard') {
    result = hardResultOf(below.start, mergeHard(hardRunOf(a), hardRunOf(b)));
  } else if (a.part === 'p2' && b.part === 'p2') {
    const run = mergeP2(p2RunOf(a), p2RunOf(b));
    result = { part: 'p2', index: below.start, primes: run.primes, points: run.points, local: i64(run.local) };
  } else {
    throw new RangeError(`runs of ${a.part} and ${b.part} do not merge`);
  }
  return { part: below.part, start: below.start, end: above.end, result };
}

const PART_ORDER: Record<UnitPart, number> = { ordinary: 0, easy: 1, hard: 2, p2: 3 };
const byPosition = (a: Run, b: Run): number => PART_ORDER[a.part] - PART_ORDER[b.part] || a.start - b.start;

/** Sorted runs with every adjacent pair of one part merged. */
function mergeAdjacent(runs: Run[]): Run[] {
  const sorted = [...runs].sort(byPosition);
  const out: Run[] = [];
  for (const run of sorted) {
    const last = out[out.length - 1];
    if (last !== undefined && last.part === run.part && run.start < last.end) throw new RangeError(`unit ${run.part}:${run.start} folded twice`);
    if (last !== undefined && last.part === run.part && last.end === run.start && run.part !== 'ordinary') out[out.length - 1] = merge(last, run);
    else out.push(run);
  }
  return out;
}

function accumulate(accumulator: CombinatorialAccumulator, result: UnitResult): CombinatorialAccumulator {
  const run: Run = { part: result.part, start: result.index, end: result.index + 1, result };
  // Exactly once is the domain's invariant; a repeat changes nothing rather than counting twice.
  if (accumulator.runs.some((other) => other.part === run.part && other.start <= run.start && run.start < other.end)) return accumulator;
  return { runs: mergeAdjacent([...accumulator.runs, run]) };
}

function answer(params: CombinatorialParams, accumulators: readonly CombinatorialAccumulator[]): U64Json {
  const plan = planOf(params);
  const runs = mergeAdjacent(accumulators.flatMap((accumulator) => accumulator.runs));
  const combiner = createCombiner({ parts: { easy: plan.parts.easy && 1, hard: plan.parts.hard && 1, p2: plan.parts.p2 && 1 } });
  for (const run of runs) {
    if (run.part !== 'ordinary') {
      if (run.start !== 0 || run.end !== plan.parts[run.part]) throw new RangeError(`the ${run.part} units are incomplete`);
    }
    combiner.add({ ...run.result, index: 0 });
  }
  const pi = combiner.result();
  if (pi === undefined) throw new RangeError('a part of the plan is missing');
  return toU64Json(pi);
}

export const combinatorialKind: JobKind<CombinatorialParams, UnitDescriptor, UnitResult, CombinatorialAccumulator, U64Json> = {
  name: COMBINATORIAL,
  params: combinatorialParamsSchema,
  descriptor: unitDescriptorSchema,
  result: unitResultSchema,
  chunkRanges,
  unitPositions: () => 1,
  // A plan unit is the smallest piece of work and its descriptor covers exactly one: the plan
  // already aims its units at about a second of a thread (UNIT_MODEL_NS).
  cost: unitSeconds,
  positionsForCost: () => 1,
  describe,
  emptyAccumulator: () => ({ runs: [] }),
  accumulate: (accumulator, result) => accumulate(accumulator, result),
  answer,
  viewParams: (params) => ({ method: 'combinatorial', n: params.n }),
  viewAnswer: (primeCount) => ({ prime_count: primeCount }),
};
