/**
 * The hook that makes single-vote acceptance safe: a job-level check of the total that does
 * not trust any volunteer (for sieve counts, the combinatorial pi(x) kernel). Without one,
 * every stranger's count must be confirmed by another network or a trusted worker.
 */
import type { ChunkRecord, JobRecord } from '../model.js';

export type TotalCheck = { ok: true } | { ok: false; wrongChunks: number[] };

export interface TotalVerifier {
  /** Whether this job's total can be verified before it succeeds. */
  canVerify(job: JobRecord): boolean;
  /** Checks each chunk's accepted total; names the chunks whose total is wrong. */
  verifyTotal(job: JobRecord, chunks: readonly ChunkRecord[]): TotalCheck;
}
