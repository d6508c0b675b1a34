/**
 * Loads the Wasm kernel (built from wasm/kernel.ts by scripts/build-wasm.ts, embedded as base64
 * so it needs no file or network access). Each call instantiates a fresh module: its memory holds
 * that thread's sieving-prime cache and buckets, so call it once per thread and keep the kernel.
 */
import type { Kernel, RangeSummary } from './index.js';
import { instantiateEmbedded } from '../wasm-module.js';
import { checkSafeRange, checkU64Range } from './range.js';

/** The module's exports; u64 crosses the edge as i64, i.e. a BigInt read as signed. */
interface KernelExports {
  sieve(lo: bigint, hi: bigint, mode: number): void;
  count(): bigint;
  firstPrime(): bigint;
  lastPrime(): bigint;
  twinPairs(): bigint;
  maxGap(): bigint;
  maxGapStart(): bigint;
  memoryBytes(): number;
}

const MODE_COUNT = 0;
const MODE_SUMMARY = 1;

const u64 = (value: bigint): bigint => BigInt.asUintN(64, value);

export async function loadWasmKernel(): Promise<Kernel> {
  const exports = await instantiateEmbedded<KernelExports>(() => import('./wasm/kernel-bytes.js'));
  return {
    name: 'wasm',
    countPrimes(lo: number, hi: number): number {
      checkSafeRange(lo, hi);
      exports.sieve(BigInt(lo), BigInt(hi), MODE_COUNT);
      return Number(exports.count());
    },
    count(lo: bigint, hi: bigint): bigint {
      checkU64Range(lo, hi);
      exports.sieve(lo, hi, MODE_COUNT);
      return u64(exports.count());
    },
    summarize(lo: bigint, hi: bigint): RangeSummary {
      checkU64Range(lo, hi);
      exports.sieve(lo, hi, MODE_SUMMARY);
      const count = u64(exports.count());
      return {
        count,
        first: count > 0n ? u64(exports.firstPrime()) : null,
        last: count > 0n ? u64(exports.lastPrime()) : null,
        twins: u64(exports.twinPairs()),
        maxGap: count > 1n ? u64(exports.maxGap()) : null,
        gapStart: count > 1n ? u64(exports.maxGapStart()) : null,
      };
    },
    memoryBytes: () => exports.memoryBytes(),
  };
}
