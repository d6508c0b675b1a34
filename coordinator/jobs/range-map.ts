import type { RangeMap } from '../../shared/protocol.js';
import { kindNamed } from '../../shared/kinds/registry.js';
import type { Domain } from '../model.js';

/**
 * The live picture of a job for the page: per chunk how much is done (accepted, plus what units
 * in flight reported computed by heartbeat), and the units leased now (in positions).
 */
export function rangeMap(d: Domain, jobId: string): RangeMap | undefined {
  const record = d.jobs.get(jobId);
  if (!record) return undefined;
  const active = d.active.get(jobId);
  if (!active) {
    const succeeded = record.state === 'SUCCESS';
    const ranges = kindNamed(record.kind).chunkRanges(record.params, record.chunks);
    return {
      jobId,
      n: ranges.at(-1)?.hi ?? 0,
      chunks: ranges.map(({ lo, hi }) => ({
        lo,
        hi,
        done: succeeded ? hi - lo + 1 : 0,
        complete: succeeded,
      })),
      inFlight: [],
    };
  }
  const inFlight: { lo: number; hi: number }[] = [];
  // Heartbeat progress: per unit the furthest any of its leases got, summed per chunk. Only
  // this job's open units are read, not every lease of the swarm (the map is sent per job).
  const computedByChunk = new Map<number, number>();
  for (const unit of active.open.values()) {
    let computed = 0;
    for (const leaseId of unit.leases) {
      const lease = d.leases.get(leaseId);
      if (!lease) continue;
      inFlight.push({ lo: lease.lo, hi: lease.hi });
      computed = Math.max(computed, lease.done);
    }
    if (computed > 0) computedByChunk.set(unit.chunkIndex, (computedByChunk.get(unit.chunkIndex) ?? 0) + computed);
  }
  return {
    jobId,
    n: active.chunks.at(-1)?.hi ?? 0,
    chunks: active.chunks.map((chunk) => ({
      lo: chunk.lo,
      hi: chunk.hi,
      done: Math.min(chunk.hi - chunk.lo + 1, chunk.donePositions + (computedByChunk.get(chunk.index) ?? 0)),
      complete: chunk.donePositions === chunk.hi - chunk.lo + 1,
    })),
    inFlight,
  };
}
