/** Follows a job by polling its view until it ends; returns the last view and its exit code. */
import { JobState, TERMINAL_STATES } from '../shared/api.js';
import { ExitCode } from './command.js';
import type { CoordinatorClient, JobViewSeen } from './coordinator-client.js';
import type { JobDisplay } from './job-display.js';

const POLL_MS = 300;

/** Exit code of a follow stopped with Ctrl-C (128 + SIGINT), as shells report it. */
const INTERRUPTED = 130;

export async function followJob(client: CoordinatorClient, jobId: string, display: JobDisplay): Promise<ExitCode> {
  // Ctrl-C stops following, not the job: say how to pick it up again.
  process.once('SIGINT', () => {
    display.abort();
    console.error(`\nstopped following; job ${jobId} goes on (prime-counter watch ${jobId}, prime-counter cancel ${jobId})`);
    process.exit(INTERRUPTED);
  });
  for (;;) {
    const view = await client.job(jobId);
    if (TERMINAL_STATES.has(view.state)) {
      display.finish(view);
      return exitCodeOf(view);
    }
    display.update(view);
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

export function exitCodeOf(view: JobViewSeen): ExitCode {
  return view.state === JobState.Success ? ExitCode.Success : ExitCode.JobFailed;
}
