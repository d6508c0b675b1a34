import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { isqrt, makeRandom, plainSummary, primesIn, summarizePrimes, testSeed, type PlainSummary } from '../../test/support/plain-sieve.js';
import { loadKernel, U64_MAX } from './index.js';

/** Seeded so a failure reproduces: rerun with SIEVE_TEST_SEED=<printed seed>. */
const seed = testSeed('SIEVE_TEST_SEED');

function referenceCount(lo: number, hi: number): number {
  return primesIn(BigInt(lo), BigInt(hi)).length;
}

type Range = [lo: number, hi: number];

/** >= 1,000 ranges of the shapes that break sieves: tiny, single numbers, word and wheel
 * boundaries, 2^31 / 2^32 crossings, multi-segment spans, heights up to 2^53 - 1. */
function randomRanges(random: () => number): Range[] {
  const int = (n: number): number => Math.floor(random() * n);
  const ranges: Range[] = [];
  const clampPush = (lo: number, width: number): void => {
    const l = Math.max(0, Math.min(lo, Number.MAX_SAFE_INTEGER));
    ranges.push([l, Math.min(l + width, Number.MAX_SAFE_INTEGER)]);
  };
  for (let n = 0; n < 420; n++) clampPush(int(10_000), int(int(200) + 1));
  for (let n = 0; n < 100; n++) {
    const x = int(2) === 0 ? int(1_000_000) : 2 ** 31 + int(2 ** 22) - 2 ** 21;
    clampPush(x, 0);
  }
  for (let n = 0; n < 150; n++) clampPush(int(100_000_000), int(300_000));
  for (let n = 0; n < 150; n++) clampPush(2 ** 31 - int(200_000), int(400_000));
  for (let n = 0; n < 150; n++) clampPush(2 ** 32 - int(200_000), int(400_000));
  // 15,728,640 = numbers per segment (2^19 wheel bytes): spans of 1 to 3 segments, +-30.
  for (let n = 0; n < 12; n++) clampPush(int(1e12), 15_728_640 * (1 + int(2)) + int(61) - 30);
  for (let n = 0; n < 20; n++) clampPush(Math.floor(random() * 1e14), int(100_000));
  for (let n = 0; n < 5; n++) clampPush(Math.floor(random() * 2 ** 53), int(3_000));
  for (let n = 0; n < 5; n++) clampPush(Number.MAX_SAFE_INTEGER - int(50_000), int(50_000));
  return ranges;
}

/** pi(x) and range counts from primecount / primesieve (SIEVE.md), each well under a second. */
const VECTORS: [lo: number, hi: number, count: number][] = [
  [0, 1, 0],
  [2, 2, 1],
  [0, 10, 4],
  [0, 100, 25],
  [0, 1_000, 168],
  [0, 10_000, 1_229],
  [0, 100_000, 9_592],
  [0, 1_000_000, 78_498],
  [0, 10_000_000, 664_579],
  [0, 100_000_000, 5_761_455],
  [0, 1_000_000_000, 50_847_534],
  [0, 10_007, 1_230],
  [0, 65_536, 6_542],
  [0, 123_456_789, 7_027_260],
  [0, 1_000_000_007, 50_847_535],
  [1e12, 1e12 + 1e7, 361_726],
  [1e12, 1e12 + 123_456_789, 4_467_108],
  // Many segments with bucketed primes (sqrt(hi) above the sparse tier's 2^22): primesieve.
  [1e14, 1e14 + 2e8, 6_202_561],
  [9_007_199_154_740_992, 9_007_199_254_740_991, 2_721_647],
  // Inside one window with big primes (above 2^22), and across the boundary between two at
  // 100,003,213,213,710 (windows of 4,026,531,840 numbers): primesieve.
  [1e14, 1e14 + 2.1e9, 65_137_141],
  [1e14 + 2.1e9, 1e14 + 4.2e9, 65_151_025],
  [4_294_967_000, 4_294_968_000, 47],
  [1e10 - 1_000, 1e10, 41],
  [9_007_199_254_740_000, 9_007_199_254_740_991, 25],
  [9_999_999_967, 9_999_999_967, 1],
  [999_999_999_989, 999_999_999_989, 1],
  [4_294_967_311, 4_294_967_311, 1],
  [2_147_483_647, 2_147_483_648, 1],
  [4_294_967_295, 4_294_967_296, 0],
];

/** 1e8-wide windows across 2^31 and 2^32 (primecount: pi(2197483648) - pi(2097483648),
 * pi(4344967296) - pi(4244967296); both lower ends are even). */
const WINDOW_VECTORS: [lo: number, hi: number, count: number][] = [
  [2_097_483_648, 2_197_483_648, 107_423_326 - 102_769_610],
  [4_244_967_296, 4_344_967_296, 205_534_118 - 201_025_257],
];

const kernel = await loadKernel();

describe('prime counts (safe-integer API, as the sieve job uses it)', () => {
  it.each(VECTORS)('[%d, %d] has %d primes', (lo, hi, count) => {
    expect(kernel.countPrimes(lo, hi)).toBe(count);
  });

  it.each(WINDOW_VECTORS)('[%d, %d] has %d primes', (lo, hi, count) => {
    expect(kernel.countPrimes(lo, hi)).toBe(count);
  });

  it('matches the reference sieve on random ranges', { timeout: 300_000 }, () => {
    const ranges = randomRanges(makeRandom(seed));
    expect(ranges.length).toBeGreaterThanOrEqual(1_000);
    for (const [lo, hi] of ranges) {
      expect({ lo, hi, count: kernel.countPrimes(lo, hi) }).toEqual({ lo, hi, count: referenceCount(lo, hi) });
    }
  });

  it('rejects bad arguments with RangeError', () => {
    for (const [lo, hi] of [
      [-1, 5],
      [5, 4],
      [0.5, 3],
      [0, 2 ** 53],
      [Number.NaN, 1],
      [0, Number.POSITIVE_INFINITY],
    ] as Range[]) {
      expect(() => kernel.countPrimes(lo, hi)).toThrow(RangeError);
    }
    for (const [lo, hi] of [
      [-1n, 5n],
      [5n, 4n],
      [0n, U64_MAX + 1n],
    ]) {
      expect(() => kernel.count(lo!, hi!)).toThrow(RangeError);
      expect(() => kernel.summarize(lo!, hi!)).toThrow(RangeError);
    }
  });
});

describe('range summaries: count, first, last, twin pairs, largest gap', () => {
  it.each([
    [0n, 1n],
    [2n, 2n],
    [2n, 3n],
    [3n, 5n],
    [0n, 10n],
    [4n, 4n],
    [24n, 28n],
    [5n, 7n],
    [29n, 31n],
    [0n, 30n],
    [887n, 907n],
    [1_327n, 1_361n],
    [31_397n, 31_469n],
  ])('[%d, %d] as the plain sieve says', (lo, hi) => {
    expect(kernel.summarize(lo, hi)).toEqual(plainSummary(lo, hi));
  });

  it('matches the plain sieve on random ranges (seeded)', { timeout: 120_000 }, () => {
    const random = makeRandom(seed ^ 0x5eed);
    const int = (n: number): number => Math.floor(random() * n);
    const ranges: [bigint, bigint][] = [];
    for (let n = 0; n < 300; n++) ranges.push([BigInt(int(5_000)), BigInt(int(5_000))]);
    for (let n = 0; n < 100; n++) {
      const lo = int(2 ** 33);
      ranges.push([BigInt(lo), BigInt(lo + int(3_000))]);
    }
    // Multi-segment spans (15,728,640 numbers per segment) at 1e12.
    for (let n = 0; n < 4; n++) {
      const lo = 1e12 + int(1e9);
      ranges.push([BigInt(lo), BigInt(lo + 15_728_640 + int(15_728_640))]);
    }
    for (let n = 0; n < 10; n++) {
      const lo = Math.floor(random() * 2 ** 53) - 10_000;
      ranges.push([BigInt(lo), BigInt(lo + int(10_000))]);
    }
    for (const [a, b] of ranges) {
      const [lo, hi] = a <= b ? [a, b] : [b, a];
      expect({ lo, hi, ...kernel.summarize(lo, hi) }).toEqual({ lo, hi, ...plainSummary(lo, hi) });
    }
  });

  it('twin pairs across a window boundary with big primes: [1e14 + 2.1e9, 1e14 + 4.2e9] has 2668355 (primesieve)', { timeout: 120_000 }, () => {
    expect(kernel.summarize(10n ** 14n + 2_100_000_000n, 10n ** 14n + 4_200_000_000n)).toMatchObject({ count: 65_151_025n, twins: 2_668_355n });
  });

  it('summarize and count agree on the count', () => {
    expect(kernel.summarize(10n ** 12n, 10n ** 12n + 10n ** 7n).count).toBe(361_726n);
    expect(kernel.count(10n ** 12n, 10n ** 12n + 10n ** 7n)).toBe(361_726n);
  });

  // OEIS A007508: twin pairs below 10^k (a pair below 10^k has p + 2 < 10^k: 10^k is never prime).
  it.each([
    [3, 35n],
    [4, 205n],
    [5, 1_224n],
    [6, 8_169n],
    [7, 58_980n],
    [8, 440_312n],
    [9, 3_424_506n],
  ])('twin pairs below 10^%d: %d', { timeout: 60_000 }, (k, twins) => {
    expect(kernel.summarize(0n, 10n ** BigInt(k)).twins).toBe(twins);
  });

  // OEIS A002386 / A005250: maximal gaps (the first gap of each size at least as large as all before).
  it('gap 72 after 31397 is the first of its size, and the largest below 10^5', () => {
    expect(kernel.summarize(0n, 31_469n)).toMatchObject({ maxGap: 72n, gapStart: 31_397n });
    expect(kernel.summarize(0n, 31_468n)).toMatchObject({ maxGap: 52n, gapStart: 19_609n });
    expect(kernel.summarize(0n, 100_000n)).toMatchObject({ maxGap: 72n, gapStart: 31_397n });
  });

  it('gap 354 after 4302407359 (the largest below 10^10) in a window around it', () => {
    const summary = kernel.summarize(4_302_000_000n, 4_303_000_000n);
    expect(summary).toMatchObject({ maxGap: 354n, gapStart: 4_302_407_359n });
    expect(kernel.summarize(4_302_407_359n, 4_302_407_713n)).toEqual({
      count: 2n,
      first: 4_302_407_359n,
      last: 4_302_407_713n,
      twins: 0n,
      maxGap: 354n,
      gapStart: 4_302_407_359n,
    });
  });

  it('ties go to the smallest start', () => {
    // Gaps of [0, 37]: 1, 2, 2, 4, 2, 4, 2, 4, 6, 2, 6; the first 6 starts at 23.
    expect(kernel.summarize(0n, 37n)).toMatchObject({ maxGap: 6n, gapStart: 23n, twins: 5n });
  });
});

/** Recorded with primesieve 11 (`primesieve A B -c1 -c2`, and `-p` for the rest). */
const TOP_WINDOWS: [lo: bigint, hi: bigint, summary: ReturnType<typeof summarizePrimes>][] = [
  [
    U64_MAX - 999_999n,
    U64_MAX,
    {
      count: 22_475n,
      first: 18_446_744_073_708_551_719n,
      last: 18_446_744_073_709_551_557n,
      twins: 682n,
      maxGap: 420n,
      gapStart: 18_446_744_073_709_503_107n,
    },
  ],
  [
    U64_MAX - 100n,
    U64_MAX,
    {
      count: 3n,
      first: 18_446_744_073_709_551_521n,
      last: 18_446_744_073_709_551_557n,
      twins: 0n,
      maxGap: 24n,
      gapStart: 18_446_744_073_709_551_533n,
    },
  ],
  [
    U64_MAX - 10_000n,
    U64_MAX - 8_000n,
    {
      count: 40n,
      first: 18_446_744_073_709_541_621n,
      last: 18_446_744_073_709_543_573n,
      twins: 1n,
      maxGap: 366n,
      gapStart: 18_446_744_073_709_541_893n,
    },
  ],
  [
    2n ** 63n - 1_000n,
    2n ** 63n + 1_000n,
    {
      count: 45n,
      first: 9_223_372_036_854_774_893n,
      last: 9_223_372_036_854_776_803n,
      twins: 0n,
      maxGap: 154n,
      gapStart: 9_223_372_036_854_776_407n,
    },
  ],
];

function primesieveCounts(lo: bigint, hi: bigint): { primes: bigint; twins: bigint } | undefined {
  const run = spawnSync('primesieve', [String(lo), String(hi), '-c1', '-c2'], { encoding: 'utf8' });
  if (run.error !== undefined || run.status !== 0) return undefined;
  const primes = /Primes:\s*(\d+)/.exec(run.stdout)?.[1];
  const twins = /Twin primes:\s*(\d+)/.exec(run.stdout)?.[1];
  return primes === undefined || twins === undefined ? undefined : { primes: BigInt(primes), twins: BigInt(twins) };
}

const hasPrimesieve = primesieveCounts(0n, 10n) !== undefined;

// Near 2^64 a unit starts all 203 million sieving primes below 2^32: each call here costs
// seconds, so the windows are few.
describe('near 2^64', () => {
  it.each(TOP_WINDOWS)('[%d, %d] as recorded from primesieve', { timeout: 120_000 }, (lo, hi, summary) => {
    expect(kernel.summarize(lo, hi)).toEqual(summary);
  });

  it('counting agrees with the summary at the top', { timeout: 120_000 }, () => {
    expect(kernel.count(U64_MAX - 999_999n, U64_MAX)).toBe(22_475n);
  });

  it('single numbers at the top: 2^64 - 1 is not prime, 2^64 - 59 is the largest prime', { timeout: 120_000 }, () => {
    expect(kernel.summarize(U64_MAX, U64_MAX)).toEqual(plainSummary(U64_MAX, U64_MAX));
    expect(kernel.summarize(U64_MAX - 58n, U64_MAX - 58n)).toEqual({
      count: 1n,
      first: U64_MAX - 58n,
      last: U64_MAX - 58n,
      twins: 0n,
      maxGap: null,
      gapStart: null,
    });
  });

  it('a random window near 2^64 matches Miller-Rabin (seeded)', { timeout: 120_000 }, () => {
    const random = makeRandom(seed ^ 0x64);
    const lo = U64_MAX - BigInt(Math.floor(random() * 2 ** 40)) - 3_000n;
    const hi = lo + BigInt(Math.floor(random() * 3_000));
    expect({ lo, hi, ...kernel.summarize(lo, hi) }).toEqual({ lo, hi, ...plainSummary(lo, hi) });
  });

  it('[2^64 - 1e8, 2^64 - 1]: 2253052 primes, 67244 twin pairs (recorded from primesieve)', { timeout: 120_000 }, () => {
    expect(kernel.summarize(U64_MAX - 99_999_999n, U64_MAX)).toMatchObject({ count: 2_253_052n, twins: 67_244n });
  });

  it.skipIf(!hasPrimesieve)('random windows near 2^64 (one ending at 2^64 - 1) match primesieve', { timeout: 300_000 }, () => {
    const random = makeRandom(seed ^ 0x65);
    const middle = U64_MAX - BigInt(Math.floor(random() * 2 ** 50)) - 40_000_000n;
    for (const [lo, hi] of [
      [U64_MAX - BigInt(Math.floor(random() * 3e7)), U64_MAX],
      [middle, middle + BigInt(Math.floor(random() * 3e7))],
    ] as [bigint, bigint][]) {
      const summary = kernel.summarize(lo, hi);
      expect({ lo, hi, primes: summary.count, twins: summary.twins }).toEqual({ lo, hi, ...primesieveCounts(lo, hi) });
    }
  });
});

/** The summary of two adjacent ranges, left below right, as a job joins its units'. */
function joinSummaries(left: PlainSummary, right: PlainSummary): PlainSummary {
  if (left.last === null) return right;
  if (right.first === null || right.last === null) return left;
  const straddle = right.first - left.last;
  let maxGap = left.maxGap;
  let gapStart = left.gapStart;
  for (const [gap, start] of [
    [straddle, left.last],
    [right.maxGap, right.gapStart],
  ] as const) {
    if (gap !== null && (maxGap === null || gap > maxGap)) {
      maxGap = gap;
      gapStart = start;
    }
  }
  return {
    count: left.count + right.count,
    first: left.first,
    last: right.last,
    twins: left.twins + right.twins + (straddle === 2n ? 1n : 0n),
    maxGap,
    gapStart,
  };
}

/** Wheel bytes of 30 numbers grouped in windows of 2^27 bytes, laid down from the last byte
 * (2^64 - 1 is in byte U64_MAX / 30) to the first. */
const WINDOW_NUMBERS = 30n * 2n ** 27n;
/** The start of the last window: 2^64 - 4,026,531,826. */
const TOP_WINDOW = 30n * (U64_MAX / 30n + 1n) - WINDOW_NUMBERS;

// A thread keeps the window it prepared (pattern and big primes' hits) between calls: a call
// that starts inside the part prepared before reuses it. Each call below either continues the
// last one, goes back inside what was prepared, or jumps to another window; joined, they must
// give what one call and primesieve give.
describe('calls that continue where the last one stopped', () => {
  it('near 2^64: consecutive calls across a window boundary, then jumps back', { timeout: 300_000 }, () => {
    expect(TOP_WINDOW).toBe(U64_MAX + 1n - 4_026_531_826n);
    const lo = TOP_WINDOW - 20_000_000n;
    const hi = TOP_WINDOW + 10_000_000n;
    const cuts = [lo, TOP_WINDOW - 12_000_000n, TOP_WINDOW, TOP_WINDOW + 3_999_994n, hi + 1n];
    const pieces = cuts.slice(0, -1).map((from, n) => [from, cuts[n + 1]! - 1n] as const);
    const summaries = pieces.map(([from, to], n) => {
      const summary = kernel.summarize(from, to);
      // The second piece again by count: it reuses the window the first one prepared.
      if (n === 1) expect(kernel.count(from, to)).toBe(summary.count);
      return summary;
    });
    const joined = summaries.reduce(joinSummaries);
    // Recorded with primesieve 11: `primesieve lo hi -c1 -c2`.
    expect({ count: joined.count, twins: joined.twins }).toEqual({ count: 675_728n, twins: 20_007n });
    // Back into the window below the top, before where it was prepared from, and a few numbers
    // checked one by one.
    const back = TOP_WINDOW - 25_000_000n;
    expect(kernel.summarize(back, back + 2_000n)).toEqual(plainSummary(back, back + 2_000n));
    // Then the whole range in one call (the window below reused from there, the top one
    // prepared again): the same summary.
    expect(kernel.summarize(lo, hi)).toEqual(joined);
    // And the top window again, inside the part just prepared.
    expect(kernel.summarize(TOP_WINDOW + 5_000_000n, TOP_WINDOW + 5_002_000n)).toEqual(plainSummary(TOP_WINDOW + 5_000_000n, TOP_WINDOW + 5_002_000n));
  });

  it.skipIf(!hasPrimesieve)('near 2^64: the consecutive pieces match primesieve one by one', { timeout: 300_000 }, () => {
    const cuts = [TOP_WINDOW - 8_000_000n, TOP_WINDOW - 2_000_001n, TOP_WINDOW + 1n, TOP_WINDOW + 6_000_000n];
    for (let n = 0; n + 1 < cuts.length; n++) {
      const [from, to] = [cuts[n]!, cuts[n + 1]! - 1n];
      const summary = kernel.summarize(from, to);
      expect({ from, to, primes: summary.count, twins: summary.twins }).toEqual({ from, to, ...primesieveCounts(from, to) });
    }
  });

  it('at 1e14, where only the part a call needs is prepared: continuing, inside and past it', { timeout: 120_000 }, () => {
    const lo = 10n ** 14n;
    const first = kernel.summarize(lo, lo + 20_000_000n);
    // Inside the part prepared for the call before.
    expect(kernel.count(lo + 5_000_000n, lo + 15_000_000n)).toBe(310_889n);
    // Continuing past it.
    const second = kernel.summarize(lo + 20_000_001n, lo + 40_000_000n);
    const joined = joinSummaries(first, second);
    // Recorded with primesieve 11.
    expect({ count: joined.count, twins: joined.twins }).toEqual({ count: 1_241_066n, twins: 50_849n });
    expect(kernel.summarize(lo, lo + 40_000_000n)).toEqual(joined);
  });
});

describe('the kernel', () => {
  it('isqrt of the reference is exact at perfect squares and near 2^53', () => {
    for (const r of [0, 1, 2, 3, 46_340, 65_535, 65_536, 94_906_265]) {
      expect(isqrt(r * r)).toBe(r);
      if (r > 0) expect(isqrt(r * r - 1)).toBe(r - 1);
    }
    expect(isqrt(Number.MAX_SAFE_INTEGER)).toBe(94_906_265);
  });

  it('is Wasm', () => {
    expect(kernel.name).toBe('wasm');
  });
});
