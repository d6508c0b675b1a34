/**
 * The kernel entries a volunteer's threads dispatch to, by kind name. Each thread loads a
 * kind's kernel the first time it is asked for that kind and keeps it (kernels cache state
 * such as sieving primes between units).
 */
import type { ComputableKind } from './computable.js';
import type { JsonValue } from './job-kind.js';
import { loadRangeKernel } from './range-kernel.js';
import { loadCombinatorialUnitKernel } from './combinatorial/unit-kernel.js';
import { loadSieveCountKernel } from './sieve-count/kernel.js';

export interface UnitKernel {
  /** The implementation's name ("wasm", "js", ...). */
  readonly name: string;
  /**
   * Computes one unit; throws on a descriptor it cannot compute. A kernel that computes in
   * parts may call `onProgress` with the fraction done so far (for the page's range map).
   */
  compute(descriptor: unknown, onProgress?: (fraction: number) => void): JsonValue;
}

const loaders: Record<ComputableKind, () => Promise<UnitKernel>> = {
  'sieve-count': loadSieveCountKernel,
  'prime-count': () => loadRangeKernel('prime-count'),
  'twin-count': () => loadRangeKernel('twin-count'),
  'max-gap': () => loadRangeKernel('max-gap'),
  combinatorial: loadCombinatorialUnitKernel,
};

function loaderOf(kind: string): (() => Promise<UnitKernel>) | undefined {
  return Object.hasOwn(loaders, kind) ? loaders[kind as ComputableKind] : undefined;
}

/** Per-thread kernel cache: one load per kind. */
export function createKernelCache(): (kind: string) => Promise<UnitKernel> {
  const loaded = new Map<string, Promise<UnitKernel>>();
  return (kind) => {
    let kernel = loaded.get(kind);
    if (!kernel) {
      const load = loaderOf(kind);
      if (!load) return Promise.reject(new RangeError(`this volunteer has no kernel for kind ${JSON.stringify(kind)}`));
      kernel = load();
      loaded.set(kind, kernel);
    }
    return kernel;
  };
}
