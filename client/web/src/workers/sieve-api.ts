/** What a sieve Web Worker exposes through Comlink (shared by the worker and the pool). */
export interface SieveWorkerApi {
  /** The kernel's name, once loaded ("wasm"). */
  kernel(): Promise<string>;
  /** Number of primes p with lo <= p <= hi. */
  count(lo: number, hi: number): Promise<number>;
}
