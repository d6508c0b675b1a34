/**
 * Public API of the sieve kernel: countPrimes(lo, hi) counts the primes p with lo <= p <= hi,
 * exact for 0 <= lo <= hi <= 2^53 - 1, RangeError on anything else.
 */
import { countPrimesJs } from './js-kernel.js';
import { loadWasmKernel } from './wasm-kernel.js';

export { isqrt } from './wheel.js';

export interface Kernel {
  readonly name: string;
  countPrimes(lo: number, hi: number): number;
}

/** Synchronous pure-JS kernel (also the fallback of loadKernel). */
export function countPrimes(lo: number, hi: number): number {
  return countPrimesJs(lo, hi);
}

export const jsKernel: Kernel = { name: 'js', countPrimes };

/**
 * The best kernel available in this runtime: Wasm (about 2x faster, see scripts/bench.ts), or
 * the JS kernel where WebAssembly is unavailable. Call once per thread and keep the kernel: it
 * caches that thread's sieving primes.
 */
export async function loadKernel(): Promise<Kernel> {
  try {
    return await loadWasmKernel();
  } catch (error) {
    console.warn(`sieve: falling back to the JS kernel: ${(error as Error).message}`);
    return jsKernel;
  }
}
