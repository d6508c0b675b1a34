import { JobState, TERMINAL_STATES } from '../../shared/api.js';
import { kindNamed } from '../../shared/kinds/registry.js';
import type { Domain, JobRecord } from '../model.js';
import { foldUnits } from './accept-count.js';
import { activate } from './create-job.js';
import { succeedIfComplete } from './finish-job.js';
import { advanceState } from './job-state.js';

/**
 * Loads the job table from the store after a start. Each chunk's totals, and its job's
 * completed chunks, are folded again from its accepted units, in order (the store keeps the
 * unit rows, not a total per chunk nor a job's progress).
 * Leases in flight were not durable: the parts of each chunk without an accepted result
 * simply become leasable again. A job stopped while its total was being verified (every
 * chunk done) is verified again.
 */
export function restoreJobs(d: Domain): number {
  let resumed = 0;
  for (const { record, chunks } of d.store.loadJobs()) {
    d.jobs.set(record.id, record);
    if (TERMINAL_STATES.has(record.state)) continue;
    const params = kindNamed(record.kind).params.safeParse(record.params);
    if (!params.success) {
      abandon(d, record, `cannot resume this job after an upgrade (${params.error.issues[0]?.message ?? 'its parameters changed meaning'}); submit it again`);
      continue;
    }
    const kind = kindNamed(record.kind);
    const unitsByChunk = new Map(chunks.map((chunk) => [chunk.index, d.store.unitsOfChunk(record.id, chunk.index)]));
    for (const chunk of chunks) {
      const units = unitsByChunk.get(chunk.index) ?? [];
      chunk.accumulator = foldUnits(kind, units);
      chunk.donePositions = units.reduce((done, unit) => done + unit.hi - unit.lo + 1, 0);
    }
    record.completedChunks = chunks.filter((chunk) => chunk.donePositions === chunk.hi - chunk.lo + 1).length;
    const job = activate(record, chunks, (chunk) => unitsByChunk.get(chunk.index) ?? []);
    d.active.set(record.id, job);
    resumed++;
    succeedIfComplete(d, job);
  }
  return resumed;
}

/**
 * Ends a job this coordinator cannot resume: its parameters no longer mean what they meant
 * when its results were accepted, and combining them would give a wrong answer.
 */
function abandon(d: Domain, record: JobRecord, message: string): void {
  advanceState(d, record, JobState.Failure);
  record.error = message;
  record.finishedAt = d.now();
  d.store.updateJob(record);
  d.store.compactJob(record.id);
}
