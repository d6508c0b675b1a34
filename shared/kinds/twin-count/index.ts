/**
 * The "twin-count" kind: the pairs (p, p + 2), both prime, with from <= p and p + 2 <= to.
 * A pair can straddle two units, so a unit reports its first and last prime besides its own
 * pairs: the last prime of one range and the first of the next are consecutive primes, a pair
 * exactly when they differ by 2.
 */
import { z } from 'zod';
import type { Kernel } from '../../sieve/index.js';
import { rangeJobKind } from '../range-kind.js';
import { U64JsonSchema, fromU64Json, fromU64JsonOrNull, toU64Json, toU64JsonOrNull } from '../u64-json.js';

export const TWIN_COUNT = 'twin-count';

export const TwinCountResultSchema = z
  .strictObject({
    /** Pairs with both members in the unit's range. */
    twins: U64JsonSchema,
    /** Smallest and largest prime in the unit's range; null when it has none. */
    first: U64JsonSchema.nullable(),
    last: U64JsonSchema.nullable(),
  })
  .refine(
    ({ twins, first, last }) =>
      first === null
        ? last === null && twins === 0
        : last !== null && BigInt(first) <= BigInt(last) && (BigInt(last) - BigInt(first)) / 2n >= BigInt(twins),
    { message: 'first and last are both null (and twins 0) or first <= last with room for the twins' },
  );
export type TwinCountResult = z.infer<typeof TwinCountResultSchema>;

export const TwinCountAnswerSchema = z.strictObject({ twin_count: U64JsonSchema });
export type TwinCountAnswer = z.infer<typeof TwinCountAnswerSchema>;

interface TwinSummary {
  twins: bigint;
  first: bigint | null;
  last: bigint | null;
}

export function joinTwins(left: TwinSummary, right: TwinSummary): TwinSummary {
  const straddling = left.last !== null && right.first !== null && right.first - left.last === 2n ? 1n : 0n;
  return {
    twins: left.twins + right.twins + straddling,
    first: left.first ?? right.first,
    last: right.last ?? left.last,
  };
}

function parse(result: TwinCountResult): TwinSummary {
  return { twins: fromU64Json(result.twins), first: fromU64JsonOrNull(result.first), last: fromU64JsonOrNull(result.last) };
}

function toResult({ twins, first, last }: TwinSummary): TwinCountResult {
  return { twins: toU64Json(twins), first: toU64JsonOrNull(first), last: toU64JsonOrNull(last) };
}

export function computeTwinCount(kernel: Kernel, lo: bigint, hi: bigint): TwinCountResult {
  return toResult(kernel.summarize(lo, hi));
}

export const twinCountKind = rangeJobKind<TwinCountResult, TwinCountAnswer>({
  name: TWIN_COUNT,
  result: TwinCountResultSchema,
  join: (left, right) => toResult(joinTwins(parse(left), parse(right))),
  answer: (whole) => ({ twin_count: whole.twins }),
});
