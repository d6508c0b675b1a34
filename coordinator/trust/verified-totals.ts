import type { ActiveJob, Domain } from '../model.js';
import { reopenForAudit } from './quarantine.js';

/**
 * The verifier named chunks whose total is wrong: every count in them that rested on one
 * stranger's word is recomputed by someone else, with that word still one vote among the
 * others (whoever is outvoted is quarantined), then the total is verified again. Returns how many units were reopened; 0
 * means the wrong total rests on confirmed counts only, and the job cannot be answered.
 */
export function reopenWrongChunks(d: Domain, job: ActiveJob, wrongChunks: readonly number[]): number {
  let reopened = 0;
  for (const chunkIndex of wrongChunks) {
    for (const accepted of d.store.unitsOfChunk(job.record.id, chunkIndex)) {
      if (accepted.confirmed) continue;
      reopenForAudit(d, accepted, 'unknown', true);
      reopened++;
    }
  }
  if (reopened > 0) d.events.workAvailable();
  return reopened;
}
