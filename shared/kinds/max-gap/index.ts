/**
 * The "max-gap" kind: the largest difference between consecutive primes p < q with both in
 * [from, to], with the smallest p on ties. A gap can straddle units (or span units with no
 * prime at all), so a unit reports its first and last prime besides its own largest gap: the
 * last prime of one range and the first prime of the next are consecutive primes.
 */
import { z } from 'zod';
import type { Kernel } from '../../sieve/index.js';
import { rangeJobKind } from '../range-kind.js';
import { U64JsonSchema, fromU64JsonOrNull, toU64Json, toU64JsonOrNull } from '../u64-json.js';

export const MAX_GAP = 'max-gap';

export const MaxGapResultSchema = z
  .strictObject({
    /** Largest gap between consecutive primes both in the unit's range, and the smallest prime
     * starting such a gap; both null when the range holds fewer than two primes. */
    gap: U64JsonSchema.nullable(),
    gapStart: U64JsonSchema.nullable(),
    /** Smallest and largest prime in the unit's range; null when it has none. */
    first: U64JsonSchema.nullable(),
    last: U64JsonSchema.nullable(),
  })
  .refine(
    ({ gap, gapStart, first, last }) => {
      if (first === null || last === null) return first === last && gap === null && gapStart === null;
      if (gap === null || gapStart === null) return gap === gapStart && first === last;
      const [g, start, lo, hi] = [BigInt(gap), BigInt(gapStart), BigInt(first), BigInt(last)];
      return g > 0n && lo <= start && start + g <= hi;
    },
    { message: 'gap and gapStart null exactly when there are fewer than two primes, the gap within [first, last]' },
  );
export type MaxGapResult = z.infer<typeof MaxGapResultSchema>;

export const MaxGapAnswerSchema = z.strictObject({
  max_gap: U64JsonSchema.nullable(),
  gap_start: U64JsonSchema.nullable(),
  gap_end: U64JsonSchema.nullable(),
});
export type MaxGapAnswer = z.infer<typeof MaxGapAnswerSchema>;

interface GapSummary {
  gap: bigint | null;
  gapStart: bigint | null;
  first: bigint | null;
  last: bigint | null;
}

interface Candidate {
  gap: bigint | null;
  gapStart: bigint | null;
}

/** The larger of two candidate gaps; on a tie the first one (callers pass them in order of
 * their start, so the smallest start wins). */
function larger(a: Candidate, b: Candidate): Candidate {
  if (b.gap === null) return a;
  if (a.gap === null) return b;
  return b.gap > a.gap ? b : a;
}

export function joinGaps(left: GapSummary, right: GapSummary): GapSummary {
  // Candidates in order of their start: inside left, across the boundary, inside right.
  const across: Candidate =
    left.last !== null && right.first !== null ? { gap: right.first - left.last, gapStart: left.last } : { gap: null, gapStart: null };
  const best = larger(larger({ gap: left.gap, gapStart: left.gapStart }, across), { gap: right.gap, gapStart: right.gapStart });
  return { gap: best.gap, gapStart: best.gapStart, first: left.first ?? right.first, last: right.last ?? left.last };
}

function parse(result: MaxGapResult): GapSummary {
  return {
    gap: fromU64JsonOrNull(result.gap),
    gapStart: fromU64JsonOrNull(result.gapStart),
    first: fromU64JsonOrNull(result.first),
    last: fromU64JsonOrNull(result.last),
  };
}

function toResult({ gap, gapStart, first, last }: GapSummary): MaxGapResult {
  return { gap: toU64JsonOrNull(gap), gapStart: toU64JsonOrNull(gapStart), first: toU64JsonOrNull(first), last: toU64JsonOrNull(last) };
}

export function computeMaxGap(kernel: Kernel, lo: bigint, hi: bigint): MaxGapResult {
  const summary = kernel.summarize(lo, hi);
  return toResult({ gap: summary.maxGap, gapStart: summary.gapStart, first: summary.first, last: summary.last });
}

export const maxGapKind = rangeJobKind<MaxGapResult, MaxGapAnswer>({
  name: MAX_GAP,
  result: MaxGapResultSchema,
  join: (left, right) => toResult(joinGaps(parse(left), parse(right))),
  answer: ({ gap, gapStart }): MaxGapAnswer =>
    gap === null || gapStart === null
      ? { max_gap: null, gap_start: null, gap_end: null }
      : { max_gap: gap, gap_start: gapStart, gap_end: toU64Json(BigInt(gapStart) + BigInt(gap)) },
});
