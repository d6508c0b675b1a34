/**
 * Public API of the sieve kernel: countPrimes(lo, hi) counts the primes p with lo <= p <= hi,
 * exact for 0 <= lo <= hi <= 2^53 - 1, RangeError on anything else.
 */
import { countPrimesJs } from './js-kernel.js';

export { isqrt } from './wheel.js';

export const MAX_SIEVE_VALUE = Number.MAX_SAFE_INTEGER;

export interface Kernel {
  readonly name: string;
  countPrimes(lo: number, hi: number): number;
}

/** Synchronous pure-JS kernel (also the fallback of loadKernel). */
export function countPrimes(lo: number, hi: number): number {
  return countPrimesJs(lo, hi);
}

export const jsKernel: Kernel = { name: 'js', countPrimes };

/** The best kernel available in this runtime. */
export async function loadKernel(): Promise<Kernel> {
  return jsKernel;
}
