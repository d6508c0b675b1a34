import { beforeAll, describe, expect, it } from 'vitest';
import { createCombiner } from './combine.js';
import { computeUnit } from './compute-unit.js';
import { planPi } from './plan.js';
import { canonicalResult, sameResult, unitDescriptorSchema, unitKey, unitResultSchema, type UnitResult } from './units.js';
import { loadCombinatorialKernel, type CombinatorialKernel } from './wasm-kernel.js';

function lcg(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

function shuffle<T>(items: T[], random: () => number): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

let kernel: CombinatorialKernel;
beforeAll(async () => {
  kernel = await loadCombinatorialKernel();
});

describe('plan', () => {
  it('cuts each part into contiguous, valid units close to the target count', () => {
    for (const [x, target] of [[10n ** 12n, 40], [10n ** 15n, 100], [2n ** 63n - 1n, 300], [10n ** 5n, 2]] as const) {
      const plan = planPi(x, target);
      for (const unit of plan.units) unitDescriptorSchema.parse(JSON.parse(JSON.stringify(unit)));
      expect(plan.units.filter((u) => u.part === 'ordinary')).toHaveLength(1);
      for (const part of ['easy', 'hard', 'p2'] as const) {
        const units = plan.units.filter((u) => u.part === part);
        expect(units).toHaveLength(plan.parts[part]);
        units.forEach((u, i) => {
          expect(u.index).toBe(i);
          expect(BigInt(u.lo)).toBeLessThan(BigInt(u.hi));
          if (i > 0) expect(u.lo).toBe(units[i - 1]!.hi);
        });
      }
      const y = BigInt(plan.y);
      expect(plan.units.find((u) => u.part === 'hard')?.lo).toBe('0');
      expect(plan.units.filter((u) => u.part === 'hard').at(-1)?.hi).toBe(((x / y + 2n) & ~1n).toString());
      expect(plan.units.find((u) => u.part === 'p2')?.lo).toBe((y + 1n).toString());
      expect(plan.units.filter((u) => u.part === 'p2').at(-1)?.hi).toBe((x / (y + 1n) + 1n).toString());
      expect(plan.units.length).toBeGreaterThanOrEqual(Math.min(target, 4));
      expect(plan.units.length).toBeLessThanOrEqual(target + 3);
    }
  });

  it('cuts the hard leaves below t0 = x / y^1.5 when y < t0 (x > y^2.5), and they combine exactly', () => {
    // alpha = 4 puts 10^14 where 2^63 - 1 is with y = MAX_Y: x / y^2.5 = t0 / y is about 7.
    const x = 10n ** 14n;
    const plan = planPi(x, 120, 4);
    const y = Number(plan.y);
    const t0 = Number(x) / Math.pow(y, 1.5);
    const hard = plan.units.filter((u) => u.part === 'hard');
    const below = hard.filter((u) => Number(u.lo) >= y && Number(u.hi) <= t0);
    expect(below.length).toBeGreaterThanOrEqual(hard.length / 6);
    const combiner = createCombiner(plan);
    for (const unit of plan.units) combiner.add(computeUnit(kernel, unit));
    expect(combiner.result()).toBe(3204941750802n);
  });
});

describe('combine', () => {
  it('folds units in random order, with duplicates, to the exact pi(x), holding few runs', () => {
    const x = 10n ** 13n;
    const plan = planPi(x, 60);
    const results = plan.units.map((unit) => computeUnit(kernel, unit));
    const random = lcg(5);
    for (let round = 0; round < 5; round++) {
      const combiner = createCombiner(plan);
      const order = shuffle(results, random);
      const duplicates = order.filter(() => random() < 0.3);
      let maxWaiting = 0;
      for (const result of order) {
        expect(combiner.result()).toBeUndefined();
        expect(combiner.add(result)).toBe('folded');
        maxWaiting = Math.max(maxWaiting, combiner.waitingRuns());
      }
      for (const result of duplicates) expect(combiner.add(result)).toBe('duplicate');
      expect(combiner.folded()).toBe(plan.units.length);
      expect(combiner.result()).toBe(346065536839n);
      expect(maxWaiting).toBeLessThanOrEqual(plan.units.length / 2);
    }
  });

  it('keeps one run per gap: results that arrive in order never wait', () => {
    const plan = planPi(10n ** 12n, 30);
    const combiner = createCombiner(plan);
    for (const unit of plan.units) {
      combiner.add(computeUnit(kernel, unit));
      expect(combiner.waitingRuns()).toBe(0);
    }
    expect(combiner.result()).toBe(37607912018n);
  });

  it('results survive a JSON round trip, replicas compare equal, a changed one does not', () => {
    const plan = planPi(10n ** 12n, 20);
    const fresh = computeAll(plan.units);
    for (const [i, result] of fresh.entries()) {
      const parsed = unitResultSchema.parse(JSON.parse(JSON.stringify(result)));
      expect(parsed).toEqual(result);
      expect(canonicalResult(parsed)).toBe(canonicalResult(result));
      expect(sameResult(parsed, computeUnit(kernel, plan.units[i]))).toBe(true);
    }
    const hard = fresh.find((r): r is Extract<UnitResult, { part: 'hard' }> => r.part === 'hard' && r.mu.length > 0)!;
    const forged = { ...hard, mu: hard.mu.map((m, i) => (i === 0 ? m + 1 : m)) };
    expect(sameResult(hard, forged)).toBe(false);
    const reordered = JSON.parse(JSON.stringify({ mu: hard.mu, countDeltas: hard.countDeltas, partial: hard.partial, index: hard.index, part: hard.part }));
    expect(sameResult(hard, unitResultSchema.parse(reordered))).toBe(true);
    expect(unitKey(hard)).toBe(`hard:${hard.index}`);
  });

  it('rejects results outside the plan and malformed descriptors', () => {
    const plan = planPi(10n ** 10n, 10);
    const combiner = createCombiner(plan);
    expect(() => combiner.add({ part: 'easy', index: plan.parts.easy, sum: '0' })).toThrow(RangeError);
    expect(() => computeUnit(kernel, { ...plan.units[1], x: '1e10' })).toThrow();
    expect(() => computeUnit(kernel, { ...plan.units.find((u) => u.part === 'hard'), lo: '1' })).toThrow(RangeError);
    expect(unitResultSchema.safeParse({ part: 'p2', index: 0, primes: 1.5, points: 0, local: '0' }).success).toBe(false);
  });
});

function computeAll(units: unknown[]): UnitResult[] {
  return units.map((unit) => computeUnit(kernel, unit));
}
