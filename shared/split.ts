/** How 1..n is cut into chunks (the unit of progress) and chunks into work units. */

export interface Range {
  /** Inclusive. */
  lo: number;
  /** Inclusive. */
  hi: number;
}

/**
 * Splits 1..n into `chunks` contiguous chunks: each has floor(n / chunks) numbers and the
 * last one takes the remainder (n=100, chunks=4 -> 1-25, 26-50, 51-75, 76-100).
 * Requires n >= chunks >= 1.
 */
export function splitIntoChunks(n: number, chunks: number): Range[] {
  if (!Number.isSafeInteger(n) || !Number.isInteger(chunks) || chunks < 1 || n < chunks) {
    throw new RangeError(`cannot split 1..${n} into ${chunks} chunks`);
  }
  const size = Math.floor(n / chunks);
  const ranges: Range[] = [];
  for (let i = 0; i < chunks; i++) {
    const lo = i * size + 1;
    const hi = i === chunks - 1 ? n : (i + 1) * size;
    ranges.push({ lo, hi });
  }
  return ranges;
}

/**
 * Splits positions 1..costs.length into min(chunks, costs.length) contiguous chunks of about
 * equal total cost (`costs[i]` is position i + 1's), each holding at least one position.
 */
export function splitByCost(costs: readonly number[], chunks: number): Range[] {
  const size = costs.length;
  if (size < 1 || !Number.isInteger(chunks) || chunks < 1) throw new RangeError(`cannot split ${size} positions into ${chunks} chunks`);
  const count = Math.min(chunks, size);
  const total = costs.reduce((sum, c) => sum + c, 0);
  const ranges: Range[] = [];
  let lo = 1;
  let spent = 0;
  for (let k = 1; k < count; k++) {
    const want = (total * k) / count;
    // At least one position in this chunk, and one left for each chunk after it.
    let hi = lo;
    spent += costs[hi - 1]!;
    while (hi < size - (count - k) && spent + costs[hi]! <= want) {
      hi++;
      spent += costs[hi - 1]!;
    }
    ranges.push({ lo, hi });
    lo = hi + 1;
  }
  ranges.push({ lo, hi: size });
  return ranges;
}

/** Cuts the first unit of at most `unitSize` numbers off the front of `range`. */
export function cutUnit(range: Range, unitSize: number): { unit: Range; rest: Range | undefined } {
  const hi = Math.min(range.hi, range.lo + unitSize - 1);
  return { unit: { lo: range.lo, hi }, rest: hi < range.hi ? { lo: hi + 1, hi: range.hi } : undefined };
}
