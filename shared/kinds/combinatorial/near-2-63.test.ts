/**
 * Single units of pi(2^63 - 1) (the kernel's largest x, y = MAX_Y) against a slow, independent
 * computation of the same piece from the definitions in wasm/kernel.ts: plain sieves, exact
 * BigInt quotients, leaves enumerated one by one. A whole pi(x) above 1e18 takes an hour of one
 * core; these pieces take seconds and cover what only such x reach: quotients x / p at or above
 * 2^53 (the kernel's i64 division paths), the hard leaves p_b * q below t0 = x / y^1.5 (which
 * exist only once y < t0), and 64-bit sums.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { computeUnit } from './compute-unit.js';
import { isqrt, planPi } from './plan.js';
import type { UnitDescriptor } from './units.js';
import { loadCombinatorialKernel, type CombinatorialKernel } from './wasm-kernel.js';

const X = 2n ** 63n - 1n;
const plan = planPi(X, 1);
const Y = Number(plan.y);
const Z = X / BigInt(plan.y);
const C = plan.c;

/** lpf[m] for m <= y: the least prime factor of a composite m (all are below 2^12), 0 for a prime or 1. */
let lpf: Uint16Array;
/** pi[v] for v <= y. */
let pi: Int32Array;
/** primes[i - 1] = p_i. */
let primes: number[];
let kernel: CombinatorialKernel;

beforeAll(async () => {
  kernel = await loadCombinatorialKernel();
  lpf = new Uint16Array(Y + 1);
  for (let p = 2; p * p <= Y; p++) {
    if (lpf[p] !== 0) continue;
    for (let m = p * p; m <= Y; m += p) if (lpf[m] === 0) lpf[m] = p;
  }
  pi = new Int32Array(Y + 1);
  primes = [];
  for (let v = 2; v <= Y; v++) {
    if (lpf[v] === 0) primes.push(v);
    pi[v] = primes.length;
  }
});

function unit(part: UnitDescriptor['part'], lo: bigint, hi: bigint): UnitDescriptor {
  return { x: X.toString(), y: plan.y, c: C, part, index: 0, lo: lo.toString(), hi: hi.toString() };
}

/** mu(m) and lpf(m) for 1 < m <= y (mu = 0 when m is not square-free). */
function factor(m: number): { mu: number; least: number } {
  let mu = 1;
  let rest = m;
  let last = 0;
  let least = 0;
  while (rest > 1) {
    const p = lpf[rest] === 0 ? rest : lpf[rest]!;
    if (least === 0) least = p;
    if (p === last) return { mu: 0, least };
    mu = -mu;
    last = p;
    rest /= p;
  }
  return { mu, least };
}

/** The index of the least prime factor of each n in [lo, hi) (Infinity for a prime). */
function leastFactorIndex(lo: number, hi: number): Float64Array {
  const out = new Float64Array(hi - lo).fill(Infinity);
  for (let i = 0; i < primes.length && primes[i]! * primes[i]! < hi; i++) {
    const p = primes[i]!;
    for (let m = Math.ceil(lo / p) * p; m < hi; m += p) if (out[m - lo] === Infinity && m !== p) out[m - lo] = i + 1;
  }
  return out;
}

/** The hard leaves with values in [lo, hi), by their definition in wasm/kernel.ts. */
function hardByDefinition(lo: bigint, hi: bigint): { leaves: number; result: { partial: string; countDeltas: number[]; mu: number[] } } {
  const width = Number(hi - lo);
  const index = leastFactorIndex(Number(lo), Number(hi));
  const piSqrtY = pi[Number(isqrt(BigInt(Y)))]!;
  const piSqrtZ = pi[Math.min(Number(isqrt(Z)), Y)]!;
  const lastB = (t: bigint): number => Math.max(piSqrtY, Math.min(piSqrtZ, pi[Math.min(Number(isqrt(X / t)), Y)]!));
  // leaves[b]: the offsets v - lo of b's leaves and their signs -mu(m).
  const leaves = new Map<number, { at: number; sign: number }[]>();
  for (let b = C + 1; b <= piSqrtZ; b++) {
    const p = primes[b - 1]!;
    const P = BigInt(p);
    let mFrom = Number(X / (P * hi)) + 1;
    let mTo = Math.min(Number(X / (P * lo)), Y);
    if (b <= piSqrtY) {
      mFrom = Math.max(mFrom, Math.floor(Y / p) + 1);
    } else {
      mFrom = Math.max(mFrom, p + 1);
      mTo = Math.min(mTo, Number(Z / P));
    }
    const own: { at: number; sign: number }[] = [];
    for (let m = mFrom; m <= mTo; m++) {
      const { mu, least } = factor(m);
      if (mu === 0 || least <= p || (b > piSqrtY && lpf[m] !== 0)) continue;
      own.push({ at: Number(X / (P * BigInt(m)) - lo), sign: -mu });
    }
    if (own.length > 0) leaves.set(b, own);
  }
  // Numbers of [lo, hi) with no prime factor among p_1 .. p_{b-1}: a running prefix count,
  // rebuilt as b grows (the range is narrow).
  const maxB = Math.max(...leaves.keys(), lastB(hi));
  let partial = 0n;
  const counts: number[] = [];
  const muSums: number[] = [];
  const prefix = new Int32Array(width + 1);
  for (let b = C + 1; b <= maxB; b++) {
    for (let i = 0; i < width; i++) prefix[i + 1] = prefix[i]! + (index[i]! > b - 1 ? 1 : 0);
    let muSum = 0;
    for (const { at, sign } of leaves.get(b) ?? []) {
      partial += BigInt(sign * prefix[at + 1]!);
      muSum += sign;
    }
    muSums.push(muSum);
    if (b <= lastB(hi)) counts.push(prefix[width]!);
  }
  while (muSums.length > 0 && muSums[muSums.length - 1] === 0) muSums.pop();
  const result = { partial: partial.toString(), countDeltas: counts.map((c, i) => (i === 0 ? c : counts[i - 1]! - c)), mu: muSums };
  return { leaves: [...leaves.values()].reduce((sum, own) => sum + own.length, 0), result };
}

describe('units of pi(2^63 - 1) against their definitions', () => {
  it('has y capped and t0 = x / y^1.5 above y (hard leaves p_b * q below t0)', () => {
    expect(plan.y).toBe((1n << 24n).toString());
    expect(Number(X) / Math.pow(Y, 1.5)).toBeGreaterThan(Y);
  });

  // [lo, hi): just above t0 = 2^27, where p_b < 1024 gives x / p_b >= 2^53 (i64 division), and
  // well below t0, where only the leaves p_b * q lie, about 400 per number.
  it.each([
    [2n ** 27n + 2n ** 20n, 4096n],
    [2n ** 24n + 2n ** 22n + 6n, 1024n],
    [10_000_000_000n, 1n << 14n],
  ])('hard leaves with values in [%s, +%s)', { timeout: 120_000 }, (lo, width) => {
    const expected = hardByDefinition(lo, lo + width);
    expect(expected.leaves).toBeGreaterThan(10);
    expect(computeUnit(kernel, unit('hard', lo, lo + width))).toMatchObject(expected.result);
  });

  it.each([
    [32_768n, 33_000n],
    [1_000_000n, 1_000_100n],
    [2_090_000n, 2_097_151n],
  ])('easy leaves of the primes in (%s, %s]', { timeout: 120_000 }, (pLo, pHi) => {
    const piSqrtY = pi[Number(isqrt(BigInt(Y)))]!;
    let sum = 0n;
    for (let b = Math.max(pi[Number(pLo)]! + 1, Math.max(C, piSqrtY) + 1); b < pi[Y]!; b++) {
      const p = primes[b - 1]!;
      if (p > Number(pHi)) break;
      const x2 = X / BigInt(p);
      const maxQ = Math.min(Number(x2 / BigInt(p)), Y);
      if (maxQ <= p) break;
      const minQ = Math.min(Math.max(Number(Z / BigInt(p)), p), Y);
      const x2n = Number(x2); // below 2^53 as p > 2^10: the products below are exact
      let leaves = 0;
      for (let l = pi[minQ]! + 1; l <= pi[maxQ]!; l++) {
        const q = primes[l - 1]!;
        let v = Math.floor(x2n / q);
        while (v * q > x2n) v--;
        while ((v + 1) * q <= x2n) v++;
        leaves += pi[v]! - b + 2;
      }
      sum += BigInt(leaves);
    }
    expect(computeUnit(kernel, unit('easy', pLo, pHi))).toMatchObject({ sum: sum.toString() });
  });

  it('P2 counts over [sqrt(x) - 2^16, sqrt(x) + 2^16)', { timeout: 120_000 }, () => {
    const root = isqrt(X);
    const lo = root - 2n ** 16n;
    const hi = root + 2n ** 16n;
    const index = leastFactorIndex(Number(lo), Number(hi));
    const prefix = new Int32Array(Number(hi - lo) + 1);
    for (let i = 0; i < index.length; i++) prefix[i + 1] = prefix[i]! + (index[i] === Infinity ? 1 : 0);
    // The primes p in (y, sqrt(x)] with x / p in [lo, hi): p in (x / hi, x / lo].
    const pFrom = X / hi + 1n;
    const pTo = X / lo < root ? X / lo : root;
    const pIndex = leastFactorIndex(Number(pFrom), Number(pTo) + 1);
    let points = 0;
    let local = 0n;
    for (let i = 0; i < pIndex.length; i++) {
      if (pIndex[i] !== Infinity) continue;
      points++;
      local += BigInt(prefix[Number(X / (pFrom + BigInt(i)) - lo) + 1]!);
    }
    expect(points).toBeGreaterThan(1000);
    expect(computeUnit(kernel, unit('p2', lo, hi))).toEqual({ part: 'p2', index: 0, primes: prefix[prefix.length - 1], points, local: local.toString() });
  });
});
