import type { Kernel } from './index.js';

export async function loadWasmKernel(): Promise<Kernel> {
  throw new Error('not built');
}
