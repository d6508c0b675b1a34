/** The "prime-count" kind: the primes p with from <= p <= to. A unit's count is all the answer
 * needs from it: counts of adjacent ranges add. */
import { z } from 'zod';
import type { Combiner, Kind, U64Range } from '../kind.js';
import { foldCombiner } from '../range-fold.js';
import { splitRange } from '../split-range.js';
import { U64JsonSchema, fromU64Json, toU64Json } from '../u64-json.js';

export const PrimeCountResultSchema = z.strictObject({
  /** Primes in the unit's range. */
  count: U64JsonSchema,
});
export type PrimeCountResult = z.infer<typeof PrimeCountResultSchema>;

export const PrimeCountAnswerSchema = z.strictObject({ prime_count: U64JsonSchema });
export type PrimeCountAnswer = z.infer<typeof PrimeCountAnswerSchema>;

function combiner(range: U64Range): Combiner<PrimeCountResult, PrimeCountAnswer> {
  return foldCombiner(
    range,
    (result: PrimeCountResult) => fromU64Json(result.count),
    (left, right) => left + right,
    (count) => ({ prime_count: toU64Json(count) }),
  );
}

export const primeCount: Kind<PrimeCountResult, PrimeCountAnswer> = {
  name: 'prime-count',
  resultSchema: PrimeCountResultSchema,
  answerSchema: PrimeCountAnswerSchema,
  ranges: splitRange,
  compute: (kernel, { lo, hi }) => ({ count: toU64Json(kernel.count(lo, hi)) }),
  agree: (a, b) => fromU64Json(a.count) === fromU64Json(b.count),
  combiner,
};
