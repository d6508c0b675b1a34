/**
 * Which method counts the primes of [from, to]: sieving the range, or pi(to) - pi(from - 1)
 * by the combinatorial method. `auto` compares the two cost models in one unit, the sieve's
 * reference seconds (shared/kinds/sieve-cost.ts: seconds of one thread of our sieve kernel):
 *   sieve          sieveSeconds(from, to);
 *   combinatorial  per pi(x) computed (pi(to), and pi(from - 1) when from >= 3), the plan's
 *                  model (planPi(x).modelNs, modelled nanoseconds of one thread of the
 *                  combinatorial kernel) times REFERENCE_SECONDS_PER_MODEL_NS, plus
 *                  PI_FIXED_SECONDS.
 * REFERENCE_SECONDS_PER_MODEL_NS is measured by scripts/bench-range-method.ts: both kernels on
 * one thread in the same run, each in CPU seconds against its own model; the ratio of the two
 * ratios converts one model into the other's unit whatever the machine's speed or load.
 * PI_FIXED_SECONDS (what a pi(x) costs beyond its model: tables of size y, the ordinary
 * unit, at least 8 units through the coordinator) is set so that `auto` on [0, n] switches
 * where `/api/count-primes` does (AUTO_CROSSOVER_N, measured through the system).
 *
 * The resulting crossover widths (rangeCrossoverWidth): [0, n] from n = 3.1e7, [10^12, +w] from
 * w = 4.6e8, [10^13, +w] 8.3e8, [10^15, +w] 6.8e9, [10^17, +w] 5.6e10. Checked at the crossover
 * (scripts/bench-range-method.ts --check, CPU seconds of one thread): 10^13 sieve 0.73 s vs
 * combinatorial 0.65 s, 10^15 9.4 s vs 8.9 s; through the system (REST, one worker of one
 * thread, loaded machine): 10^13 4.8-7.7 s vs 4.4-5.4 s, 10^15 73-79 s vs 71-79 s.
 */
import { MAX_RANGE_WIDTH, Method } from '../../api.js';
import { COMBINATORIAL_LIMIT } from '../combinatorial/job-kind.js';
import { planPi } from '../combinatorial/plan.js';
import { sieveSeconds } from '../sieve-cost.js';

export type RangeMethod = typeof Method.Sieve | typeof Method.Combinatorial;

/**
 * Measured (scripts/bench-range-method.ts --runs 3, loaded 2-core machine), reference seconds
 * per model ns: 1e10 6.6e-10, 1e11 1.9e-10, 1e12 2.0e-10, 1e13 2.8e-10, 1e14 3.7e-10, 1e15
 * 3.2e-10, 1e16 4.1e-10 (one run at 1e15 and 1e16): the median of 1e12 .. 1e16, where a
 * range is wide enough for the choice to matter. Below 1e12 a pi(x) costs a few ms either way.
 */
export const REFERENCE_SECONDS_PER_MODEL_NS = 3.2e-10;
export const PI_FIXED_SECONDS = 0.002;

/** Reference seconds of sieving [from, to]. */
export function sieveRangeSeconds(from: bigint, to: bigint): number {
  return sieveSeconds(Number(from), Number(to));
}

/** Reference seconds of pi(x) by the combinatorial method (0 for x < 2: no plan is computed). */
export function piSeconds(x: bigint): number {
  if (x < 2n) return 0;
  const { easy, hard, p2 } = planPi(x, 1).modelNs;
  return PI_FIXED_SECONDS + (easy + hard + p2) * REFERENCE_SECONDS_PER_MODEL_NS;
}

/** Reference seconds of pi(to) - pi(from - 1). */
export function combinatorialRangeSeconds(from: bigint, to: bigint): number {
  return piSeconds(to) + (from >= 3n ? piSeconds(from - 1n) : 0);
}

/**
 * The method that runs for [from, to] (from <= to). Requests the method cannot serve (the
 * combinatorial method above combinatorialMaxN, the operator's MAX_N, at most 2^63 - 1; the
 * sieve over more than 2^53 - 1 numbers) are refused
 * at the edge (shared/api.ts); `auto` never picks either.
 */
export function rangeMethodFor(method: Method, from: bigint, to: bigint, combinatorialMaxN: bigint = COMBINATORIAL_LIMIT): RangeMethod {
  if (method !== Method.Auto) return method;
  if (to > combinatorialMaxN) return Method.Sieve;
  if (to - from >= BigInt(MAX_RANGE_WIDTH)) return Method.Combinatorial;
  return sieveRangeSeconds(from, to) > combinatorialRangeSeconds(from, to) ? Method.Combinatorial : Method.Sieve;
}

/**
 * About the narrowest width w (within 1%) for which `auto` counts [from, from + w - 1]
 * combinatorially: the crossover at a height, for the tests and the benchmark. Bisection on a
 * geometric scale (the sieve's cost grows with w much faster than pi(from + w - 1)'s).
 */
export function rangeCrossoverWidth(from: bigint): bigint {
  const combinatorialAt = (width: number): boolean => rangeMethodFor(Method.Auto, from, from + BigInt(Math.round(width)) - 1n) === Method.Combinatorial;
  let [narrow, wide] = [1, MAX_RANGE_WIDTH];
  if (!combinatorialAt(wide)) return BigInt(wide);
  while (wide > narrow * 1.01) {
    const middle = Math.sqrt(narrow * wide);
    if (combinatorialAt(middle)) wide = middle;
    else narrow = middle;
  }
  return BigInt(Math.round(wide));
}
