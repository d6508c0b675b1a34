/**
 * pi(x) in this thread: plan, compute every unit through the kernel, combine. For tests,
 * benchmarks and checking a sieve total on a trusted thread.
 */
import { createCombiner } from './combine.js';
import { computeUnit } from './compute-unit.js';
import { planPi } from './plan.js';
import type { CombinatorialKernel } from './wasm-kernel.js';

export interface PiOptions {
  /** Units to cut the work into (the answer does not depend on it). */
  units?: number;
  alpha?: number;
}

export function piCombinatorial(kernel: CombinatorialKernel, x: bigint, options: PiOptions = {}): bigint {
  const plan = planPi(x, options.units ?? 1, options.alpha);
  const combiner = createCombiner(plan);
  for (const unit of plan.units) combiner.add(computeUnit(kernel, unit));
  const result = combiner.result();
  if (result === undefined) throw new Error('a unit of the plan was not combined');
  return result;
}
