import type { JsonValue } from '../../../../shared/kinds/job-kind.js';

/** What a compute Web Worker exposes through Comlink (shared by the worker and the pool). */
export interface SieveWorkerApi {
  /** The sieve kernel's name, once loaded ("wasm"). */
  kernel(): Promise<string>;
  /** Computes one unit of a kind with that kind's kernel. */
  compute(kind: string, unit: JsonValue): Promise<JsonValue>;
}
