/**
 * Through-the-system benchmark: a real coordinator (SQLite job table), one headless worker
 * process with one thread, a REST job; end-to-end time (submission to last result, the job's
 * duration_sec) against `primesieve -t1` on the same n, in the same run.
 *
 *   npm run bench:system [-- --n 1e10 --runs 3]
 *
 * A benchmark, not a test: it prints figures and never fails on a slow machine (it exits 1
 * only when a count is wrong).
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { pino } from 'pino';
import { loadConfig } from '../coordinator/config.js';
import { startCoordinator } from '../coordinator/coordinator.js';
import { SqliteJobStore } from '../coordinator/store/sqlite-store.js';
import type { JobView } from '../shared/api.js';

const { values } = parseArgs({
  options: { n: { type: 'string', default: '1e10' }, runs: { type: 'string', default: '3' }, chunks: { type: 'string', default: '16' } },
});
const n = Number(values.n);
const runs = Number(values.runs);
const chunks = Number(values.chunks);

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function primesieve(): { seconds: number; count: number } | undefined {
  const result = spawnSync('primesieve', [String(n), '-c1', '-t1', '--time', '-q'], { encoding: 'utf8' });
  if (result.error || result.status !== 0) return undefined;
  const seconds = /Seconds:\s*([\d.]+)/.exec(result.stdout)?.[1];
  const count = /^\s*(\d+)\s*$/m.exec(result.stdout)?.[1];
  return count === undefined || seconds === undefined ? undefined : { count: Number(count), seconds: Number(seconds) };
}

async function systemRun(): Promise<{ seconds: number; count: number }> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'dpc-bench-'));
  const config = loadConfig({ API_HOST: '127.0.0.1', API_PORT: '0', SPOT_CHECK_RATE: '0', DATA_DIR: dataDir });
  const coordinator = await startCoordinator(config, {
    store: new SqliteJobStore(path.join(dataDir, 'coordinator.db')),
    logger: pino({ level: 'silent' }),
    version: 'bench',
    webRoot: undefined,
  });
  const worker = spawn(process.execPath, ['--import', 'tsx', 'client/node/main.ts', '--url', coordinator.apiUrl, '--concurrency', '1'], {
    env: { ...process.env, LOG_LEVEL: 'warn' },
    stdio: 'inherit',
  });
  try {
    // Start-up of the worker is not part of the job; wait until it has said hello.
    while (coordinator.domain.volunteers.size === 0) await sleep(20);
    const submitted = await fetch(`${coordinator.apiUrl}/api/count-primes`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ n, chunks, method: 'sieve' }),
    });
    const { job_id: jobId } = (await submitted.json()) as { job_id: string };
    for (;;) {
      const view = (await (await fetch(`${coordinator.apiUrl}/api/jobs/${jobId}`)).json()) as JobView;
      if (view.state === 'SUCCESS') return { seconds: view.result!.duration_sec, count: Number(view.result!.prime_count) };
      if (view.state === 'FAILURE' || view.state === 'REVOKED') throw new Error(`job ended in ${view.state}: ${view.error}`);
      await sleep(10);
    }
  } finally {
    worker.kill('SIGTERM');
    await new Promise((resolve) => worker.once('exit', resolve));
    await coordinator.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

const ours: { seconds: number; count: number }[] = [];
const reference: { seconds: number; count: number }[] = [];
for (let run = 0; run < runs; run++) {
  ours.push(await systemRun());
  const ps = primesieve();
  if (ps) reference.push(ps);
}

const counts = new Set([...ours, ...reference].map((r) => r.count));
const oursSec = median(ours.map((r) => r.seconds));
console.log(`\nThrough the system: 1 coordinator + 1 headless worker with 1 thread, REST job n=${values.n}, chunks=${chunks}`);
console.log(`runs: ${runs}, medians; count ${ours[0]!.count}`);
console.log('| workload | system (s) | primesieve -t1 (s) | ratio |');
console.log('|---|---|---|---|');
if (reference.length > 0) {
  const refSec = median(reference.map((r) => r.seconds));
  console.log(`| pi(${values.n}) end to end | ${oursSec.toFixed(3)} | ${refSec.toFixed(3)} | ${(oursSec / refSec).toFixed(2)}x |`);
} else {
  console.log(`| pi(${values.n}) end to end | ${oursSec.toFixed(3)} | (not installed: apt-get install -y primesieve-bin) | |`);
}
if (counts.size !== 1) {
  console.error(`COUNT MISMATCH: ${[...counts].join(' vs ')}`);
  process.exit(1);
}
