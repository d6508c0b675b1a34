/**
 * The sieve-count kernel entry for a volunteer's thread: a descriptor in, a count out. A long
 * unit is counted in a few sub-ranges (sieveProgressSlices keeps the extra calls cheap) so the
 * thread can report progress between them; the sum of disjoint sub-ranges is exact.
 */
import { loadThreadKernel } from '../../sieve/index.js';
import { sieveProgressSlices } from '../sieve-cost.js';
import type { UnitKernel } from '../kernels.js';
import { sieveCountDescriptorSchema } from './index.js';

export async function loadSieveCountKernel(): Promise<UnitKernel> {
  const kernel = await loadThreadKernel();
  return {
    name: kernel.name,
    compute(descriptor, onProgress) {
      const unit = sieveCountDescriptorSchema.safeParse(descriptor);
      if (!unit.success) throw new RangeError(`a sieve-count unit is {lo, hi} with 0 <= lo <= hi <= 2^53 - 1, got ${JSON.stringify(descriptor)}`);
      const { lo, hi } = unit.data;
      const slices = onProgress ? sieveProgressSlices(lo, hi) : 1;
      const size = Math.ceil((hi - lo + 1) / slices);
      let count = 0;
      for (let from = lo; from <= hi; from += size) {
        const to = Math.min(hi, from + size - 1);
        count += kernel.countPrimes(from, to);
        if (to < hi) onProgress?.((to - lo + 1) / (hi - lo + 1));
      }
      return count;
    },
  };
}
