import { describe, expect, it } from 'vitest';
import { SlicedSweep, sliceSize } from './sliced-sweep.js';

describe('SlicedSweep', () => {
  it('covers a map a slice per call and starts a new pass after the end', () => {
    const map = new Map([1, 2, 3, 4, 5].map((n) => [n, n]));
    const sweep = new SlicedSweep(() => map.values());
    expect(sweep.take(2)).toEqual([1, 2]);
    expect(sweep.take(2)).toEqual([3, 4]);
    expect(sweep.take(2)).toEqual([5]);
    expect(sweep.take(2)).toEqual([1, 2]);
  });

  it('skips entries deleted and reaches entries added during a pass', () => {
    const map = new Map([1, 2, 3, 4].map((n) => [n, n]));
    const sweep = new SlicedSweep(() => map.values());
    expect(sweep.take(2)).toEqual([1, 2]);
    map.delete(3);
    map.set(6, 6);
    expect(sweep.take(10)).toEqual([4, 6]);
    expect(sweep.take(10)).toEqual([1, 2, 4, 6]);
  });
});

describe('sliceSize', () => {
  it('covers a large collection in the given slices and a small one whole', () => {
    expect(sliceSize(20_000, 10)).toBe(2000);
    expect(sliceSize(20_001, 10)).toBe(2001);
    expect(sliceSize(300, 10)).toBe(500);
  });
});
