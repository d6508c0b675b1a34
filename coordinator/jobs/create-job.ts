import { JobState } from '../../shared/api.js';
import type { JsonValue } from '../../shared/kinds/job-kind.js';
import { kindNamed } from '../../shared/kinds/registry.js';
import { emptyWanting } from '../leases/wanting.js';
import type { ActiveJob, ChunkRecord, Domain, JobRecord } from '../model.js';

/** A job's record as submitted: pending, nothing counted yet. */
export function pendingJobRecord(id: string, kind: string, params: JsonValue, chunks: number, createdAt: number): JobRecord {
  return {
    id,
    kind,
    params,
    chunks,
    state: JobState.Pending,
    createdAt,
    startedAt: undefined,
    finishedAt: undefined,
    completedChunks: 0,
    answer: undefined,
    verifiedBy: undefined,
    error: undefined,
  };
}

/**
 * Creates a job of a kind, stores it (before anyone is told of it) and makes its work
 * leasable. `params` must satisfy the kind's parameter schema (the edges parse them).
 */
export function createJob(d: Domain, kind: string, params: JsonValue, chunkCount: number): JobRecord {
  const definition = kindNamed(kind);
  const checked = definition.params.parse(params);
  const id = d.newId();
  const record = pendingJobRecord(id, kind, checked, chunkCount, d.now());
  const chunks: ChunkRecord[] = definition.chunkRanges(checked, chunkCount).map((range, index) => ({
    jobId: id,
    index,
    lo: range.lo,
    hi: range.hi,
    accumulator: definition.emptyAccumulator(),
    donePositions: 0,
  }));
  d.store.insertJob(record, chunks);
  d.jobs.set(id, record);
  d.active.set(id, activate(record, chunks, () => []));
  d.events.jobChanged(id);
  d.events.workAvailable();
  return record;
}

/**
 * Builds the runtime state of an unfinished job. `acceptedRanges(chunk)` lists the ranges
 * of the chunk already accepted (ascending); the rest becomes untouched work.
 */
export function activate(
  record: JobRecord,
  chunks: ChunkRecord[],
  acceptedRanges: (chunk: ChunkRecord) => { lo: number; hi: number }[],
): ActiveJob {
  const states = chunks.map((chunk) => {
    const untouched: { lo: number; hi: number }[] = [];
    if (chunk.donePositions < chunk.hi - chunk.lo + 1) {
      let next = chunk.lo;
      for (const done of acceptedRanges(chunk)) {
        if (done.lo > next) untouched.push({ lo: next, hi: done.lo - 1 });
        next = Math.max(next, done.hi + 1);
      }
      if (next <= chunk.hi) untouched.push({ lo: next, hi: chunk.hi });
    }
    return { ...chunk, untouched };
  });
  return { record, chunks: states, open: new Map(), wanting: emptyWanting(), cutCursor: 0, leasesInFlight: 0, verifying: false };
}
