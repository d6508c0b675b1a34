import { describe, expect, it } from 'vitest';
import { countPrimes, isqrt, jsKernel, loadKernel, type Kernel } from './index.js';
import { loadWasmKernel } from './wasm-kernel.js';

/** Seeded so a failure reproduces: rerun with SIEVE_TEST_SEED=<printed seed>. */
const seed = Number(process.env.SIEVE_TEST_SEED ?? Math.floor(Math.random() * 2 ** 32));
console.log(`sieve property tests: SIEVE_TEST_SEED=${seed}`);

/** mulberry32: small, fast, good enough to spread test ranges. */
function makeRandom(state: number): () => number {
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

// Reference: plain odd-only sieve, independent of the wheel code under test.
let referencePrimes: number[] = [];
let referenceLimit = 1;

function referenceSievingPrimes(limit: number): number[] {
  if (limit > referenceLimit) {
    const composite = new Uint8Array(limit + 1);
    const primes: number[] = [];
    for (let i = 3; i <= limit; i += 2) {
      if (composite[i] === 0) {
        primes.push(i);
        for (let j = i * i; j <= limit; j += 2 * i) composite[j] = 1;
      }
    }
    referencePrimes = primes;
    referenceLimit = limit;
  }
  return referencePrimes;
}

function referenceCount(lo: number, hi: number): number {
  let count = lo <= 2 && hi >= 2 ? 1 : 0;
  const first = Math.max(3, lo % 2 === 0 ? lo + 1 : lo);
  if (first > hi) return count;
  const root = isqrt(hi);
  const composite = new Uint8Array(Math.floor((hi - first) / 2) + 1);
  for (const p of referenceSievingPrimes(root)) {
    if (p > root) break;
    // First odd multiple of p that is >= max(p*p, first); first is odd.
    let start = p * p;
    if (start < first) {
      const rem = first % p;
      start = rem === 0 ? first : first + (p - rem);
      if (start % 2 === 0) start += p;
    }
    for (let i = (start - first) / 2; i < composite.length; i += p) composite[i] = 1;
  }
  for (const c of composite) if (c === 0) count++;
  return count;
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

const kernels: Kernel[] = [jsKernel];
const wasm = await loadWasmKernel().catch((error: unknown) => error as Error);
if (wasm instanceof Error) {
  it('wasm kernel loads (its bytes are generated by scripts/build-wasm.ts)', () => {
    throw wasm;
  });
} else {
  kernels.push(wasm);
}

describe.each(kernels.map((kernel) => [kernel.name, kernel] as const))('%s kernel', (_name, kernel) => {
  it.each(VECTORS)('[%d, %d] has %d primes', (lo, hi, count) => {
    expect(kernel.countPrimes(lo, hi)).toBe(count);
  });

  it.each(WINDOW_VECTORS)('[%d, %d] has %d primes', (lo, hi, count) => {
    expect(kernel.countPrimes(lo, hi)).toBe(count);
  });

  it('matches the reference sieve on random ranges', { timeout: 60_000 }, () => {
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
  });
});

describe('public API', () => {
  it('countPrimes is the synchronous JS kernel', () => {
    expect(countPrimes(0, 1_000)).toBe(168);
  });

  it('loadKernel returns the best kernel, Wasm when it is built', async () => {
    const kernel = await loadKernel();
    expect(kernel.name).toBe(wasm instanceof Error ? 'js' : 'wasm');
    expect(kernel.countPrimes(1e12, 1e12 + 1e7)).toBe(361_726);
  });

  it('isqrt is exact at perfect squares and near 2^53', () => {
    for (const r of [0, 1, 2, 3, 46_340, 65_535, 65_536, 94_906_265]) {
      expect(isqrt(r * r)).toBe(r);
      if (r > 0) expect(isqrt(r * r - 1)).toBe(r - 1);
    }
    expect(isqrt(Number.MAX_SAFE_INTEGER)).toBe(94_906_265);
  });
});
