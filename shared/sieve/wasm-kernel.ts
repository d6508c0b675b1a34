/**
 * Loads the Wasm kernel (built from wasm/kernel.ts by scripts/build-wasm.ts, embedded as base64
 * so it needs no file or network access). Each call instantiates a fresh module: its memory holds
 * that thread's sieving-prime cache and buckets, so call it once per thread and keep the kernel.
 */
import type { Kernel } from './index.js';
import { checkRange } from './js-kernel.js';

interface KernelExports {
  countPrimes(lo: number, hi: number): number;
}

/** The part of the WebAssembly JS API used here; the Node-only tsconfig has no DOM/Wasm lib. */
interface WasmRuntime {
  instantiate(bytes: Uint8Array<ArrayBuffer>): Promise<{ instance: { exports: unknown } }>;
}

function decodeBase64(base64: string): Uint8Array<ArrayBuffer> {
  const binary = atob(base64);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

export async function loadWasmKernel(): Promise<Kernel> {
  const wasm = (globalThis as { WebAssembly?: WasmRuntime }).WebAssembly;
  if (wasm === undefined) throw new Error('WebAssembly is not available in this runtime');
  let base64: string;
  try {
    ({ KERNEL_WASM_BASE64: base64 } = await import('./wasm/kernel-bytes.js'));
  } catch (cause) {
    throw new Error('Wasm kernel bytes missing: run `npx tsx scripts/build-wasm.ts` first', { cause });
  }
  const { instance } = await wasm.instantiate(decodeBase64(base64));
  const exports = instance.exports as unknown as KernelExports;
  return {
    name: 'wasm',
    countPrimes(lo: number, hi: number): number {
      checkRange(lo, hi);
      return exports.countPrimes(lo, hi);
    },
  };
}
