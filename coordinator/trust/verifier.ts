/**
 * The hook that makes single-vote acceptance safe: a job-level check of the total that does
 * not trust any volunteer (for sieve counts, the combinatorial pi(x) kernel on a coordinator
 * thread, coordinator/verify/). Without one, every stranger's count must be confirmed by
 * another network or a trusted worker.
 */
import type { ChunkRecord, JobRecord } from '../model.js';

export type TotalCheck = { ok: true } | { ok: false; wrongChunks: number[] };

export interface TotalVerifier {
  /** What checked the total, as the job view says it (`verified_by`). */
  readonly verifiedBy: string;
  /** Whether this job's total can be verified before it succeeds. */
  canVerify(job: JobRecord): boolean;
  /**
   * Checks each chunk's accepted total; names the chunks whose total is wrong. May answer
   * later (a computation off the event loop): the job waits for it.
   */
  verifyTotal(job: JobRecord, chunks: readonly ChunkRecord[]): TotalCheck | Promise<TotalCheck>;
}
