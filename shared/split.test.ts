import { describe, expect, test } from 'vitest';
import { cutUnit, splitIntoChunks } from './split.js';

describe('splitIntoChunks', () => {
  test("the seed's example: n=100, chunks=4", () => {
    expect(splitIntoChunks(100, 4)).toEqual([
      { lo: 1, hi: 25 },
      { lo: 26, hi: 50 },
      { lo: 51, hi: 75 },
      { lo: 76, hi: 100 },
    ]);
  });

  test('the last chunk takes the remainder', () => {
    expect(splitIntoChunks(103, 4)).toEqual([
      { lo: 1, hi: 25 },
      { lo: 26, hi: 50 },
      { lo: 51, hi: 75 },
      { lo: 76, hi: 103 },
    ]);
  });

  test('one chunk covers 1..n', () => {
    expect(splitIntoChunks(200_000, 1)).toEqual([{ lo: 1, hi: 200_000 }]);
  });

  test.each([
    [10_000, 128],
    [1_000_003, 128],
    [Number.MAX_SAFE_INTEGER, 128],
    [Number.MAX_SAFE_INTEGER, 7],
  ])('n=%d in %d chunks: contiguous, in order, covering 1..n', (n, chunks) => {
    const ranges = splitIntoChunks(n, chunks);
    expect(ranges).toHaveLength(chunks);
    expect(ranges[0]!.lo).toBe(1);
    expect(ranges.at(-1)!.hi).toBe(n);
    const size = Math.floor(n / chunks);
    ranges.forEach((range, i) => {
      if (i > 0) expect(range.lo).toBe(ranges[i - 1]!.hi + 1);
      if (i < chunks - 1) expect(range.hi - range.lo + 1).toBe(size);
    });
  });

  test('n=10,000 in 128 chunks: 78 numbers each, the last 94', () => {
    const ranges = splitIntoChunks(10_000, 128);
    expect(ranges[0]).toEqual({ lo: 1, hi: 78 });
    expect(ranges[126]).toEqual({ lo: 9829, hi: 9906 });
    expect(ranges[127]).toEqual({ lo: 9907, hi: 10_000 });
  });

  test('refuses impossible splits', () => {
    expect(() => splitIntoChunks(3, 4)).toThrow(RangeError);
    expect(() => splitIntoChunks(100, 0)).toThrow(RangeError);
  });
});

describe('cutUnit', () => {
  test('cuts at most unitSize numbers off the front', () => {
    expect(cutUnit({ lo: 1, hi: 25 }, 10)).toEqual({ unit: { lo: 1, hi: 10 }, rest: { lo: 11, hi: 25 } });
    expect(cutUnit({ lo: 21, hi: 25 }, 10)).toEqual({ unit: { lo: 21, hi: 25 }, rest: undefined });
    expect(cutUnit({ lo: 16, hi: 25 }, 10)).toEqual({ unit: { lo: 16, hi: 25 }, rest: undefined });
  });
});
