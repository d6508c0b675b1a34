/**
 * Verifies a sieve-count job's total against pi(n) by the combinatorial kernel (an algorithm
 * no volunteer's sieve shares), on the coordinator's own thread pool of one (pi-worker.ts).
 * On a mismatch, pi at every chunk boundary names the chunks whose totals are wrong.
 */
import { SIEVE_COUNT, sieveCountParamsSchema } from '../../shared/kinds/sieve-count/index.js';
import type { ChunkRecord, JobRecord } from '../model.js';
import type { TotalCheck, TotalVerifier } from '../trust/verifier.js';
import type { PiWorker } from './pi-worker.js';

export const VERIFIED_BY = 'combinatorial pi(n) on the coordinator';

export function sieveTotalVerifier(piWorker: PiWorker): TotalVerifier {
  return {
    verifiedBy: VERIFIED_BY,
    canVerify: (job) => job.kind === SIEVE_COUNT,
    async verifyTotal(job: JobRecord, chunks: readonly ChunkRecord[]): Promise<TotalCheck> {
      const { n } = sieveCountParamsSchema.parse(job.params);
      const total = chunks.reduce((sum, chunk) => sum + Number(chunk.accumulator), 0);
      if (BigInt(total) === (await piWorker.pi(n))) return { ok: true };
      const wrongChunks: number[] = [];
      let below = 0n;
      for (const chunk of chunks) {
        const upTo = await piWorker.pi(chunk.hi);
        if (upTo - below !== BigInt(Number(chunk.accumulator))) wrongChunks.push(chunk.index);
        below = upTo;
      }
      return { ok: false, wrongChunks };
    },
  };
}
