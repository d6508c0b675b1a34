/**
 * Throughput benchmark: does a thread sit idle between units? pi(n) through the system (a real
 * coordinator with its SQLite job table, one headless worker process with one thread, REST jobs)
 * at several `chunks`, against the kernel alone (one call over 1..n on this process's thread)
 * and `primesieve -t1`, all in the same rounds so they share the machine's load. Then the sieve
 * cost model (shared/kinds/sieve-cost.ts) against the kernel measured at several positions.
 *
 *   npm run bench:throughput [-- --n 1e10 --runs 3 --chunks 1,8,32,128]
 *
 * A benchmark, not a test: it prints figures and never fails on a slow machine (it exits 1
 * only when a count is wrong).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { pino } from 'pino';
import { loadConfig } from '../coordinator/config.js';
import { startCoordinator } from '../coordinator/coordinator.js';
import { SqliteJobStore } from '../coordinator/store/sqlite-store.js';
import type { JobView } from '../shared/api.js';
import { sieveUnitSeconds } from '../shared/kinds/sieve-cost.js';
import { loadKernel } from '../shared/sieve/index.js';

const { values } = parseArgs({
  options: {
    n: { type: 'string', default: '1e10' },
    runs: { type: 'string', default: '3' },
    chunks: { type: 'string', default: '1,8,32,128' },
    'skip-cost': { type: 'boolean', default: false },
    'kernel-alone': { type: 'boolean', default: false },
  },
});
const n = Number(values.n);
const runs = Number(values.runs);
const chunkCounts = values.chunks.split(',').map(Number);

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const counts = new Set<number>();

/**
 * Runs a process to its end without blocking this one's event loop: the coordinator in this
 * process must keep answering its worker's pings meanwhile.
 */
function run(command: string, args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(command, args);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (data: Buffer) => (stdout += data.toString()));
    child.stderr.on('data', (data: Buffer) => (stderr += data.toString()));
    child.on('error', () => resolve({ status: null, stdout, stderr }));
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

async function primesieve(): Promise<number | undefined> {
  const result = await run('primesieve', [String(n), '-c1', '-t1', '--time', '-q']);
  if (result.status !== 0) return undefined;
  const seconds = /Seconds:\s*([\d.]+)/.exec(result.stdout)?.[1];
  const count = /^\s*(\d+)\s*$/m.exec(result.stdout)?.[1];
  if (count === undefined || seconds === undefined) return undefined;
  counts.add(Number(count));
  return Number(seconds);
}

const kernel = await loadKernel();
if (values['kernel-alone']) {
  // Child mode: one kernel call over 1..n, printed as "count seconds".
  const started = performance.now();
  const count = kernel.countPrimes(1, n);
  console.log(`${count} ${(performance.now() - started) / 1000}`);
  process.exit(0);
}

/** The kernel alone in a process of its own, like the worker's thread (the coordinator here must keep answering). */
async function kernelAlone(): Promise<number> {
  const child = await run(process.execPath, ['--import', 'tsx', 'scripts/bench-throughput.ts', '--kernel-alone', '--n', String(n)]);
  const [count, seconds] = child.stdout.trim().split(' ').map(Number);
  if (child.status !== 0 || count === undefined || seconds === undefined) throw new Error(`kernel run failed: ${child.stderr}`);
  counts.add(count);
  return seconds;
}

// The operator's own worker (trusted): each unit is computed once, as in a private swarm.
const WORKER_TOKEN = 'bench-throughput-worker-token';
const dataDir = mkdtempSync(path.join(tmpdir(), 'dpc-bench-'));
const coordinator = await startCoordinator(
  loadConfig({ API_HOST: '127.0.0.1', API_PORT: '0', SPOT_CHECK_RATE: '0', DATA_DIR: dataDir, WORKER_TOKEN }),
  { store: new SqliteJobStore(path.join(dataDir, 'coordinator.db')), logger: pino({ level: 'silent' }), version: 'bench', webRoot: undefined },
);
const worker = spawn(process.execPath, ['--import', 'tsx', 'client/node/main.ts', '--url', coordinator.apiUrl, '--concurrency', '1'], {
  env: { ...process.env, LOG_LEVEL: 'warn', WORKER_TOKEN },
  stdio: 'inherit',
});

/** Submission to result (the job's duration_sec), and how many units the job was cut into. */
async function throughSystem(chunks: number): Promise<{ seconds: number; units: number }> {
  const unitsBefore = [...coordinator.domain.volunteers.values()].reduce((sum, v) => sum + v.unitsCompleted, 0);
  const submitted = await fetch(`${coordinator.apiUrl}/api/count-primes`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ n, chunks, method: 'sieve' }),
  });
  const { job_id: jobId } = (await submitted.json()) as { job_id: string };
  // Watched in the domain rather than over HTTP: polling the REST API every few milliseconds
  // would take CPU from the worker on a loaded machine (the coordinator shares it here).
  while (!['SUCCESS', 'FAILURE', 'REVOKED'].includes(coordinator.domain.jobs.get(jobId)?.state ?? '')) await sleep(10);
  {
    const view = (await (await fetch(`${coordinator.apiUrl}/api/jobs/${jobId}`)).json()) as JobView;
    if (view.state === 'SUCCESS') {
      counts.add(Number(view.result!.prime_count));
      const unitsAfter = [...coordinator.domain.volunteers.values()].reduce((sum, v) => sum + v.unitsCompleted, 0);
      return { seconds: view.result!.duration_sec, units: unitsAfter - unitsBefore };
    }
    throw new Error(`job ended in ${view.state}: ${view.error}`);
  }
}

// Ratios mean something on a busy machine, the seconds do not: say how busy it was.
const loadAtStart = loadavg()[0]!;
const reference: number[] = [];
const alone: number[] = [];
const system = new Map<number, { seconds: number; units: number }[]>(chunkCounts.map((chunks) => [chunks, []]));
try {
  // The worker's start-up is not part of any job; a first job lets it measure its speed, as a
  // volunteer that has been working would have.
  while (coordinator.domain.volunteers.size === 0) await sleep(20);
  await throughSystem(8);
  for (let run = 0; run < runs; run++) {
    const seconds = await primesieve();
    if (seconds !== undefined) reference.push(seconds);
    alone.push(await kernelAlone());
    for (const chunks of chunkCounts) system.get(chunks)!.push(await throughSystem(chunks));
  }
} finally {
  worker.kill('SIGTERM');
  await new Promise((resolve) => worker.once('exit', resolve));
  await coordinator.close();
  rmSync(dataDir, { recursive: true, force: true });
}

const refSec = reference.length > 0 ? median(reference) : undefined;
const ratio = (seconds: number) => (refSec === undefined ? 'n/a' : `${(seconds / refSec).toFixed(2)}x`);
const aloneSec = median(alone);
console.log(`\nThroughput: pi(${values.n}), one worker thread, default unit sizing (UNIT_SECONDS); medians of ${runs} runs`);
console.log(`load average (1 min): ${loadAtStart.toFixed(1)} at the start, ${loadavg()[0]!.toFixed(1)} at the end (${availableParallelism()} cores)`);
console.log(`primesieve -t1: ${refSec === undefined ? 'not installed (apt-get install -y primesieve-bin)' : `${refSec.toFixed(3)} s`}`);
console.log('| run | units | seconds | vs primesieve -t1 | vs kernel alone |');
console.log('|---|---|---|---|---|');
console.log(`| kernel alone (one call) | 1 | ${aloneSec.toFixed(3)} | ${ratio(aloneSec)} | 1.00x |`);
for (const [chunks, results] of system) {
  const seconds = median(results.map((r) => r.seconds));
  const units = median(results.map((r) => r.units));
  console.log(`| through the system, chunks=${chunks} | ${units} | ${seconds.toFixed(3)} | ${ratio(seconds)} | ${(seconds / aloneSec).toFixed(2)}x |`);
}

if (!values['skip-cost']) {
  // One kernel call per position over a window, like one unit there, against the model's
  // reference seconds for it: a constant ratio down the column means the model's shape is right
  // (the constant is this machine's speed now against the reference). Each run sieves a range
  // of its own, a few windows above the last: the kernel keeps the window a call prepared, and
  // a repeated call would find its big primes' work done.
  console.log('\nSieve cost model (shared/kinds/sieve-cost.ts) against the kernel, one call per window, median of 3');
  console.log('| window | numbers/s measured | seconds measured | model (reference s) | measured / model |');
  console.log('|---|---|---|---|---|');
  const windows: [number, number][] = [[1e6, 1e6], [1e9, 1e9], [1e12, 1e9], [1e15, 5e8], [1e18, 5e8], [1.8e19, 5e8]];
  for (const [from, width] of windows) {
    // Small windows repeat so that the timer's resolution does not matter.
    const repeats = width < 1e8 ? 100 : 1;
    const times: number[] = [];
    for (let run = 0; run < 3; run++) {
      const lo = BigInt(from) + BigInt(run) * 3_000_000_000n;
      const hi = lo + BigInt(width) - 1n;
      const started = performance.now();
      for (let i = 0; i < repeats; i++) kernel.count(lo, hi);
      times.push((performance.now() - started) / 1000 / repeats);
    }
    const measured = median(times);
    const model = sieveUnitSeconds(from, from + width - 1);
    console.log(`| [${from.toExponential()}, +${width.toExponential()}] | ${(width / measured).toExponential(2)} | ${measured.toFixed(4)} | ${model.toFixed(4)} | ${(measured / model).toFixed(2)} |`);
  }
}

if (counts.size !== 1) {
  console.error(`COUNT MISMATCH: ${[...counts].join(' vs ')}`);
  process.exit(1);
}
