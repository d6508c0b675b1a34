import type { JsonValue } from '../../../../shared/kinds/job-kind.js';

/** What a compute Web Worker exposes through Comlink (shared by the worker and the pool). */
export interface SieveWorkerApi {
  /** The sieve kernel's name, once loaded ("wasm"). */
  kernel(): Promise<string>;
  /** Computes one unit of a kind with that kind's kernel; `onProgress` (a Comlink proxy) gets the fraction done. */
  compute(kind: string, unit: JsonValue, onProgress?: (fraction: number) => void): Promise<JsonValue>;
}
