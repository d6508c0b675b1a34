/** The sieve-count kernel entry for a volunteer's thread: a descriptor in, a count out. */
import { loadKernel } from '../../sieve/index.js';
import type { UnitKernel } from '../kernels.js';
import { sieveCountDescriptorSchema } from './index.js';

export async function loadSieveCountKernel(): Promise<UnitKernel> {
  const kernel = await loadKernel();
  return {
    name: kernel.name,
    compute(descriptor) {
      const unit = sieveCountDescriptorSchema.safeParse(descriptor);
      if (!unit.success) throw new RangeError(`a sieve-count unit is {lo, hi} with 0 <= lo <= hi <= 2^53 - 1, got ${JSON.stringify(descriptor)}`);
      return kernel.countPrimes(unit.data.lo, unit.data.hi);
    },
  };
}
