import { TERMINAL_STATES } from '../../shared/api.js';
import type { Domain } from '../model.js';
import { activate } from './create-job.js';

/**
 * Loads the job table from the store after a start. Leases in flight were not durable:
 * the parts of each chunk without an accepted count simply become leasable again.
 */
export function restoreJobs(d: Domain): number {
  let resumed = 0;
  for (const { record, chunks } of d.store.loadJobs()) {
    d.jobs.set(record.id, record);
    if (TERMINAL_STATES.has(record.state)) continue;
    d.active.set(
      record.id,
      activate(record, chunks, (chunk) => d.store.unitsOfChunk(record.id, chunk.index)),
    );
    resumed++;
  }
  return resumed;
}
