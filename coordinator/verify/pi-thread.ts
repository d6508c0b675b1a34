/** A worker_threads entry: pi(x) by the combinatorial kernel, one request at a time. */
import { parentPort } from 'node:worker_threads';
import { piCombinatorial } from '../../shared/kinds/combinatorial/pi.js';
import { loadCombinatorialKernel } from '../../shared/kinds/combinatorial/wasm-kernel.js';

export interface PiRequest {
  id: number;
  /** Decimal. */
  x: string;
}
export type PiReply = { id: number; pi: string } | { id: number; error: string };

if (!parentPort) throw new Error('pi-thread must run in a worker thread');
const port = parentPort;
const kernel = await loadCombinatorialKernel();

port.on('message', (request: PiRequest) => {
  let reply: PiReply;
  try {
    reply = { id: request.id, pi: piCombinatorial(kernel, BigInt(request.x)).toString() };
  } catch (error) {
    reply = { id: request.id, error: error instanceof Error ? error.message : String(error) };
  }
  port.postMessage(reply);
});
