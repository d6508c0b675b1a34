/**
 * Public API of the sieve kernel (Wasm, for any range 0 <= lo <= hi <= 2^64 - 1). A runtime
 * without WebAssembly has no kernel: loadKernel() rejects there, and such a volunteer cannot
 * contribute.
 */
import { loadWasmKernel } from './wasm-kernel.js';

export { hasWebAssembly } from '../wasm-module.js';
export { U64_MAX } from './range.js';

/** What one pass over [lo, hi] finds; primes and counts exact as BigInt. */
export interface RangeSummary {
  /** Primes p with lo <= p <= hi. */
  count: bigint;
  /** Smallest and largest prime in [lo, hi]; null when there is none. */
  first: bigint | null;
  last: bigint | null;
  /** Pairs (p, p + 2), both prime, with lo <= p and p + 2 <= hi. */
  twins: bigint;
  /** Largest q - p over consecutive primes p < q both in [lo, hi], with the smallest such p;
   * null when [lo, hi] holds fewer than two primes. */
  maxGap: bigint | null;
  gapStart: bigint | null;
}

export interface Kernel {
  readonly name: string;
  /** Primes in [lo, hi] for safe integers (RangeError otherwise): the sieve job's unit. */
  countPrimes(lo: number, hi: number): number;
  /** Primes in [lo, hi], 0 <= lo <= hi <= 2^64 - 1 (RangeError otherwise); the fast path. */
  count(lo: bigint, hi: bigint): bigint;
  /** Everything a unit of any kind needs, in one pass (slower than count: it walks every prime). */
  summarize(lo: bigint, hi: bigint): RangeSummary;
  /** Linear memory the kernel holds (its sieving-prime cache and buckets included). */
  memoryBytes(): number;
}

/** A new kernel instance. Keep it: it caches the sieving primes (143 MB of them near 2^64). */
export function loadKernel(): Promise<Kernel> {
  return loadWasmKernel();
}

let threadKernel: Promise<Kernel> | undefined;

/** The one kernel every kind computed on this thread shares, so the sieving primes are kept once. */
export function loadThreadKernel(): Promise<Kernel> {
  threadKernel ??= loadKernel();
  return threadKernel;
}
