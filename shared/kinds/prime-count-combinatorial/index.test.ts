import { beforeAll, describe, expect, it } from 'vitest';
import { makeRandom, plainSummary } from '../../../test/support/plain-sieve.js';
import { AUTO_CROSSOVER_N, Method } from '../../api.js';
import { computeUnit } from '../combinatorial/compute-unit.js';
import { PLAN_VERSION } from '../combinatorial/plan.js';
import { loadCombinatorialKernel, type CombinatorialKernel } from '../combinatorial/wasm-kernel.js';
import { kindNamed, kindsComputedBy } from '../registry.js';
import {
  PRIME_COUNT_COMBINATORIAL,
  primeCountCombinatorialChunkLimit,
  primeCountCombinatorialKind as kind,
  primeCountCombinatorialParams,
  type PrimeCountCombinatorialAccumulator,
} from './index.js';
import { rangeCrossoverWidth, rangeMethodFor } from './method.js';

let kernel: CombinatorialKernel;
beforeAll(async () => {
  kernel = await loadCombinatorialKernel();
});

/** Runs a job through the kind as the domain does: every unit computed, folded in a random order into stored JSON accumulators. */
function run(from: bigint, to: bigint, chunks: number, seed: number): { answer: unknown; chunks: number } {
  const params = primeCountCombinatorialParams(from, to, chunks);
  const count = Math.min(chunks, primeCountCombinatorialChunkLimit(params));
  const ranges = kind.chunkRanges(params, count);
  expect(ranges).toHaveLength(count);
  expect(ranges[0]!.lo).toBe(1);
  expect(ranges.at(-1)!.hi).toBe(primeCountCombinatorialChunkLimit(params));
  ranges.slice(1).forEach((range, i) => expect(range.lo).toBe(ranges[i]!.hi + 1));
  const stored = ranges.map(() => JSON.stringify(kind.emptyAccumulator()));
  const random = makeRandom(seed);
  const positions = Array.from({ length: primeCountCombinatorialChunkLimit(params) }, (_, i) => i + 1).sort(() => random() - 0.5);
  for (const position of positions) {
    const unit = { lo: position, hi: position };
    const result = kind.result.parse(computeUnit(kernel, kind.descriptor.parse(kind.describe(params, unit))));
    const chunk = ranges.findIndex((range) => range.lo <= position && position <= range.hi);
    const folded = kind.accumulate(JSON.parse(stored[chunk]!) as PrimeCountCombinatorialAccumulator, result, unit);
    stored[chunk] = JSON.stringify(folded);
  }
  return { answer: kind.answer(params, stored.map((text) => JSON.parse(text) as PrimeCountCombinatorialAccumulator)), chunks: count };
}

describe('prime-count by pi(to) - pi(from - 1)', () => {
  it.each([
    [0n, 0n, 1],
    [0n, 1n, 1],
    [1n, 1n, 1],
    [2n, 2n, 1],
    [0n, 2n, 2],
    [1n, 100n, 3],
    [2n, 100n, 4],
    [3n, 100n, 4],
    [999_983n, 999_983n, 1],
    [999_984n, 1_000_002n, 2],
    [0n, 1_000_000n, 8],
    [1_000_000n, 2_000_000n, 16],
  ])('[%i, %i] in %i chunks matches the plain sieve, units folded in any order', (from, to, chunks) => {
    expect(run(from, to, chunks, Number(from % 1000n) + chunks).answer).toEqual({ prime_count: Number(plainSummary(from, to).count) });
  });

  it('random ranges up to 1e8, each in random chunks, match the plain sieve', () => {
    const random = makeRandom(20261129);
    for (let i = 0; i < 6; i++) {
      const from = BigInt(Math.floor(random() * 1e8));
      const to = from + BigInt(Math.floor(random() * 300_000));
      const chunks = 1 + Math.floor(random() * 12);
      expect(run(from, to, chunks, i).answer).toEqual({ prime_count: Number(plainSummary(from, to).count) });
    }
  });

  it('[10^12, 10^13] is pi(10^13) - pi(10^12 - 1) = 308457624821', { timeout: 120_000 }, () => {
    expect(run(10n ** 12n, 10n ** 13n, 8, 1)).toEqual({ answer: { prime_count: 308_457_624_821 }, chunks: 8 });
  });

  it('views say kind prime-count and method combinatorial; the sieved kind says sieve', () => {
    expect(kind.viewParams(primeCountCombinatorialParams(10n, 20n, 2))).toEqual({ method: 'combinatorial', kind: 'prime-count', from: 10, to: 20 });
    expect(kindNamed('prime-count').viewParams({ from: 10, to: 20 })).toEqual({ method: 'sieve', kind: 'prime-count', from: 10, to: 20 });
  });

  it('is computed by volunteers that compute combinatorial units, and by no other', () => {
    expect(kind.computedAs).toBe('combinatorial');
    expect(kindsComputedBy(['combinatorial']).has(PRIME_COUNT_COMBINATORIAL)).toBe(true);
    expect(kindsComputedBy(['sieve-count', 'prime-count']).has(PRIME_COUNT_COMBINATORIAL)).toBe(false);
    expect(kindsComputedBy(['prime-count', PRIME_COUNT_COMBINATORIAL]).has(PRIME_COUNT_COMBINATORIAL)).toBe(false);
  });

  it('stored params of another plan version, or plans that are not of pi(to) and pi(from - 1), do not parse', () => {
    const params = primeCountCombinatorialParams(1000n, 10n ** 9n, 4);
    expect(kind.params.safeParse(params).success).toBe(true);
    expect(kind.params.safeParse({ ...params, upper: { ...params.upper, plan: PLAN_VERSION + 1 } }).success).toBe(false);
    expect(kind.params.safeParse({ ...params, lower: null }).success).toBe(false);
    expect(kind.params.safeParse({ ...params, to: 10 ** 9 + 1 }).success).toBe(false);
    expect(kind.params.safeParse(primeCountCombinatorialParams(2n, 10n, 1)).success).toBe(true);
    expect(primeCountCombinatorialParams(2n, 10n, 1).lower).toBeNull();
  });
});

describe('the method for a range', () => {
  it('auto on [0, n] switches where count-primes does, within a factor of 2', () => {
    expect(rangeMethodFor(Method.Auto, 0n, AUTO_CROSSOVER_N / 2n)).toBe('sieve');
    expect(rangeMethodFor(Method.Auto, 0n, AUTO_CROSSOVER_N * 2n)).toBe('combinatorial');
  });

  it('auto sieves narrow windows and tiny ranges, counts wide ranges combinatorially, and sieves above 2^63 - 1', () => {
    expect(rangeMethodFor(Method.Auto, 0n, 1000n)).toBe('sieve');
    expect(rangeMethodFor(Method.Auto, 10n ** 15n, 10n ** 15n + 10n ** 8n)).toBe('sieve');
    expect(rangeMethodFor(Method.Auto, 10n ** 12n, 10n ** 13n)).toBe('combinatorial');
    expect(rangeMethodFor(Method.Auto, 10n ** 17n, 10n ** 18n)).toBe('combinatorial');
    expect(rangeMethodFor(Method.Auto, 2n ** 63n, 2n ** 63n + 2n ** 52n)).toBe('sieve');
    expect(rangeMethodFor(Method.Sieve, 10n ** 12n, 10n ** 13n)).toBe('sieve');
    expect(rangeMethodFor(Method.Combinatorial, 5n, 5n)).toBe('combinatorial');
  });

  it('the crossover width grows with the height', () => {
    const widths = [10n ** 9n, 10n ** 12n, 10n ** 15n].map((from) => rangeCrossoverWidth(from));
    expect(widths[0]! < widths[1]! && widths[1]! < widths[2]!).toBe(true);
  });
});
