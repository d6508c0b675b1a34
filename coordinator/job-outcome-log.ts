/** One log line for every job that ends while this process runs: finished, failed or cancelled, with its duration and result. */
import type { Logger } from 'pino';
import { JobState, TERMINAL_STATES } from '../shared/api.js';
import { kindNamed } from '../shared/kinds/registry.js';
import type { Domain } from './model.js';

export function createJobOutcomeLog(logger: Logger, startedAt: number): (d: Domain, jobId: string) => void {
  const logged = new Set<string>();
  return (d, jobId) => {
    const job = d.jobs.get(jobId);
    // Jobs that ended before this process started (restored, or watched again) were logged then.
    if (!job || !TERMINAL_STATES.has(job.state) || job.finishedAt === undefined || job.finishedAt < startedAt) return;
    if (logged.has(jobId)) return;
    for (const id of logged) if (!d.jobs.has(id)) logged.delete(id);
    logged.add(jobId);
    // Short messages: on a terminal the fields follow inline, in JSON they are the record.
    const kind = kindNamed(job.kind);
    const fields = { jobId, kind: job.kind, ...kind.viewParams(job.params), chunks: job.chunks, durationSec: (job.finishedAt - job.createdAt) / 1000 };
    if (job.state === JobState.Success && job.answer !== undefined) logger.info({ ...fields, ...kind.viewAnswer(job.answer) }, 'job finished');
    else if (job.state === JobState.Failure) logger.warn({ ...fields, error: job.error }, 'job failed');
    else logger.info({ ...fields, completedChunks: job.completedChunks, error: job.error }, 'job cancelled');
  };
}
