/**
 * Instantiates a kernel embedded as base64 by scripts/build-wasm.ts, so it needs no file or
 * network access in Node threads and browser Web Workers alike. Each call makes a fresh
 * instance (its own memory): call it once per thread and keep what it returns.
 */

/** The part of the WebAssembly JS API used here; the Node-only tsconfig has no DOM/Wasm lib. */
interface WasmRuntime {
  instantiate(bytes: Uint8Array<ArrayBuffer>): Promise<{ instance: { exports: unknown } }>;
}

/** True where this runtime can run a kernel at all. */
export function hasWebAssembly(): boolean {
  return typeof (globalThis as { WebAssembly?: unknown }).WebAssembly === 'object';
}

function decodeBase64(base64: string): Uint8Array<ArrayBuffer> {
  const binary = atob(base64);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/**
 * `loadBytes` imports the kernel's generated `kernel-bytes.js`; it is a parameter so that the
 * import stays beside each kernel, where bundlers resolve it.
 */
export async function instantiateEmbedded<Exports>(loadBytes: () => Promise<{ KERNEL_WASM_BASE64: string }>): Promise<Exports> {
  const wasm = (globalThis as { WebAssembly?: WasmRuntime }).WebAssembly;
  if (wasm === undefined) throw new Error('WebAssembly is not available in this runtime');
  let base64: string;
  try {
    ({ KERNEL_WASM_BASE64: base64 } = await loadBytes());
  } catch (cause) {
    throw new Error('Wasm kernel bytes missing: run `npx tsx scripts/build-wasm.ts` first', { cause });
  }
  const { instance } = await wasm.instantiate(decodeBase64(base64));
  return instance.exports as Exports;
}
