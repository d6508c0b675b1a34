/**
 * What a kind of job is, seen from outside: how its parameters cut into chunk ranges, what a
 * unit's result looks like on the wire, how a unit is computed, when two results of one unit
 * agree, and how unit results join into the answer. The coordinator can wrap any kind through
 * this shape without knowing what a unit computes.
 */
import type { z } from 'zod';
import type { Kernel } from '../sieve/index.js';

/** An inclusive range of integers, 0 <= lo <= hi <= 2^64 - 1. */
export interface U64Range {
  lo: bigint;
  hi: bigint;
}

/** A job's parameters for every range kind: the range [from, to] cut into `chunks` chunks. */
export interface RangeParams {
  from: bigint;
  to: bigint;
  chunks: number;
}

/** Joins the unit results of one job's range, arriving in any order, into its answer. */
export interface Combiner<Result, Answer> {
  /** Takes the result of unit [lo, hi]; RangeError if it overlaps one already taken or lies
   * outside the job's range. */
  add(range: U64Range, result: Result): void;
  /** Every number of the job's range is covered. */
  readonly complete: boolean;
  /** Results held because a unit before them has not arrived yet. */
  readonly buffered: number;
  /** The answer; RangeError while not complete. */
  answer(): Answer;
}

export interface Kind<Result, Answer> {
  readonly name: string;
  /** A unit's result as it travels (plain JSON); parse every inbound result with it. */
  readonly resultSchema: z.ZodType<Result>;
  /** The job's answer as the job view shows it. */
  readonly answerSchema: z.ZodType<Answer>;
  /** The chunks of the job's range, by the seed's split rule. */
  ranges(params: RangeParams): U64Range[];
  /** Computes one unit on this thread's kernel. */
  compute(kernel: Kernel, range: U64Range): Result;
  /** Whether two results of the same unit are the same (replicas, spot checks). */
  agree(a: Result, b: Result): boolean;
  combiner(range: U64Range): Combiner<Result, Answer>;
}
