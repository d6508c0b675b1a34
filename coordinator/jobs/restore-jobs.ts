import { TERMINAL_STATES } from '../../shared/api.js';
import type { Domain } from '../model.js';
import { activate } from './create-job.js';
import { succeedIfComplete } from './finish-job.js';

/**
 * Loads the job table from the store after a start. Leases in flight were not durable:
 * the parts of each chunk without an accepted result simply become leasable again. A job
 * stopped while its total was being verified (every chunk done) is verified again.
 */
export function restoreJobs(d: Domain): number {
  let resumed = 0;
  for (const { record, chunks } of d.store.loadJobs()) {
    d.jobs.set(record.id, record);
    if (TERMINAL_STATES.has(record.state)) continue;
    const job = activate(record, chunks, (chunk) => d.store.unitsOfChunk(record.id, chunk.index));
    d.active.set(record.id, job);
    resumed++;
    succeedIfComplete(d, job);
  }
  return resumed;
}
