/**
 * A range kind as a job kind: the range [from, to] laid out as positions (range-params.ts),
 * chunks by the seed's split rule, a unit's descriptor the numbers it covers, and a unit's
 * result a summary of its range that joins with its neighbours' (range-fold.ts). A chunk's
 * accumulator is the list of its joined segments, so units may arrive in any order.
 */
import type { z } from 'zod';
import { splitIntoChunks } from '../split.js';
import type { JobKind, JsonValue } from './job-kind.js';
import { addSegment, joinSegments, type Segment } from './range-fold.js';
import { sieveNumbersForSeconds, sieveUnitSeconds } from './sieve-cost.js';
import { fromU64Json } from './u64-json.js';
import { numbersOf, rangeDescriptorSchema, rangeParamsSchema, rangeSize, type RangeDescriptor, type RangeParams } from './range-params.js';

export interface RangeKindSpec<Result extends JsonValue, Answer extends { [field: string]: JsonValue }> {
  readonly name: string;
  /** A unit's result as it travels: the summary of its range. */
  readonly result: z.ZodType<Result>;
  /** The summary of two adjacent ranges, left below right (associative). */
  join(left: Result, right: Result): Result;
  /** The job's answer from the summary of the whole range. */
  answer(whole: Result): Answer;
}

export type RangeJobKind<Result extends JsonValue, Answer extends { [field: string]: JsonValue }> = JobKind<
  RangeParams,
  RangeDescriptor,
  Result,
  Segment<Result>[],
  Answer
>;

export function rangeJobKind<Result extends JsonValue, Answer extends { [field: string]: JsonValue }>(
  spec: RangeKindSpec<Result, Answer>,
): RangeJobKind<Result, Answer> {
  return {
    name: spec.name,
    params: rangeParamsSchema,
    descriptor: rangeDescriptorSchema,
    result: spec.result,
    chunkRanges: (params, chunks) => splitIntoChunks(rangeSize(params), chunks),
    unitPositions: (_params, unitSize) => unitSize,
    // The sieve's cost model by position; numbers near 2^64 are rounded, which a cost estimate allows.
    cost: (params, unit) => {
      const from = Number(fromU64Json(params.from));
      return sieveUnitSeconds(from + unit.lo - 1, from + unit.hi - 1);
    },
    positionsForCost: (params, lo, seconds) => sieveNumbersForSeconds(Number(fromU64Json(params.from)) + lo - 1, seconds, rangeSize(params) - lo + 1),
    describe: (params, unit) => numbersOf(params, unit),
    emptyAccumulator: () => [],
    accumulate: (segments, result, unit) => addSegment(segments, unit, result, spec.join),
    answer: (params, accumulators) => spec.answer(joinSegments(accumulators.flat(), { lo: 1, hi: rangeSize(params) }, spec.join)),
    viewParams: (params) => ({ kind: spec.name, from: params.from, to: params.to }),
    viewAnswer: (answer) => answer,
  };
}
