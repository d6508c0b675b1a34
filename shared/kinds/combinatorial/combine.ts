/**
 * Folds unit results into pi(x), exactly, whatever order they arrive in.
 *
 *   pi(x) = ordinary + sum(easy) + hard - P2
 *
 * Hard and P2 pieces are order-sensitive (each needs the counts of every piece below it), so
 * their results fold into runs of adjacent units; two adjacent runs A (below) and B merge as
 *   hard: partial = A.partial + B.partial + sum_b A.counts[b] * B.mu[b],
 *         counts = A.counts + B.counts, mu = A.mu + B.mu
 *   P2:   local = A.local + B.local + B.points * A.primes, primes and points add,
 * which is the prefix combine (total += partial + sum_b prior_b * mu_b; prior_b += count_b)
 * made associative: a result that completes nothing waits as a run of one, and memory holds
 * one run per gap in the arrived indices (bounded by the units in flight), never per x.
 * When every run has merged into one, that run starts at the bottom (nothing below it):
 *   hard = partial,   P2 = local + points * pi(y) - sum_{k=pi(y)}^{pi(sqrt x) - 1} k.
 * Sums are reduced modulo 2^64 at the end, matching the kernel's wrapping i64 arithmetic.
 */
import type { CombinatorialPlan } from './plan.js';
import { type HardResult, type P2Result, type UnitPart, type UnitResult } from './units.js';

interface Run<T> {
  start: number;
  end: number; // exclusive
  value: T;
}

/** Adjacent-run folding over indices 0..size-1 with an associative merge. */
class RunFolder<T> {
  private readonly byStart = new Map<number, Run<T>>();
  private readonly byEnd = new Map<number, Run<T>>();

  constructor(
    readonly size: number,
    private readonly merge: (below: T, above: T) => T,
  ) {}

  /** False when the index is already folded in (a duplicate). */
  add(index: number, value: T): boolean {
    if (!Number.isInteger(index) || index < 0 || index >= this.size) throw new RangeError(`unit index ${index} outside 0..${this.size - 1}`);
    for (const run of this.byStart.values()) if (index >= run.start && index < run.end) return false;
    let run: Run<T> = { start: index, end: index + 1, value };
    const below = this.byEnd.get(index);
    if (below !== undefined) {
      this.remove(below);
      run = { start: below.start, end: run.end, value: this.merge(below.value, run.value) };
    }
    const above = this.byStart.get(run.end);
    if (above !== undefined) {
      this.remove(above);
      run = { start: run.start, end: above.end, value: this.merge(run.value, above.value) };
    }
    this.byStart.set(run.start, run);
    this.byEnd.set(run.end, run);
    return true;
  }

  /** The whole fold once every index arrived, else undefined. */
  complete(): T | undefined {
    const run = this.byStart.get(0);
    return run !== undefined && run.end === this.size ? run.value : undefined;
  }

  /** Units folded so far. */
  folded(): number {
    let n = 0;
    for (const run of this.byStart.values()) n += run.end - run.start;
    return n;
  }

  runs(): number {
    return this.byStart.size;
  }

  private remove(run: Run<T>): void {
    this.byStart.delete(run.start);
    this.byEnd.delete(run.end);
  }
}

export interface HardRun {
  partial: bigint;
  counts: number[];
  mu: number[];
}

export interface P2Run {
  primes: number;
  points: number;
  local: bigint;
}

const EXACT = 2 ** 53;

/** sum_i counts[i] * mu[i], exact: products that fit a double's integers add as numbers. */
function dot(counts: readonly number[], mu: readonly number[]): bigint {
  let big = 0n;
  let small = 0;
  const n = Math.min(counts.length, mu.length);
  for (let i = 0; i < n; i++) {
    const m = mu[i]!;
    if (m === 0) continue;
    const c = counts[i]!;
    const product = c * m;
    if (Math.abs(product) < EXACT && Math.abs(small) < EXACT / 2) {
      small += product;
      if (Math.abs(small) >= EXACT / 4) {
        big += BigInt(small);
        small = 0;
      }
    } else {
      big += BigInt(c) * BigInt(m);
    }
  }
  return big + BigInt(small);
}

export function mergeHard(below: HardRun, above: HardRun): HardRun {
  if (above.mu.length > below.counts.length) throw new Error('hard pieces do not fit: the piece above uses b the one below did not count');
  const counts = above.counts.map((c, i) => c + below.counts[i]!);
  const length = Math.max(below.mu.length, above.mu.length);
  const mu = new Array<number>(length);
  for (let i = 0; i < length; i++) mu[i] = (below.mu[i] ?? 0) + (above.mu[i] ?? 0);
  return { partial: below.partial + above.partial + dot(below.counts, above.mu), counts, mu };
}

export function mergeP2(below: P2Run, above: P2Run): P2Run {
  return {
    primes: below.primes + above.primes,
    points: below.points + above.points,
    local: below.local + above.local + BigInt(above.points) * BigInt(below.primes),
  };
}

export function hardRunOf(result: HardResult): HardRun {
  const counts = new Array<number>(result.countDeltas.length);
  let count = 0;
  for (let i = 0; i < counts.length; i++) {
    count = i === 0 ? result.countDeltas[0]! : count - result.countDeltas[i]!;
    counts[i] = count;
  }
  return { partial: BigInt(result.partial), counts, mu: result.mu };
}

export function p2RunOf(result: P2Result): P2Run {
  return { primes: result.primes, points: result.points, local: BigInt(result.local) };
}

export type AddOutcome = 'folded' | 'duplicate';

export interface PiCombiner {
  /** Folds one result (validated by unitResultSchema); a second result for a unit is ignored. */
  add(result: UnitResult): AddOutcome;
  /** Units folded so far, of plan.units.length. */
  folded(): number;
  /** Partial results held apart, waiting for a neighbour (bounded by the units in flight). */
  waitingRuns(): number;
  /** pi(x) once every unit is folded, else undefined. */
  result(): bigint | undefined;
}

export type PlanShape = Pick<CombinatorialPlan, 'parts'>;

export function createCombiner(plan: PlanShape): PiCombiner {
  let ordinary: { sum: bigint; piY: bigint } | undefined;
  const easy = new RunFolder<bigint>(plan.parts.easy, (a, b) => a + b);
  const hard = new RunFolder<HardRun>(plan.parts.hard, mergeHard);
  const p2 = new RunFolder<P2Run>(plan.parts.p2, mergeP2);

  const folders: Record<Exclude<UnitPart, 'ordinary'>, { folded(): number; runs(): number }> = { easy, hard, p2 };

  return {
    add(result) {
      switch (result.part) {
        case 'ordinary':
          if (result.index !== 0) throw new RangeError('the ordinary unit has index 0');
          if (ordinary !== undefined) return 'duplicate';
          ordinary = { sum: BigInt(result.sum), piY: BigInt(result.piY) };
          return 'folded';
        case 'easy':
          return easy.add(result.index, BigInt(result.sum)) ? 'folded' : 'duplicate';
        case 'hard':
          return hard.add(result.index, hardRunOf(result)) ? 'folded' : 'duplicate';
        case 'p2':
          return p2.add(result.index, p2RunOf(result)) ? 'folded' : 'duplicate';
      }
    },
    folded() {
      return (ordinary === undefined ? 0 : 1) + Object.values(folders).reduce((n, f) => n + f.folded(), 0);
    },
    waitingRuns() {
      return Object.values(folders).reduce((n, f) => n + Math.max(0, f.runs() - 1), 0);
    },
    result() {
      if (ordinary === undefined) return undefined;
      const easySum = plan.parts.easy === 0 ? 0n : easy.complete();
      const hardRun = plan.parts.hard === 0 ? { partial: 0n } : hard.complete();
      const p2Run = plan.parts.p2 === 0 ? { primes: 0, points: 0, local: 0n } : p2.complete();
      if (easySum === undefined || hardRun === undefined || p2Run === undefined) return undefined;
      const a = ordinary.piY;
      const b = a + BigInt(p2Run.points); // pi(sqrt(x))
      const p2Total = p2Run.local + BigInt(p2Run.points) * a - ((b - 1n) * b - (a - 1n) * a) / 2n;
      return BigInt.asUintN(64, ordinary.sum + easySum + hardRun.partial - p2Total);
    },
  };
}
