import { describe, expect, it } from 'vitest';
import { makeRandom, plainSummary, primesIn, testSeed } from '../../test/support/plain-sieve.js';
import { loadKernel, U64_MAX, type Kernel } from '../sieve/index.js';
import { RANGE_KINDS } from './index.js';
import type { AnyJobKind, JsonValue } from './job-kind.js';
import { computeMaxGap, MAX_GAP } from './max-gap/index.js';
import { computePrimeCount, PRIME_COUNT } from './prime-count/index.js';
import type { RangeParams } from './range-params.js';
import { kindNamed } from './registry.js';
import { computeTwinCount, TWIN_COUNT } from './twin-count/index.js';
import { U64JsonSchema, toU64Json } from './u64-json.js';

/** Seeded so a failure reproduces: rerun with KINDS_TEST_SEED=<printed seed>. */
const seed = testSeed('KINDS_TEST_SEED');
const kernel = await loadKernel();

/** An inclusive range of numbers. */
interface U64Range {
  lo: bigint;
  hi: bigint;
}

const COMPUTE: Record<string, (kernel: Kernel, lo: bigint, hi: bigint) => JsonValue> = {
  [PRIME_COUNT]: computePrimeCount,
  [TWIN_COUNT]: computeTwinCount,
  [MAX_GAP]: computeMaxGap,
};

/** What a volunteer reports for [lo, hi], sent as JSON and parsed at the edge by the kind. */
function reported(name: string, { lo, hi }: U64Range): JsonValue {
  return kindNamed(name).result.parse(JSON.parse(JSON.stringify(COMPUTE[name]!(kernel, lo, hi))));
}

function paramsOf(range: U64Range): RangeParams {
  return { from: toU64Json(range.lo), to: toU64Json(range.hi) };
}

/** The positions of numbers [lo, hi] in a job over `range` (position 1 is range.lo). */
function positionsOf(range: U64Range, unit: U64Range): { lo: number; hi: number } {
  return { lo: Number(unit.lo - range.lo) + 1, hi: Number(unit.hi - range.lo) + 1 };
}

/** Each kind's answer for [lo, hi] computed from the plain sieve's prime list. */
function expectedAnswer(name: string, lo: bigint, hi: bigint): unknown {
  const facts = plainSummary(lo, hi);
  switch (name) {
    case PRIME_COUNT:
      return { prime_count: toU64Json(facts.count) };
    case TWIN_COUNT:
      return { twin_count: toU64Json(facts.twins) };
    default:
      return facts.maxGap === null || facts.gapStart === null
        ? { max_gap: null, gap_start: null, gap_end: null }
        : {
            max_gap: toU64Json(facts.maxGap),
            gap_start: toU64Json(facts.gapStart),
            gap_end: toU64Json(facts.gapStart + facts.maxGap),
          };
  }
}

function shuffle<T>(items: T[], random: () => number): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [items[i], items[j]] = [items[j]!, items[i]!];
  }
  return items;
}

/** Cuts [lo, hi] at the given points (a cut at c ends a unit at c - 1). */
function cutAt(lo: bigint, hi: bigint, cuts: bigint[]): U64Range[] {
  const points = [...new Set(cuts.filter((c) => c > lo && c <= hi))].sort((a, b) => (a < b ? -1 : 1));
  const units: U64Range[] = [];
  let start = lo;
  for (const c of points) {
    units.push({ lo: start, hi: c - 1n });
    start = c;
  }
  units.push({ lo: start, hi });
  return units;
}

/** Runs a one-chunk job of kind `name` over the units the way a coordinator would: the unit's
 * descriptor, compute, send as JSON, parse at the edge, fold in the given order, keep the
 * accumulator as JSON (as the store does), answer. */
function runJob(name: string, range: U64Range, units: U64Range[], random: () => number): { answer: unknown; maxSegments: number } {
  const kind = kindNamed(name);
  const params = paramsOf(range);
  expect(kind.chunkRanges(params, 1)).toEqual([{ lo: 1, hi: Number(range.hi - range.lo) + 1 }]);
  const results = units.map((unit) => {
    const positions = positionsOf(range, unit);
    expect(kind.describe(params, positions)).toEqual({ lo: toU64Json(unit.lo), hi: toU64Json(unit.hi) });
    return { positions, result: reported(name, unit) };
  });
  let accumulator = kind.emptyAccumulator();
  let maxSegments = 0;
  for (const { positions, result } of shuffle(results, random)) {
    expect(() => kind.answer(params, [accumulator])).toThrow(RangeError);
    accumulator = JSON.parse(JSON.stringify(kind.accumulate(accumulator, result, positions))) as JsonValue;
    maxSegments = Math.max(maxSegments, (accumulator as unknown[]).length);
  }
  expect(accumulator).toHaveLength(1);
  return { answer: kind.answer(params, [accumulator]), maxSegments };
}

/** Cut points that separate the members of twin pairs and fall inside gaps, plus random ones. */
function nastyCuts(lo: bigint, hi: bigint, random: () => number): bigint[] {
  const primes = primesIn(lo, hi);
  const cuts: bigint[] = [];
  for (let i = 1; i < primes.length; i++) {
    const [p, q] = [primes[i - 1]!, primes[i]!];
    if (random() < 0.3) cuts.push(p + 1n + BigInt(Math.floor(random() * Number(q - p)))); // inside the gap (or at q)
  }
  const width = Number(hi - lo);
  for (let n = 0; n < 3; n++) cuts.push(lo + BigInt(Math.floor(random() * (width + 1))));
  return cuts;
}

const KINDS: [string, AnyJobKind][] = Object.entries(RANGE_KINDS).map(([name, kind]) => [name, kind as unknown as AnyJobKind]);

describe.each(KINDS)('%s', (name, kind) => {
  it.each([
    [0n, 1n],
    [2n, 2n],
    [2n, 3n],
    [3n, 5n],
    [0n, 0n],
    [4n, 4n],
    [7n, 7n],
    [24n, 28n],
    [89n, 97n],
    [1_000_003n, 1_000_003n],
    [1_327n, 1_361n],
    [31_397n, 31_469n],
  ])('[%d, %d] as one unit and cut into single numbers', (lo, hi) => {
    const range = { lo, hi };
    const random = makeRandom(seed);
    expect(runJob(name, range, [range], random).answer).toEqual(expectedAnswer(name, lo, hi));
    const singles = cutAt(lo, hi, Array.from({ length: Number(hi - lo) + 1 }, (_, i) => lo + BigInt(i)));
    expect(runJob(name, range, singles, random).answer).toEqual(expectedAnswer(name, lo, hi));
  });

  it('random ranges cut between twin primes and inside gaps, results in random order (seeded)', () => {
    const random = makeRandom(seed ^ name.length);
    for (let n = 0; n < 60; n++) {
      const base = n % 3 === 0 ? 0 : n % 3 === 1 ? 1e6 : 2 ** 40;
      const lo = BigInt(base + Math.floor(random() * 20_000));
      const hi = lo + BigInt(Math.floor(random() * (n % 5 === 0 ? 50 : 3_000)));
      const range = { lo, hi };
      const units = cutAt(lo, hi, nastyCuts(lo, hi, random));
      expect({ lo, hi, answer: runJob(name, range, units, random).answer }).toEqual({
        lo,
        hi,
        answer: expectedAnswer(name, lo, hi),
      });
    }
  });

  it('results in order fold at once, chunk by chunk: one segment per chunk, joined across chunks', () => {
    const range = { lo: 0n, hi: 99_999n };
    const params = paramsOf(range);
    const accumulators = kind.chunkRanges(params, 16).map((chunk) => {
      let accumulator = kind.emptyAccumulator();
      for (let lo = chunk.lo; lo <= chunk.hi; lo += 1_000) {
        const positions = { lo, hi: Math.min(lo + 999, chunk.hi) };
        const numbers = kind.describe(params, positions) as { lo: number; hi: number };
        accumulator = kind.accumulate(accumulator, reported(name, { lo: BigInt(numbers.lo), hi: BigInt(numbers.hi) }), positions);
        expect(accumulator).toHaveLength(1);
      }
      return accumulator;
    });
    expect(kind.answer(params, accumulators)).toEqual(expectedAnswer(name, 0n, 99_999n));
  });

  it('refuses overlapping units, and answers only when complete', () => {
    const range = { lo: 10n, hi: 100n };
    const params = paramsOf(range);
    const add = (accumulator: JsonValue, lo: bigint, hi: bigint) =>
      kind.accumulate(accumulator, reported(name, { lo, hi }), positionsOf(range, { lo, hi }));
    let accumulator = add(kind.emptyAccumulator(), 10n, 50n);
    expect(() => kind.answer(params, [accumulator])).toThrow(RangeError);
    expect(() => add(accumulator, 50n, 60n)).toThrow(RangeError);
    accumulator = add(accumulator, 70n, 100n);
    expect(() => add(accumulator, 60n, 75n)).toThrow(RangeError);
    expect(accumulator).toHaveLength(2);
    accumulator = add(accumulator, 51n, 69n);
    expect(accumulator).toHaveLength(1);
    expect(kind.answer(params, [accumulator])).toEqual(expectedAnswer(name, 10n, 100n));
  });

  it('one value has one JSON form: equal results have equal canonical JSON, different ones differ', () => {
    const a = reported(name, { lo: 100n, hi: 200n });
    expect(JSON.stringify(reported(name, { lo: 100n, hi: 200n }))).toBe(JSON.stringify(a));
    expect(JSON.stringify(reported(name, { lo: 100n, hi: 230n }))).not.toBe(JSON.stringify(a));
  });
});

describe('results that straddle units', () => {
  it('a twin pair cut between its members is counted once', () => {
    const random = makeRandom(seed);
    // (1019, 1021) are twins; (1031, 1033) too.
    const range = { lo: 1_000n, hi: 1_040n };
    const units = cutAt(1_000n, 1_040n, [1_020n, 1_032n]);
    expect(runJob(TWIN_COUNT, range, units, random).answer).toEqual({ twin_count: 2 });
  });

  it('a gap spanning units with no prime is found whole', () => {
    // 1327 and 1361 are consecutive primes: the gap of 34 spans three units.
    const range = { lo: 1_300n, hi: 1_400n };
    const units = cutAt(1_300n, 1_400n, [1_330n, 1_340n, 1_350n]);
    expect(runJob(MAX_GAP, range, units, makeRandom(seed)).answer).toEqual({ max_gap: 34, gap_start: 1_327, gap_end: 1_361 });
  });

  it('ties keep the smallest start wherever the units are cut', () => {
    // Gaps of 6 start at 23 and 31 (23, 29, 31, 37): cut so each lies in another unit.
    const range = { lo: 20n, hi: 40n };
    const units = cutAt(20n, 40n, [30n, 32n]);
    expect(runJob(MAX_GAP, range, units, makeRandom(seed)).answer).toEqual({ max_gap: 6, gap_start: 23, gap_end: 29 });
  });
});

describe('near 2^64 (values as decimal strings)', () => {
  // Each unit up here costs seconds (it starts every sieving prime below 2^32): twin pairs and
  // gaps only, the kinds that join across units; prime counts near 2^64 are in the kernel's tests.
  it('[2^64 - 1e5, 2^64 - 1] cut between the twin primes 2^64 - 97769 and 2^64 - 97767', { timeout: 120_000 }, () => {
    const range = { lo: U64_MAX - 99_999n, hi: U64_MAX };
    const units = cutAt(range.lo, range.hi, [18_446_744_073_709_453_848n]);
    const random = makeRandom(seed);
    for (const name of [TWIN_COUNT, MAX_GAP]) {
      expect(runJob(name, range, units, random).answer).toEqual(expectedAnswer(name, range.lo, range.hi));
    }
  });
});

describe('64-bit values in JSON', () => {
  it('numbers up to 2^53 - 1, decimal strings above, one form per value', () => {
    expect(toU64Json(2n ** 53n - 1n)).toBe(Number.MAX_SAFE_INTEGER);
    expect(toU64Json(2n ** 53n)).toBe('9007199254740992');
    expect(toU64Json(U64_MAX)).toBe('18446744073709551615');
    expect(() => toU64Json(U64_MAX + 1n)).toThrow(RangeError);
    for (const good of [0, 5, Number.MAX_SAFE_INTEGER, '9007199254740992', '18446744073709551615']) {
      expect(U64JsonSchema.safeParse(good).success).toBe(true);
    }
    for (const bad of [-1, 1.5, 2 ** 53, '5', '9007199254740991', '018446744073709551615', '18446744073709551616', 'x', null]) {
      expect(U64JsonSchema.safeParse(bad).success).toBe(false);
    }
  });

  it('unit results are strict: bad shapes and impossible values are refused', () => {
    const [primeCount, twinCount, maxGap] = [PRIME_COUNT, TWIN_COUNT, MAX_GAP].map(kindNamed);
    expect(primeCount!.result.safeParse({ count: 3, extra: 1 }).success).toBe(false);
    expect(twinCount!.result.safeParse({ twins: 1, first: null, last: null }).success).toBe(false);
    expect(twinCount!.result.safeParse({ twins: 0, first: 7, last: 5 }).success).toBe(false);
    expect(maxGap!.result.safeParse({ gap: 4, gapStart: 7, first: 7, last: 10 }).success).toBe(false);
    expect(maxGap!.result.safeParse({ gap: null, gapStart: null, first: 7, last: 7 }).success).toBe(true);
  });

  it('the split rule cuts [from, to] like 1..n, and positions map to numbers', () => {
    const kind = kindNamed(PRIME_COUNT);
    const params = { from: 1, to: 100 };
    expect(kind.chunkRanges(params, 4).map((chunk) => kind.describe(params, chunk))).toEqual([
      { lo: 1, hi: 25 },
      { lo: 26, hi: 50 },
      { lo: 51, hi: 75 },
      { lo: 76, hi: 100 },
    ]);
    const top = { from: toU64Json(U64_MAX - 9n), to: toU64Json(U64_MAX) };
    expect(kind.chunkRanges(top, 3).map((chunk) => kind.describe(top, chunk)).at(-1)).toEqual({
      lo: '18446744073709551612',
      hi: '18446744073709551615',
    });
    expect(() => kind.chunkRanges({ from: 5, to: 6 }, 3)).toThrow(RangeError);
  });

  it('a range holds at most 2^53 - 1 numbers', () => {
    const kind = kindNamed(TWIN_COUNT);
    const widest = { from: toU64Json(U64_MAX - 2n ** 53n + 2n), to: toU64Json(U64_MAX) };
    expect(kind.params.safeParse(widest).success).toBe(true);
    expect(kind.chunkRanges(widest, 128).at(-1)?.hi).toBe(Number.MAX_SAFE_INTEGER);
    expect(kind.params.safeParse({ ...widest, from: toU64Json(U64_MAX - 2n ** 53n + 1n) }).success).toBe(false);
    expect(kind.params.safeParse({ from: 7, to: 6 }).success).toBe(false);
  });
});
