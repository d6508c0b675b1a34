/**
 * Loads the combinatorial Wasm kernel (built from wasm/kernel.ts by scripts/build-wasm.ts,
 * embedded as base64, so it needs no file or network access: Node worker_threads and browser
 * Web Workers alike). 64-bit values cross the boundary as BigInt; the per-b vectors of a hard
 * piece are read straight from the kernel's memory. One instance per thread: its memory caches
 * the tables of the last (x, y, c), so consecutive units of one job skip rebuilding them.
 */
import { instantiateEmbedded } from '../../wasm-module.js';

interface KernelExports {
  memory: { buffer: ArrayBuffer };
  setup(x: bigint, y: bigint, c: number): void;
  ordinary(): void;
  easy(pLo: bigint, pHi: bigint): void;
  hard(lo: bigint, hi: bigint): void;
  p2(lo: bigint, hi: bigint): void;
  outA(): bigint;
  outB(): bigint;
  outC(): bigint;
  outCounts(): number;
  outCountsLength(): number;
  outMu(): number;
  outMuLength(): number;
}

export interface HardPiece {
  partial: bigint;
  /** counts[i]: unsieved numbers of the piece after removing p_1 .. p_{c+1+i-1}. */
  counts: number[];
  /** mu[i]: sum of -mu(m) over the piece's leaves with b = c + 1 + i; no trailing zeros. */
  mu: number[];
}

export interface P2Piece {
  primes: bigint;
  points: bigint;
  local: bigint;
}

export interface CombinatorialKernel {
  /** Tables for (x, y, c); a no-op when they are the last ones set up. */
  setup(x: bigint, y: bigint, c: number): void;
  /** S1 + S2_trivial + pi(y) - 1, and pi(y). */
  ordinary(): { sum: bigint; piY: bigint };
  /** Easy special leaves of the primes in (pLo, pHi]. */
  easy(pLo: bigint, pHi: bigint): bigint;
  /** Hard special leaves with values in [lo, hi) (both even). */
  hard(lo: bigint, hi: bigint): HardPiece;
  /** P2's piece over [lo, hi). */
  p2(lo: bigint, hi: bigint): P2Piece;
  /** Bytes of the instance's linear memory (it only grows): the kernel's peak. */
  memoryBytes(): number;
}

function readI64s(exports: KernelExports, address: number, length: number): number[] {
  const view = new BigInt64Array(exports.memory.buffer, address, length);
  const out = new Array<number>(length);
  for (let i = 0; i < length; i++) out[i] = Number(view[i]!);
  return out;
}

export async function loadCombinatorialKernel(): Promise<CombinatorialKernel> {
  const k = await instantiateEmbedded<KernelExports>(() => import('./wasm/kernel-bytes.js'));
  return {
    setup: (x, y, c) => k.setup(x, y, c),
    ordinary() {
      k.ordinary();
      return { sum: k.outA(), piY: k.outB() };
    },
    easy(pLo, pHi) {
      k.easy(pLo, pHi);
      return k.outA();
    },
    hard(lo, hi) {
      k.hard(lo, hi);
      return {
        partial: k.outA(),
        counts: readI64s(k, k.outCounts(), k.outCountsLength()),
        mu: readI64s(k, k.outMu(), k.outMuLength()),
      };
    },
    p2(lo, hi) {
      k.p2(lo, hi);
      return { primes: k.outA(), points: k.outB(), local: k.outC() };
    },
    memoryBytes: () => k.memory.buffer.byteLength,
  };
}
