import type { ActiveJob, Domain } from '../model.js';
import { reopenForAudit } from './quarantine.js';

/**
 * The verifier named chunks whose total is wrong: every count in them that rested on one
 * stranger's word is recomputed under the full rules (its voters lose their standing, and
 * are quarantined if the audit disagrees). Returns how many units were reopened; 0 means the
 * wrong total rests on confirmed counts only, and the job cannot be answered.
 */
export function reopenWrongChunks(d: Domain, job: ActiveJob, wrongChunks: readonly number[]): number {
  let reopened = 0;
  for (const chunkIndex of wrongChunks) {
    for (const accepted of d.store.unitsOfChunk(job.record.id, chunkIndex)) {
      if (accepted.confirmed) continue;
      for (const volunteerId of accepted.volunteerIds) {
        const volunteer = d.volunteers.get(volunteerId);
        if (volunteer) volunteer.confirmedStreak = 0;
      }
      reopenForAudit(d, accepted, 'unknown');
      reopened++;
    }
  }
  if (reopened > 0) d.events.workAvailable();
  return reopened;
}
