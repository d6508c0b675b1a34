/**
 * Folds summaries of adjacent ranges, arriving in any order, over one range [from, to]: the
 * contiguous prefix from `from` is joined as soon as it grows, and only summaries past a gap
 * are held, so memory is bounded by the units in flight, not by the range. `join` must be
 * associative: join(join(a, b), c) = join(a, join(b, c)) for adjacent a, b, c.
 */
import type { Combiner, U64Range } from './kind.js';

export class RangeFold<Summary> {
  private readonly pending = new Map<bigint, { hi: bigint; summary: Summary }>();
  private next: bigint;
  private prefix: Summary | undefined;

  constructor(
    private readonly range: U64Range,
    private readonly join: (left: Summary, right: Summary) => Summary,
  ) {
    if (range.hi < range.lo) throw new RangeError(`empty range [${range.lo}, ${range.hi}]`);
    this.next = range.lo;
  }

  get complete(): boolean {
    return this.next > this.range.hi;
  }

  get buffered(): number {
    return this.pending.size;
  }

  add({ lo, hi }: U64Range, summary: Summary): void {
    if (hi < lo || lo < this.range.lo || hi > this.range.hi) {
      throw new RangeError(`unit [${lo}, ${hi}] is not inside [${this.range.lo}, ${this.range.hi}]`);
    }
    if (lo < this.next || this.overlapsPending(lo, hi)) {
      throw new RangeError(`unit [${lo}, ${hi}] overlaps a unit already taken`);
    }
    this.pending.set(lo, { hi, summary });
    for (let held = this.pending.get(this.next); held !== undefined; held = this.pending.get(this.next)) {
      this.pending.delete(this.next);
      this.prefix = this.prefix === undefined ? held.summary : this.join(this.prefix, held.summary);
      this.next = held.hi + 1n;
    }
  }

  result(): Summary {
    if (!this.complete || this.prefix === undefined) {
      throw new RangeError(`[${this.range.lo}, ${this.range.hi}] is covered only up to ${this.next - 1n}`);
    }
    return this.prefix;
  }

  private overlapsPending(lo: bigint, hi: bigint): boolean {
    for (const [heldLo, held] of this.pending) {
      if (lo <= held.hi && heldLo <= hi) return true;
    }
    return false;
  }
}

/**
 * A kind's combiner over a RangeFold: each result is read into a summary (`summarize`), adjacent
 * summaries are joined (`join`), and the joined summary of the whole range gives the answer.
 */
export function foldCombiner<Result, Summary, Answer>(
  range: U64Range,
  summarize: (result: Result) => Summary,
  join: (left: Summary, right: Summary) => Summary,
  answer: (whole: Summary) => Answer,
): Combiner<Result, Answer> {
  const fold = new RangeFold<Summary>(range, join);
  return {
    add: (unit, result) => fold.add(unit, summarize(result)),
    get complete() {
      return fold.complete;
    },
    get buffered() {
      return fold.buffered;
    },
    answer: () => answer(fold.result()),
  };
}
