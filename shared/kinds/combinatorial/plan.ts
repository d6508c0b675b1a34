/**
 * The plan of a combinatorial pi(x): the parameters (alpha, y, z, c) and the units, cut so
 * that the units of the expensive parts (easy leaves, hard leaves, P2) have about equal
 * expected cost. Pure and isomorphic (no Node or DOM APIs): the coordinator plans, volunteers
 * compute (compute-unit.ts), the coordinator combines (combine.ts).
 *
 * Costs are modelled in nanoseconds of one kernel thread, fitted to measurements of the kernel
 * (scripts/bench-combinatorial.ts prints the per-part times a plan should reproduce):
 *   P2    a sieve of [y + 1, x / y]: uniform per number;
 *   hard  a sieve of [0, z] (uniform per number) plus the leaves, whose density falls as
 *         (t0 / t)^1.5 above t0 = x / y^1.5, the smallest value of a leaf p_b * m with
 *         p_b <= sqrt(y); both grow slowly with x (at 1e15 and 40 units the slowest unit takes
 *         about 2.5x the median, easy ones at the ends of their range the heaviest). Once
 *         y < t0 (x > y^2.5: above about 1.15e18, where y is capped at MAX_Y, and below about
 *         1e13, where alpha is small) the leaves p_b * q with p_b > sqrt(y) and q prime reach
 *         down to y, below t0, and they are the densest of all there (about 66 per number at
 *         t0 for x = 2e18): counted by primeLeafDensity;
 *   easy  per prime p in (sqrt(y), x^(1/3)]: the primes q in (max(p, z / p), min(x / p^2, y)].
 */
import type { UnitDescriptor } from './units.js';

/** Below this, pi(x) is one table lookup in the ordinary unit (y = x). */
/**
 * Which plan planPi(x, units) makes. A job stores its plan's version with its params and
 * is resumed after a restart only by a coordinator that cuts the same plan: accepted results
 * are filed by unit ordinal, so a different cut (a new alpha, a refitted cost model) would
 * combine them wrongly. Bump it whenever the units planPi returns for the same arguments change.
 */
export const PLAN_VERSION = 3;

export const SMALL_X = 100_000n;
/** The kernel's tables grow as y: pi table y / 8 bytes, primes ~ y / 4, factor table 2y. */
export const MAX_Y = 1n << 24n;
const TINY_PRIMES = [2n, 3n, 5n, 7n, 11n, 13n];

const P2_NS_PER_NUMBER = 1.0;
const HARD_SIEVE_NS_PER_NUMBER = 1.6;
const EASY_NS_PER_LEAF = 5.3;
/** Per hard leaf p_b * q (p_b > sqrt(y)) in the sieve's first segments, where they are dense:
 * measured at x = 2e18 and 2^63 - 1 (55 .. 80 ns on a loaded machine). */
const HARD_NS_PER_PRIME_LEAF = 60;

/**
 * The leaves p * q per unit of value t = x / (p q) (q prime, sqrt(y) < p < q <= y), where
 * p q <= z, i.e. t >= y: the sum over primes p in [max(x / (t y), sqrt(y)), sqrt(x / t)] of
 * (x / (p t^2)) / ln(x / (p t)) (the primes q near x / (p t)). With a = ln p and
 * L = ln(x / t), the sum is (x / t^2) / L times [ln(a / (L - a))] between its bounds, the
 * upper one (a = L / 2) contributing 0.
 */
export function primeLeafDensity(x: number, y: number, t: number): number {
  if (t < y) return 0;
  const L = Math.log(x / t);
  const aLow = Math.max(Math.log(x / (t * y)), Math.log(y) / 2);
  const aHigh = L / 2;
  if (aHigh <= aLow) return 0;
  return ((x / (t * t)) * Math.log((L - aLow) / aLow)) / L;
}

export interface CombinatorialPlan {
  x: string;
  y: string;
  z: string;
  c: number;
  alpha: number;
  /** Units per part, for the combiner. */
  parts: { easy: number; hard: number; p2: number };
  /** Modelled single-thread nanoseconds per part (what the cut balanced). */
  modelNs: { easy: number; hard: number; p2: number };
  units: UnitDescriptor[];
}

export function isqrt(n: bigint): bigint {
  if (n < 0n) throw new RangeError('isqrt of a negative number');
  if (n < 2n) return n;
  let r = BigInt(Math.floor(Math.sqrt(Number(n))));
  while (r * r > n) r--;
  while ((r + 1n) * (r + 1n) <= n) r++;
  return r;
}

export function icbrt(n: bigint): bigint {
  if (n < 0n) throw new RangeError('icbrt of a negative number');
  let r = BigInt(Math.floor(Math.cbrt(Number(n))));
  while (r * r * r > n) r--;
  while ((r + 1n) * (r + 1n) * (r + 1n) <= n) r++;
  return r;
}

/**
 * The tuning factor y = alpha * x^(1/3), measured on this kernel per decade of x
 * (scripts/bench-combinatorial.ts --alpha scans it); interpolated in log10(x).
 */
const ALPHA_BY_LOG10: readonly (readonly [number, number])[] = [
  [5, 1],
  [10, 3],
  [12, 4],
  [14, 12],
  [15, 16],
  [16, 17],
  [18, 30],
];

export function defaultAlpha(x: bigint): number {
  const l = Math.log10(Number(x));
  const first = ALPHA_BY_LOG10[0]!;
  if (l <= first[0]) return first[1];
  for (let i = 1; i < ALPHA_BY_LOG10.length; i++) {
    const [l1, a1] = ALPHA_BY_LOG10[i]!;
    const [l0, a0] = ALPHA_BY_LOG10[i - 1]!;
    if (l <= l1) return a0 + ((a1 - a0) * (l - l0)) / (l1 - l0);
  }
  return ALPHA_BY_LOG10[ALPHA_BY_LOG10.length - 1]![1];
}

export interface Parameters {
  x: bigint;
  y: bigint;
  z: bigint;
  c: number;
  alpha: number;
}

export function parameters(x: bigint, alpha = defaultAlpha(x)): Parameters {
  if (x < 1n) throw new RangeError('x must be at least 1');
  if (x >= 1n << 63n) throw new RangeError('x must be below 2^63');
  let y: bigint;
  if (x < SMALL_X) {
    y = x;
  } else {
    const cbrt = icbrt(x);
    y = BigInt(Math.floor(Number(cbrt) * alpha));
    const sqrt = isqrt(x);
    if (y > MAX_Y) y = MAX_Y;
    if (y > sqrt) y = sqrt;
    if (y < cbrt) y = cbrt;
  }
  const c = TINY_PRIMES.filter((p) => p <= y).length;
  return { x, y, z: x / y, c, alpha };
}

/** Cuts [from, to) into at most `pieces` integer intervals of about equal cost under `density`
 * (cost per unit length), on a geometric grid; `step` rounds every inner cut down to a
 * multiple. Returns the boundaries, strictly increasing, from `from` to `to`. */
function cutByCost(from: number, to: number, pieces: number, density: (t: number) => number, step: number): number[] {
  if (pieces <= 1 || to - from <= step) return [from, to];
  const grid: number[] = [from];
  const start = Math.max(from, 1);
  const points = 4096;
  for (let i = 0; i <= points; i++) grid.push(start * Math.pow(to / start, i / points));
  const cumulative: number[] = [0];
  for (let i = 1; i < grid.length; i++) {
    const a = grid[i - 1]!;
    const b = grid[i]!;
    cumulative.push(cumulative[i - 1]! + density((a + b) / 2) * (b - a));
  }
  const total = cumulative[cumulative.length - 1]!;
  const cuts = [from];
  let g = 1;
  for (let k = 1; k < pieces; k++) {
    const want = (total * k) / pieces;
    while (g < grid.length - 1 && cumulative[g]! < want) g++;
    const a = grid[g - 1]!;
    const b = grid[g]!;
    const span = cumulative[g]! - cumulative[g - 1]!;
    const t = span > 0 ? a + ((want - cumulative[g - 1]!) / span) * (b - a) : b;
    const cut = Math.floor(t / step) * step;
    if (cut > cuts[cuts.length - 1]! && cut < to) cuts.push(cut);
  }
  cuts.push(to);
  return cuts;
}

function integrate(from: number, to: number, density: (t: number) => number): number {
  if (to <= from) return 0;
  const start = Math.max(from, 1);
  let sum = density((from + start) / 2) * (start - from);
  const points = 1024;
  for (let i = 0; i < points; i++) {
    const a = start * Math.pow(to / start, i / points);
    const b = start * Math.pow(to / start, (i + 1) / points);
    sum += density((a + b) / 2) * (b - a);
  }
  return sum;
}

/**
 * Plans pi(x) in about `targetUnits` units of equal expected cost: one ordinary unit, and the
 * rest shared by the easy, hard and P2 parts in proportion to their modelled cost (each at
 * least one unit when not empty).
 */
export function planPi(xIn: bigint, targetUnits: number, alpha?: number): CombinatorialPlan {
  const { x, y, z, c, alpha: usedAlpha } = parameters(xIn, alpha);
  const common = { x: x.toString(), y: y.toString(), c };
  const units: UnitDescriptor[] = [{ ...common, part: 'ordinary', index: 0, lo: '0', hi: '0' }];
  const plan: CombinatorialPlan = {
    x: common.x,
    y: common.y,
    z: z.toString(),
    c,
    alpha: usedAlpha,
    parts: { easy: 0, hard: 0, p2: 0 },
    modelNs: { easy: 0, hard: 0, p2: 0 },
    units,
  };
  if (y >= x) return plan;

  const X = Number(x);
  const Y = Number(y);
  const Z = Number(z);
  const logY = Math.log(Math.max(Y, 3));
  const t0 = X / Math.pow(Y, 1.5);
  // Leaf cost at t0 per number, fitted: see the module comment. Both hard terms grow slowly
  // with x (more sieving primes and leaves per segment): fitted to 1e14 .. 1e16.
  const hardGrowth = Math.pow(X / 1e14, 0.05);
  const leafNsAtT0 = 650 * hardGrowth;
  // The fit above is of x with y >= t0; when y < t0, the leaves p_b * q below t0 come on top
  // (and the same kind of leaves just above t0, which the fit underrates there too).
  const primeLeaves = Y < t0;
  const hardDensity = (t: number): number =>
    HARD_SIEVE_NS_PER_NUMBER * hardGrowth +
    (t >= t0 ? leafNsAtT0 * Math.pow(t0 / t, 1.5) : 0) +
    (primeLeaves ? HARD_NS_PER_PRIME_LEAF * primeLeafDensity(X, Y, t) : 0);
  const p2Density = (): number => P2_NS_PER_NUMBER;
  const easyDensity = (p: number): number => {
    const leaves = Math.min(X / (p * p), Y) - Math.max(p, Z / p);
    return leaves > 0 ? (EASY_NS_PER_LEAF * leaves) / (logY * Math.log(p)) : 0;
  };


  const hardEnd = Number((z + 2n) & ~1n);
  const easyFrom = Number(isqrt(y));
  const easyTo = Number(icbrt(x));
  const p2From = y + 1n;
  const p2To = x / (y + 1n) + 1n;
  const hasP2 = y < isqrt(x);
  plan.modelNs = {
    hard: integrate(0, hardEnd, hardDensity),
    easy: integrate(easyFrom, easyTo, easyDensity),
    p2: hasP2 ? integrate(Number(p2From), Number(p2To), p2Density) : 0,
  };
  const totalNs = plan.modelNs.hard + plan.modelNs.easy + plan.modelNs.p2;
  const share = (ns: number): number => Math.max(1, Math.round((Math.max(1, targetUnits - 1) * ns) / totalNs));

  const push = (part: 'easy' | 'hard' | 'p2', cuts: number[], first: bigint, last: bigint): void => {
    for (let i = 0; i + 1 < cuts.length; i++) {
      const lo = i === 0 ? first : BigInt(cuts[i]!);
      const hi = i + 2 === cuts.length ? last : BigInt(cuts[i + 1]!);
      units.push({ ...common, part, index: i, lo: lo.toString(), hi: hi.toString() });
    }
    plan.parts[part] = cuts.length - 1;
  };
  if (easyTo > easyFrom) {
    push('easy', cutByCost(easyFrom, easyTo, share(plan.modelNs.easy), easyDensity, 1), BigInt(easyFrom), BigInt(easyTo));
  }
  push('hard', cutByCost(0, hardEnd, share(plan.modelNs.hard), hardDensity, 2), 0n, BigInt(hardEnd));
  if (hasP2) {
    push('p2', cutByCost(Number(p2From), Number(p2To), share(plan.modelNs.p2), p2Density, 1), p2From, p2To);
  }
  return plan;
}
