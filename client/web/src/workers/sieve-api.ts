import type { JsonValue } from '../../../../shared/kinds/job-kind.js';
import type { UnitOutcome } from '../../../unit-runner.js';

/** A unit's end: its outcome and the unit that began right behind it, or that it was skipped. */
export type WorkerReply = ({ next?: number } & UnitOutcome) | { skipped: true };

/** What the worker tells the pool besides outcomes (through one Comlink proxy for its life). */
export interface SieveWorkerEvents {
  /** Unit `id` begins on a worker that had nothing to do. */
  started(id: number): void;
  progress(id: number, fraction: number): void;
}

/** What a compute Web Worker exposes through Comlink (shared by the worker and the pool). */
export interface SieveWorkerApi {
  /** The sieve kernel's name, once loaded ("wasm"). */
  kernel(): Promise<string>;
  /** Where the worker sends its events; called once, before any unit. */
  listen(events: SieveWorkerEvents): void;
  /**
   * Computes unit `id` of a kind with that kind's kernel, after the units sent before it (a
   * unit sent while another runs waits in the worker).
   */
  compute(id: number, kind: string, unit: JsonValue): Promise<WorkerReply>;
  /** Skips unit `id` if it has not started. */
  cancel(id: number): void;
}
