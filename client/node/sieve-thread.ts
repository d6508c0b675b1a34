/** A worker_threads entry: computes the units the pool sends, one at a time, with their kind's kernel. */
import { parentPort } from 'node:worker_threads';
import { createKernelCache } from '../../shared/kinds/kernels.js';
import type { JsonValue } from '../../shared/kinds/job-kind.js';
import { SIEVE_COUNT } from '../../shared/kinds/sieve-count/index.js';

export interface ComputeTask {
  id: number;
  kind: string;
  unit: JsonValue;
}
/** The task's result or error; before it, any number of progress messages (fraction done). */
export type ComputeReply = { id: number; result: JsonValue } | { id: number; error: string } | { id: number; progress: number };

if (!parentPort) throw new Error('sieve-thread must run in a worker thread');
const port = parentPort;
const kernelFor = createKernelCache();
// The sieve kernel is loaded at start, as most units are sieve units.
await kernelFor(SIEVE_COUNT);

port.on('message', (task: ComputeTask) => {
  kernelFor(task.kind)
    .then((kernel) => ({ id: task.id, result: kernel.compute(task.unit, (progress) => port.postMessage({ id: task.id, progress })) }))
    .catch((error: unknown): ComputeReply => ({ id: task.id, error: error instanceof Error ? error.message : String(error) }))
    .then((reply) => port.postMessage(reply));
});
