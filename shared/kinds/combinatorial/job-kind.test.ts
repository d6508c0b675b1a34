import { beforeAll, describe, expect, it } from 'vitest';
import type { Range } from '../../split.js';
import { computeUnit } from './compute-unit.js';
import { combinatorialKind, combinatorialParams, planOf, type CombinatorialAccumulator } from './job-kind.js';
import type { UnitResult } from './units.js';
import { loadCombinatorialKernel, type CombinatorialKernel } from './wasm-kernel.js';

function lcg(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

let kernel: CombinatorialKernel;
beforeAll(async () => {
  kernel = await loadCombinatorialKernel();
});

/** Runs a job's units through the kind as the domain does: chunk accumulators stored as JSON text, results folded in the order given. */
function runJob(n: bigint, chunks: number, order: (positions: number[]) => number[]): { answer: unknown; ranges: Range[]; largest: number } {
  const params = combinatorialParams(n, chunks);
  const ranges = combinatorialKind.chunkRanges(params, chunks);
  const stored = ranges.map(() => JSON.stringify(combinatorialKind.emptyAccumulator()));
  const size = planOf(params).units.length;
  const positions = order(Array.from({ length: size }, (_, i) => i + 1));
  let largest = 0;
  for (const position of positions) {
    const unit = { lo: position, hi: position };
    const descriptor = JSON.parse(JSON.stringify(combinatorialKind.describe(params, unit))) as unknown;
    const result = combinatorialKind.result.parse(JSON.parse(JSON.stringify(computeUnit(kernel, descriptor))));
    const chunk = ranges.findIndex((range) => range.lo <= position && position <= range.hi);
    const folded = combinatorialKind.accumulate(JSON.parse(stored[chunk]!) as CombinatorialAccumulator, result, unit);
    stored[chunk] = JSON.stringify(folded);
    largest = Math.max(largest, folded.runs.length);
  }
  return { answer: combinatorialKind.answer(params, stored.map((text) => JSON.parse(text) as CombinatorialAccumulator)), ranges, largest };
}

describe('the combinatorial job kind', () => {
  it('cuts the plan ordinals into contiguous chunks, each holding at least one unit', () => {
    for (const [n, chunks] of [[10n ** 12n, 16], [10n ** 16n, 128], [10n ** 18n, 7], [10n, 128], [10n ** 6n, 128]] as const) {
      const params = combinatorialParams(n, chunks);
      const size = planOf(params).units.length;
      const ranges = combinatorialKind.chunkRanges(params, chunks);
      expect(ranges).toHaveLength(Math.min(chunks, size));
      expect(ranges[0]!.lo).toBe(1);
      expect(ranges.at(-1)!.hi).toBe(size);
      ranges.forEach((range, i) => {
        expect(range.lo).toBeLessThanOrEqual(range.hi);
        if (i > 0) expect(range.lo).toBe(ranges[i - 1]!.hi + 1);
      });
    }
  });

  it('keeps n above 2^53 - 1 exact as a decimal string', () => {
    expect(combinatorialParams(10n ** 18n, 4).n).toBe('1000000000000000000');
    expect(combinatorialParams(10n ** 15n, 4).n).toBe(1e15);
    expect(combinatorialKind.params.safeParse({ n: '9007199254740991', units: 8 }).success).toBe(false);
    expect(combinatorialKind.params.safeParse({ n: '9223372036854775808', units: 8 }).success).toBe(false);
  });

  it.each([
    [10n ** 1n, 4, 4],
    [10n ** 5n, 8, 9592],
    [10n ** 12n, 7, 37607912018],
    [2n ** 40n, 16, 41203088796],
  ])('pi(%s) in %i chunks folds to the exact answer in order, reversed and shuffled', (n, chunks, expected) => {
    const random = lcg(Number(n % 1000n) + chunks);
    const shuffle = (items: number[]): number[] => {
      const out = [...items];
      for (let i = out.length - 1; i > 0; i--) {
        const j = Math.floor(random() * (i + 1));
        [out[i], out[j]] = [out[j]!, out[i]!];
      }
      return out;
    };
    expect(runJob(n, chunks, (p) => p).answer).toBe(expected);
    expect(runJob(n, chunks, (p) => [...p].reverse()).answer).toBe(expected);
    expect(runJob(n, chunks, shuffle).answer).toBe(expected);
  });

  it('holds one run per gap: in-order arrival keeps each chunk at a run per part', () => {
    const { largest } = runJob(10n ** 13n, 2, (p) => p);
    expect(largest).toBeLessThanOrEqual(4);
  });

  it('ignores a repeated result and refuses an answer with a unit missing', () => {
    const params = combinatorialParams(10n ** 9n, 1);
    const plan = planOf(params);
    let accumulator = combinatorialKind.emptyAccumulator();
    const results: UnitResult[] = plan.units.map((unit) => computeUnit(kernel, unit));
    results.forEach((result, i) => {
      accumulator = combinatorialKind.accumulate(accumulator, result, { lo: i + 1, hi: i + 1 });
    });
    const again = combinatorialKind.accumulate(accumulator, results[1]!, { lo: 2, hi: 2 });
    expect(again).toEqual(accumulator);
    expect(combinatorialKind.answer(params, [accumulator])).toBe(50847534);
    let partial = combinatorialKind.emptyAccumulator();
    results.slice(1).forEach((result, i) => {
      partial = combinatorialKind.accumulate(partial, result, { lo: i + 2, hi: i + 2 });
    });
    expect(() => combinatorialKind.answer(params, [partial])).toThrow(RangeError);
  });
});
