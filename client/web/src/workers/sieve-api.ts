import type { JsonValue } from '../../../../shared/kinds/job-kind.js';

/** What a compute Web Worker exposes through Comlink (shared by the worker and the pool). */
export interface SieveWorkerApi {
  /** The sieve kernel's name, once loaded ("wasm"). */
  kernel(): Promise<string>;
  /**
   * Computes unit `id` of a kind with that kind's kernel, after the units sent before it (a
   * unit sent while another runs waits in the worker). `onStart` and `onProgress` (Comlink
   * proxies) hear when it begins and the fraction done; a cancelled unit rejects.
   */
  compute(id: number, kind: string, unit: JsonValue, onStart: () => void, onProgress?: (fraction: number) => void): Promise<JsonValue>;
  /** Skips unit `id` if it has not started. */
  cancel(id: number): void;
}
