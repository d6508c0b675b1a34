/**
 * What a kind of job is: everything the coordinator's domain and the volunteer's threads
 * need to know about what a unit computes, so that neither has kind-specific code.
 *
 * A job's work is a line of positions 1..size (for sieve-count, the numbers 1..n). Chunks
 * (the unit of progress) are contiguous ranges of positions, and units are cut from chunks
 * `unitPositions` at a time; a unit's descriptor, what a volunteer computes, is made from its
 * positions by `describe`. Results are JSON validated by `result`; trust compares two of them
 * through their canonical JSON (coordinator/trust/votes.ts). A chunk keeps an accumulator (JSON, what the store keeps to
 * resume after a restart) that folds its accepted results; `answer` folds the chunks'.
 */
import type { z } from 'zod';
import type { Range } from '../split.js';

/** A JSON value (what units, results, accumulators and answers are made of). */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

export interface JobKind<Params extends JsonValue, Descriptor extends JsonValue, Result extends JsonValue, Accumulator extends JsonValue, Answer extends JsonValue> {
  readonly name: string;
  /**
   * The kind whose kernel computes this kind's units, when not its own: its descriptors and
   * results are that kind's. A volunteer declaring that kind computes these units too, and
   * their leases name it (so volunteers need no new kernel, and those without it get none).
   */
  readonly computedAs?: string;
  /** A job's parameters as the coordinator stores them. */
  readonly params: z.ZodType<Params>;
  /** What a volunteer is given to compute. */
  readonly descriptor: z.ZodType<Descriptor>;
  /** What a volunteer reports for a unit. */
  readonly result: z.ZodType<Result>;
  /** The job's work cut into `chunks` contiguous ranges of positions (ascending, tiling 1..size). */
  chunkRanges(params: Params, chunks: number): Range[];
  /** How many positions one unit covers, given the operator's unit size (in numbers). */
  unitPositions(params: Params, unitSize: number): number;
  /**
   * Optional cost model (shared/kinds/unit-cost.ts falls back to cost proportional to
   * positions): the estimated work of the unit covering `unit`, in reference seconds (the
   * seconds one thread running our sieve kernel on the reference machine would take; see
   * shared/kinds/sieve-cost.ts). Units are sized to a volunteer's measured speed against it.
   */
  cost?(params: Params, unit: Range): number;
  /** With `cost`: how many positions from `lo` cost about `seconds` reference seconds (at least 1). */
  positionsForCost?(params: Params, lo: number, seconds: number): number;
  /** The descriptor of the unit covering these positions. */
  describe(params: Params, unit: Range): Descriptor;
  /** A chunk's accumulator before any result. */
  emptyAccumulator(): Accumulator;
  /** Folds one accepted unit's result into its chunk's accumulator (order-free). */
  accumulate(accumulator: Accumulator, result: Result, unit: Range): Accumulator;
  /** The job's answer from every chunk's accumulator, in chunk order. */
  answer(params: Params, accumulators: readonly Accumulator[]): Answer;
  /** The job view's fields that say what was asked (e.g. `{ n }`). */
  viewParams(params: Params): Record<string, JsonValue>;
  /** The job view's `result` fields besides the duration (e.g. `{ prime_count }`). */
  viewAnswer(answer: Answer): Record<string, JsonValue>;
}

/** A kind with its types erased, as the registry and the domain hold it. */
export type AnyJobKind = JobKind<JsonValue, JsonValue, JsonValue, JsonValue, JsonValue>;
