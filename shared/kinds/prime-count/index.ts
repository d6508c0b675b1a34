/** The "prime-count" kind: the primes p with from <= p <= to. A unit's count is all the answer
 * needs from it: counts of adjacent ranges add. */
import { z } from 'zod';
import type { Kernel } from '../../sieve/index.js';
import { rangeJobKind } from '../range-kind.js';
import { U64JsonSchema, fromU64Json, toU64Json } from '../u64-json.js';

export const PRIME_COUNT = 'prime-count';

export const PrimeCountResultSchema = z.strictObject({
  /** Primes in the unit's range. */
  count: U64JsonSchema,
});
export type PrimeCountResult = z.infer<typeof PrimeCountResultSchema>;

export const PrimeCountAnswerSchema = z.strictObject({ prime_count: U64JsonSchema });
export type PrimeCountAnswer = z.infer<typeof PrimeCountAnswerSchema>;

export function computePrimeCount(kernel: Kernel, lo: bigint, hi: bigint): PrimeCountResult {
  return { count: toU64Json(kernel.count(lo, hi)) };
}

const sievedPrimeCount = rangeJobKind<PrimeCountResult, PrimeCountAnswer>({
  name: PRIME_COUNT,
  result: PrimeCountResultSchema,
  join: (left, right) => ({ count: toU64Json(fromU64Json(left.count) + fromU64Json(right.count)) }),
  answer: (whole) => ({ prime_count: whole.count }),
});

/** The view says the range was sieved: a prime-count job may also run combinatorially (prime-count-combinatorial/). */
export const primeCountKind: typeof sievedPrimeCount = {
  ...sievedPrimeCount,
  viewParams: (params) => ({ method: 'sieve', ...sievedPrimeCount.viewParams(params) }),
};
