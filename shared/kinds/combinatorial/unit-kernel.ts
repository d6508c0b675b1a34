/** The combinatorial kernel entry for a volunteer's thread: a plan unit in, its result out. */
import type { UnitKernel } from '../kernels.js';
import { computeUnit } from './compute-unit.js';
import { loadCombinatorialKernel } from './wasm-kernel.js';

export async function loadCombinatorialUnitKernel(): Promise<UnitKernel> {
  const kernel = await loadCombinatorialKernel();
  return { name: 'wasm', compute: (descriptor) => computeUnit(kernel, descriptor) };
}
