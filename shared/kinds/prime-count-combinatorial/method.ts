/**
 * Which method counts the primes of [from, to]: sieving the range, or pi(to) - pi(from - 1)
 * by the combinatorial method. `auto` compares the two cost models in one unit, seconds of
 * one thread of this machine:
 *   sieve          sieveSeconds(from, to) (shared/kinds/sieve-cost.ts, reference seconds of
 *                  our sieve kernel) times SIEVE_SECONDS_PER_REFERENCE_SECOND;
 *   combinatorial  per pi(x) computed, the plan's model (planPi(x).modelNs, modelled
 *                  single-thread nanoseconds) times COMBINATORIAL_SECONDS_PER_MODEL_NS, plus
 *                  COMBINATORIAL_FIXED_SECONDS (tables of size y, the ordinary unit, a job's
 *                  units going through the coordinator).
 * The factors were measured with scripts/bench-range-method.ts (both kernels on one thread,
 * CPU seconds against each model, same run); the fixed cost is set so that the rule for
 * [0, n] switches where `/api/count-primes` does (AUTO_CROSSOVER_N, measured through the system).
 */
import { MAX_RANGE_WIDTH, Method } from '../../api.js';
import { COMBINATORIAL_LIMIT } from '../combinatorial/job-kind.js';
import { planPi } from '../combinatorial/plan.js';
import { sieveSeconds } from '../sieve-cost.js';

export type RangeMethod = typeof Method.Sieve | typeof Method.Combinatorial;

export const SIEVE_SECONDS_PER_REFERENCE_SECOND = 1;
export const COMBINATORIAL_SECONDS_PER_MODEL_NS = 1e-9;
export const COMBINATORIAL_FIXED_SECONDS = 0;

/** Modelled seconds of this machine's thread for sieving [from, to]. */
export function sieveRangeSeconds(from: bigint, to: bigint): number {
  return sieveSeconds(Number(from), Number(to)) * SIEVE_SECONDS_PER_REFERENCE_SECOND;
}

/** Modelled seconds of this machine's thread for pi(x) by the combinatorial method (0 for x < 2). */
export function piSeconds(x: bigint): number {
  if (x < 2n) return 0;
  const { easy, hard, p2 } = planPi(x, 1).modelNs;
  return COMBINATORIAL_FIXED_SECONDS + (easy + hard + p2) * COMBINATORIAL_SECONDS_PER_MODEL_NS;
}

/** Modelled seconds of this machine's thread for pi(to) - pi(from - 1). */
export function combinatorialRangeSeconds(from: bigint, to: bigint): number {
  return piSeconds(to) + (from >= 3n ? piSeconds(from - 1n) : 0);
}

/**
 * The method that runs for [from, to] (from <= to). Requests the method cannot serve (the
 * combinatorial method above 2^63 - 1, the sieve over more than 2^53 - 1 numbers) are refused
 * at the edge (shared/api.ts); `auto` never picks either.
 */
export function rangeMethodFor(method: Method, from: bigint, to: bigint): RangeMethod {
  if (method !== Method.Auto) return method;
  if (to > COMBINATORIAL_LIMIT) return Method.Sieve;
  if (to - from >= BigInt(MAX_RANGE_WIDTH)) return Method.Combinatorial;
  return sieveRangeSeconds(from, to) > combinatorialRangeSeconds(from, to) ? Method.Combinatorial : Method.Sieve;
}

/**
 * The narrowest width w for which `auto` counts [from, from + w - 1] combinatorially (for the
 * docs and the benchmark: the crossover at a height): bisection, the sieve's cost growing with w.
 */
export function rangeCrossoverWidth(from: bigint): bigint {
  let [narrow, wide] = [1n, BigInt(MAX_RANGE_WIDTH)];
  if (rangeMethodFor(Method.Auto, from, from + wide - 1n) === Method.Sieve) return wide;
  while (wide - narrow > 1n) {
    const middle = (narrow + wide) / 2n;
    if (rangeMethodFor(Method.Auto, from, from + middle - 1n) === Method.Combinatorial) wide = middle;
    else narrow = middle;
  }
  return wide;
}
