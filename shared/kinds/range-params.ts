/**
 * The parameters every range kind shares: the range [from, to] of 0..2^64 - 1, laid out as
 * positions 1..size (size = to - from + 1, position p is the number from + p - 1). Positions
 * are JS numbers, so a range may hold at most 2^53 - 1 numbers.
 */
import { z } from 'zod';
import { MAX_RANGE_WIDTH } from '../api.js';
import type { Range } from '../split.js';
import { U64JsonSchema, fromU64Json, toU64Json, type U64Json } from './u64-json.js';

export const rangeParamsSchema = z
  .strictObject({ from: U64JsonSchema, to: U64JsonSchema })
  .refine(({ from, to }) => fromU64Json(from) <= fromU64Json(to), 'from must not exceed to')
  .refine(({ from, to }) => fromU64Json(to) - fromU64Json(from) < BigInt(MAX_RANGE_WIDTH), 'a range holds at most 2^53 - 1 numbers');
export type RangeParams = z.infer<typeof rangeParamsSchema>;

/** A unit of a range job: the numbers lo..hi themselves. */
export const rangeDescriptorSchema = z
  .strictObject({ lo: U64JsonSchema, hi: U64JsonSchema })
  .refine(({ lo, hi }) => fromU64Json(lo) <= fromU64Json(hi), 'lo must not exceed hi');
export type RangeDescriptor = z.infer<typeof rangeDescriptorSchema>;

/** How many numbers (positions) [from, to] holds. */
export function rangeSize(params: RangeParams): number {
  return Number(fromU64Json(params.to) - fromU64Json(params.from) + 1n);
}

/** The numbers a range of positions stands for. */
export function numbersOf(params: RangeParams, positions: Range): { lo: U64Json; hi: U64Json } {
  const from = fromU64Json(params.from);
  return { lo: toU64Json(from + BigInt(positions.lo) - 1n), hi: toU64Json(from + BigInt(positions.hi) - 1n) };
}
