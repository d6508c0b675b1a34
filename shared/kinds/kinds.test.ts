import { describe, expect, it } from 'vitest';
import { makeRandom, plainSummary, primesIn, testSeed } from '../../test/support/plain-sieve.js';
import { loadKernel, U64_MAX } from '../sieve/index.js';
import { RANGE_KINDS, maxGap, primeCount, twinCount, type Kind, type U64Range } from './index.js';
import { splitRange } from './split-range.js';
import { U64JsonSchema, toU64Json } from './u64-json.js';

/** Seeded so a failure reproduces: rerun with KINDS_TEST_SEED=<printed seed>. */
const seed = testSeed('KINDS_TEST_SEED');
const kernel = await loadKernel();

/** Each kind's answer for [lo, hi] computed from the plain sieve's prime list. */
function expectedAnswer(name: string, lo: bigint, hi: bigint): unknown {
  const facts = plainSummary(lo, hi);
  switch (name) {
    case 'prime-count':
      return { prime_count: toU64Json(facts.count) };
    case 'twin-count':
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

/** Runs a job of `kind` over the units the way a coordinator would: compute, send as JSON,
 * parse at the edge, combine in the given order. */
function runJob<R, A>(kind: Kind<R, A>, range: U64Range, units: U64Range[], random: () => number): { answer: A; maxBuffered: number } {
  const results = units.map((unit) => ({
    unit,
    result: kind.resultSchema.parse(JSON.parse(JSON.stringify(kind.compute(kernel, unit)))),
  }));
  const combiner = kind.combiner(range);
  let maxBuffered = 0;
  for (const { unit, result } of shuffle(results, random)) {
    expect(combiner.complete).toBe(false);
    combiner.add(unit, result);
    maxBuffered = Math.max(maxBuffered, combiner.buffered);
  }
  expect(combiner.complete).toBe(true);
  expect(combiner.buffered).toBe(0);
  return { answer: kind.answerSchema.parse(combiner.answer()), maxBuffered };
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

const KINDS: Kind<unknown, unknown>[] = Object.values(RANGE_KINDS);

describe.each(KINDS.map((kind) => [kind.name, kind] as const))('%s', (name, kind) => {
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
    expect(runJob(kind, range, [range], random).answer).toEqual(expectedAnswer(name, lo, hi));
    const singles = cutAt(lo, hi, Array.from({ length: Number(hi - lo) + 1 }, (_, i) => lo + BigInt(i)));
    expect(runJob(kind, range, singles, random).answer).toEqual(expectedAnswer(name, lo, hi));
  });

  it('random ranges cut between twin primes and inside gaps, results in random order (seeded)', () => {
    const random = makeRandom(seed ^ name.length);
    for (let n = 0; n < 60; n++) {
      const base = n % 3 === 0 ? 0 : n % 3 === 1 ? 1e6 : 2 ** 40;
      const lo = BigInt(base + Math.floor(random() * 20_000));
      const hi = lo + BigInt(Math.floor(random() * (n % 5 === 0 ? 50 : 3_000)));
      const range = { lo, hi };
      const units = cutAt(lo, hi, nastyCuts(lo, hi, random));
      expect({ lo, hi, answer: runJob(kind, range, units, random).answer }).toEqual({
        lo,
        hi,
        answer: expectedAnswer(name, lo, hi),
      });
    }
  });

  it('results in order fold at once: nothing is buffered', () => {
    const range = { lo: 0n, hi: 99_999n };
    const combiner = kind.combiner(range);
    for (const unit of splitRange({ from: 0n, to: 99_999n, chunks: 16 })) {
      combiner.add(unit, kind.compute(kernel, unit));
      expect(combiner.buffered).toBe(0);
    }
    expect(combiner.answer()).toEqual(expectedAnswer(name, 0n, 99_999n));
  });

  it('refuses overlapping or outside units, and answers only when complete', () => {
    const combiner = kind.combiner({ lo: 10n, hi: 100n });
    const first = { lo: 10n, hi: 50n };
    combiner.add(first, kind.compute(kernel, first));
    expect(() => combiner.answer()).toThrow(RangeError);
    expect(() => combiner.add({ lo: 50n, hi: 60n }, kind.compute(kernel, { lo: 50n, hi: 60n }))).toThrow(RangeError);
    expect(() => combiner.add({ lo: 90n, hi: 101n }, kind.compute(kernel, { lo: 90n, hi: 101n }))).toThrow(RangeError);
    combiner.add({ lo: 70n, hi: 100n }, kind.compute(kernel, { lo: 70n, hi: 100n }));
    expect(() => combiner.add({ lo: 60n, hi: 75n }, kind.compute(kernel, { lo: 60n, hi: 75n }))).toThrow(RangeError);
    expect(combiner.buffered).toBe(1);
    combiner.add({ lo: 51n, hi: 69n }, kind.compute(kernel, { lo: 51n, hi: 69n }));
    expect(combiner.answer()).toEqual(expectedAnswer(name, 10n, 100n));
  });

  it('agrees with itself and not with a different result', () => {
    const a = kind.compute(kernel, { lo: 100n, hi: 200n });
    expect(kind.agree(a, kind.resultSchema.parse(JSON.parse(JSON.stringify(a))))).toBe(true);
    expect(kind.agree(a, kind.compute(kernel, { lo: 100n, hi: 230n }))).toBe(false);
  });
});

describe('results that straddle units', () => {
  it('a twin pair cut between its members is counted once', () => {
    const random = makeRandom(seed);
    // (1019, 1021) are twins; (1031, 1033) too.
    const range = { lo: 1_000n, hi: 1_040n };
    const units = cutAt(1_000n, 1_040n, [1_020n, 1_032n]);
    expect(runJob(twinCount, range, units, random).answer).toEqual({ twin_count: 2 });
  });

  it('a gap spanning units with no prime is found whole', () => {
    // 1327 and 1361 are consecutive primes: the gap of 34 spans three units.
    const range = { lo: 1_300n, hi: 1_400n };
    const units = cutAt(1_300n, 1_400n, [1_330n, 1_340n, 1_350n]);
    expect(runJob(maxGap, range, units, makeRandom(seed)).answer).toEqual({ max_gap: 34, gap_start: 1_327, gap_end: 1_361 });
  });

  it('ties keep the smallest start wherever the units are cut', () => {
    // Gaps of 6 start at 23 and 31 (23, 29, 31, 37): cut so each lies in another unit.
    const range = { lo: 20n, hi: 40n };
    const units = cutAt(20n, 40n, [30n, 32n]);
    expect(runJob(maxGap, range, units, makeRandom(seed)).answer).toEqual({ max_gap: 6, gap_start: 23, gap_end: 29 });
  });
});

describe('near 2^64 (values as decimal strings)', () => {
  // Each unit up here costs seconds (it starts every sieving prime below 2^32): twin pairs and
  // gaps only, the kinds that join across units; prime counts near 2^64 are in the kernel's tests.
  it('[2^64 - 1e5, 2^64 - 1] cut between the twin primes 2^64 - 97769 and 2^64 - 97767', { timeout: 120_000 }, () => {
    const range = { lo: U64_MAX - 99_999n, hi: U64_MAX };
    const units = cutAt(range.lo, range.hi, [18_446_744_073_709_453_848n]);
    const random = makeRandom(seed);
    for (const kind of [twinCount, maxGap] as Kind<unknown, unknown>[]) {
      expect(runJob(kind, range, units, random).answer).toEqual(expectedAnswer(kind.name, range.lo, range.hi));
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
    expect(primeCount.resultSchema.safeParse({ count: 3, extra: 1 }).success).toBe(false);
    expect(twinCount.resultSchema.safeParse({ twins: 1, first: null, last: null }).success).toBe(false);
    expect(twinCount.resultSchema.safeParse({ twins: 0, first: 7, last: 5 }).success).toBe(false);
    expect(maxGap.resultSchema.safeParse({ gap: 4, gapStart: 7, first: 7, last: 10 }).success).toBe(false);
    expect(maxGap.resultSchema.safeParse({ gap: null, gapStart: null, first: 7, last: 7 }).success).toBe(true);
  });

  it('the split rule cuts [from, to] like 1..n', () => {
    expect(splitRange({ from: 1n, to: 100n, chunks: 4 })).toEqual([
      { lo: 1n, hi: 25n },
      { lo: 26n, hi: 50n },
      { lo: 51n, hi: 75n },
      { lo: 76n, hi: 100n },
    ]);
    const top = splitRange({ from: U64_MAX - 9n, to: U64_MAX, chunks: 3 });
    expect(top.at(-1)).toEqual({ lo: U64_MAX - 3n, hi: U64_MAX });
    expect(() => splitRange({ from: 5n, to: 6n, chunks: 3 })).toThrow(RangeError);
  });
});
