/** One sieve thread of the tab: the shared kernel behind Comlink. */
import { expose } from 'comlink';
import { loadKernel } from '../../../../shared/sieve/index.js';
import type { SieveWorkerApi } from './sieve-api.js';

// Loaded once per worker: the kernel keeps its sieving-prime cache between units.
const kernel = loadKernel();

const api: SieveWorkerApi = {
  async kernel() {
    return (await kernel).name;
  },
  async count(lo, hi) {
    return (await kernel).countPrimes(lo, hi);
  },
};

expose(api);
