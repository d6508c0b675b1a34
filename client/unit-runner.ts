/**
 * The compute thread's side of its units (a worker_threads thread or a Web Worker): units
 * arrive while another one runs and wait here, so a thread that finishes one starts the next
 * at once, without waiting for the main thread to hand it over. It computes one unit at a
 * time, in the order sent. A unit cancelled before it starts is skipped; one already running
 * runs on (the main thread ends the whole thread to stop it).
 *
 * One message per unit in the steady state: a unit's outcome also says which unit began
 * right behind it. Each message wakes the main thread, and on a busy machine the woken
 * thread can push the computing one off its core for a while.
 */
import type { JsonValue } from '../shared/kinds/job-kind.js';
import type { UnitKernel } from '../shared/kinds/kernels.js';

export type UnitOutcome = { result: JsonValue } | { error: string };

export interface RunnerOutput {
  /** Unit `id` begins on a thread that had nothing to do. */
  started(id: number): void;
  progress(id: number, fraction: number): void;
  /** Unit `id` ended; `next` is the unit that began right behind it, if any. */
  done(id: number, outcome: UnitOutcome, next: number | undefined): void;
  /** Unit `id` was cancelled before it started. */
  skipped(id: number): void;
}

export interface UnitRunner {
  add(id: number, kind: string, unit: JsonValue): void;
  /** Skips the unit if it has not started; does nothing otherwise. */
  cancel(id: number): void;
}

interface Waiting {
  id: number;
  kind: string;
  unit: JsonValue;
}

/**
 * `later` runs a function after the messages already queued for this thread (setImmediate in
 * Node, a MessageChannel round in a Web Worker): a cancel sent before a unit starts, even
 * while the unit ahead of it computes, is seen before it starts.
 */
export function createUnitRunner(
  kernelFor: (kind: string) => Promise<UnitKernel>,
  later: (run: () => void) => void,
  output: RunnerOutput,
): UnitRunner {
  const waiting: Waiting[] = [];
  let busy = false;

  const runNext = async (ended?: { id: number; outcome: UnitOutcome }) => {
    const next = waiting.shift();
    if (ended) output.done(ended.id, ended.outcome, next?.id);
    else if (next) output.started(next.id);
    if (!next) {
      busy = false;
      return;
    }
    let outcome: UnitOutcome;
    try {
      const kernel = await kernelFor(next.kind);
      outcome = { result: kernel.compute(next.unit, (fraction) => output.progress(next.id, fraction)) };
    } catch (error) {
      outcome = { error: error instanceof Error ? error.message : String(error) };
    }
    later(() => void runNext({ id: next.id, outcome }));
  };

  return {
    add(id, kind, unit) {
      waiting.push({ id, kind, unit });
      if (busy) return;
      busy = true;
      later(() => void runNext());
    },
    cancel(id) {
      const index = waiting.findIndex((unit) => unit.id === id);
      if (index < 0) return;
      waiting.splice(index, 1);
      output.skipped(id);
    },
  };
}
