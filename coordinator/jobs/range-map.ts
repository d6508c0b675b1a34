import type { RangeMap } from '../../shared/protocol.js';
import { splitIntoChunks } from '../../shared/split.js';
import type { Domain } from '../model.js';

/** The live picture of a job for the page: per chunk how much is counted, and the units leased now. */
export function rangeMap(d: Domain, jobId: string): RangeMap | undefined {
  const record = d.jobs.get(jobId);
  if (!record) return undefined;
  const active = d.active.get(jobId);
  if (!active) {
    const succeeded = record.state === 'SUCCESS';
    return {
      jobId,
      n: record.n,
      chunks: splitIntoChunks(record.n, record.chunks).map(({ lo, hi }) => ({
        lo,
        hi,
        done: succeeded ? hi - lo + 1 : 0,
        complete: succeeded,
      })),
      inFlight: [],
    };
  }
  const inFlight: { lo: number; hi: number }[] = [];
  for (const lease of d.leases.values()) if (lease.jobId === jobId) inFlight.push({ lo: lease.lo, hi: lease.hi });
  return {
    jobId,
    n: record.n,
    chunks: active.chunks.map((chunk) => ({
      lo: chunk.lo,
      hi: chunk.hi,
      done: chunk.doneNumbers,
      complete: chunk.doneNumbers === chunk.hi - chunk.lo + 1,
    })),
    inFlight,
  };
}
