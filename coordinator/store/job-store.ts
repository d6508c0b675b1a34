/**
 * Persistence of the job table behind one interface. Writes are called synchronously and
 * may be batched: whoever acknowledges a write to a client waits for `flushed()` first, so
 * nothing is acknowledged before it is durable. Reads see every write made before them.
 */
import type { AcceptedUnit, ChunkRecord, JobRecord } from '../model.js';

export interface StoredJob {
  record: JobRecord;
  /**
   * Empty for finished jobs. A chunk's totals (`accumulator`, `donePositions`) are those it
   * was inserted with: whoever restores the job folds them again from the chunk's units.
   */
  chunks: ChunkRecord[];
}

export interface JobStore {
  /** Saves a new job and its chunks in one transaction. */
  insertJob(job: JobRecord, chunks: ChunkRecord[]): void;
  /** Saves a job's state, progress, result or error. */
  updateJob(job: JobRecord): void;
  /**
   * Saves an accepted unit. The unit rows are what a restart folds each chunk's totals and
   * its job's completed chunks from: neither the chunk's row nor the job's is rewritten for
   * every unit.
   */
  acceptUnit(unit: AcceptedUnit): void;
  /** Replaces the result of an accepted unit after an audit. */
  correctUnit(unit: AcceptedUnit): void;
  /** Accepted units of one chunk, ascending by lo. */
  unitsOfChunk(jobId: string, chunkIndex: number): AcceptedUnit[];
  /** Accepted units of unfinished jobs that rest on this volunteer's word alone. */
  unconfirmedUnitsOf(volunteerId: string): AcceptedUnit[];
  /**
   * Drops the per-unit and per-chunk rows of a job that has ended; the job row stays. May
   * happen in slices in the background (a job may have 100,000 unit rows).
   */
  compactJob(jobId: string): void;
  /** Resolves once every write made so far is durable; rejects when committing them failed. */
  flushed(): Promise<void>;
  /** Every job, with chunks for the unfinished ones. */
  loadJobs(): StoredJob[];
  /** Deletes jobs that finished before `time`; returns their ids. */
  deleteFinishedBefore(time: number): string[];
  close(): void;
}
