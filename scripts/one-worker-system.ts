/**
 * What the through-the-system benchmarks of one job share: a fresh coordinator in this process
 * (SQLite job table in a temporary directory, no spot checks) with one headless worker process
 * of one thread, and a REST job submitted and polled until it ends.
 *
 * The worker is trusted (WORKER_TOKEN): its answers are accepted alone, as for an operator's
 * own machine. A lone stranger's results would wait for a second network and the job never end.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import { loadConfig } from '../coordinator/config.js';
import { startCoordinator } from '../coordinator/coordinator.js';
import { SqliteJobStore } from '../coordinator/store/sqlite-store.js';
import type { JobView } from '../shared/api.js';
import { waitFor } from '../test/support/harness.js';

const WORKER_TOKEN = 'bench-worker-token-not-a-secret';

/**
 * Runs `run` against the coordinator once its worker has said hello (the worker's start-up is
 * not part of any figure), then stops both and removes the directory. `env` adds to the
 * coordinator's settings.
 */
export async function withOneWorker<T>(env: Record<string, string>, run: (apiUrl: string) => Promise<T>): Promise<T> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'dpc-bench-'));
  const config = loadConfig({ API_HOST: '127.0.0.1', API_PORT: '0', SPOT_CHECK_RATE: '0', DATA_DIR: dataDir, WORKER_TOKEN, ...env });
  const coordinator = await startCoordinator(config, {
    store: new SqliteJobStore(path.join(dataDir, 'coordinator.db')),
    logger: pino({ level: 'silent' }),
    version: 'bench',
    webRoot: undefined,
  });
  const worker = spawn(process.execPath, ['--import', 'tsx', 'client/node/main.ts', '--url', coordinator.apiUrl, '--concurrency', '1'], {
    env: { ...process.env, LOG_LEVEL: 'warn', WORKER_TOKEN },
    stdio: 'inherit',
  });
  const exited = new Promise((resolve) => worker.once('exit', resolve));
  try {
    await waitFor('the worker to say hello', () => {
      if (worker.exitCode !== null || worker.signalCode !== null) throw new Error('the worker exited before saying hello');
      return coordinator.domain.volunteers.size > 0 ? true : undefined;
    }, 120_000, 20);
    return await run(coordinator.apiUrl);
  } finally {
    if (worker.exitCode === null && worker.signalCode === null) worker.kill('SIGTERM');
    await exited;
    await coordinator.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/**
 * POSTs a job to `route` and polls its view every `pollMs` (duration_sec is the coordinator's
 * own clock: polling slowly only spares its CPU) until it ends. Returns the view of a
 * SUCCESS; throws on any other end.
 */
export async function runJob(apiUrl: string, route: '/api/count-primes' | '/api/jobs', body: unknown, pollMs: number): Promise<JobView> {
  const submitted = await fetch(`${apiUrl}${route}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (submitted.status !== 202) throw new Error(`submit failed: ${submitted.status} ${await submitted.text()}`);
  const { job_id: jobId } = (await submitted.json()) as { job_id: string };
  return waitFor(
    `job ${jobId} to end`,
    async () => {
      const view = (await (await fetch(`${apiUrl}/api/jobs/${jobId}`)).json()) as JobView;
      if (view.state === 'FAILURE' || view.state === 'REVOKED') throw new Error(`job ended in ${view.state}: ${view.error}`);
      return view.state === 'SUCCESS' ? view : undefined;
    },
    24 * 3_600_000,
    pollMs,
  );
}
