/**
 * The range kinds' kernel entries for a volunteer's thread: a descriptor {lo, hi} in, the
 * unit's summary out, on the Wasm sieve kernel (the whole range 0..2^64 - 1). The kinds share
 * the thread's one sieve kernel, which caches its sieving primes between units.
 */
import { loadThreadKernel, type Kernel } from '../sieve/index.js';
import type { JsonValue } from './job-kind.js';
import type { UnitKernel } from './kernels.js';
import { computeMaxGap, MAX_GAP } from './max-gap/index.js';
import { computePrimeCount, PRIME_COUNT } from './prime-count/index.js';
import { rangeDescriptorSchema } from './range-params.js';
import { computeTwinCount, TWIN_COUNT } from './twin-count/index.js';
import { fromU64Json } from './u64-json.js';

export type RangeKindName = typeof PRIME_COUNT | typeof TWIN_COUNT | typeof MAX_GAP;

const computations: Record<RangeKindName, (kernel: Kernel, lo: bigint, hi: bigint) => JsonValue> = {
  [PRIME_COUNT]: computePrimeCount,
  [TWIN_COUNT]: computeTwinCount,
  [MAX_GAP]: computeMaxGap,
};

export async function loadRangeKernel(kind: RangeKindName): Promise<UnitKernel> {
  const kernel = await loadThreadKernel();
  const compute = computations[kind];
  return {
    name: kernel.name,
    compute(descriptor) {
      const unit = rangeDescriptorSchema.safeParse(descriptor);
      if (!unit.success) throw new RangeError(`a ${kind} unit is {lo, hi} with 0 <= lo <= hi <= 2^64 - 1, got ${JSON.stringify(descriptor)}`);
      return compute(kernel, fromU64Json(unit.data.lo), fromU64Json(unit.data.hi));
    },
  };
}
