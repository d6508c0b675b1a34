/**
 * pi(n) by the combinatorial method through the system: a real coordinator process (SQLite
 * job table), headless worker processes of one thread each, REST jobs timed from submission
 * to result (the job's duration_sec), beside `primecount N -t1` run in the same run.
 *
 *   npm run bench:pi [-- --runs 3] [-- --pi-1e18] [-- --crossover]
 *
 * Prints: pi(1e14), pi(1e16) and a random n in [1e15, 9e15] on one worker against primecount
 * -t1; two workers against one at 1e16; the coordinator's own CPU (planning, combining,
 * leasing) as a share of the job's total CPU; the worker's peak memory. --pi-1e18 adds
 * pi(1e18) on two workers beside `primecount 1e18 -t2` (minutes). --crossover times the sieve
 * and the combinatorial method through the system for n from 1e6 to 1e9 (what `auto` uses).
 *
 * A benchmark, not a test: it prints figures and exits 1 only when a count is wrong.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import type { JobView } from '../shared/api.js';
import { health, spawnCoordinator, spawnWorker, tempDir, waitFor, type ChildHandle } from '../test/support/harness.js';

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '1' },
    'pi-1e18': { type: 'boolean', default: false },
    crossover: { type: 'boolean', default: false },
    chunks: { type: 'string', default: '16' },
  },
});
const runs = Number(values.runs);
const chunks = Number(values.chunks);
const TICKS_PER_SECOND = 100;

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
let failed = false;

/** CPU seconds (user + system) of a process so far, all its threads included. */
function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
}

/** Resident memory now and at its peak, in MB. */
function memoryMb(pid: number): { rss: number; peak: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
  return { rss: kb('VmRSS') / 1024, peak: kb('VmHWM') / 1024 };
}

interface Swarm extends AsyncDisposable {
  apiUrl: string;
  coordinator: ChildHandle;
  workers: ChildHandle[];
  /** Each worker's resident memory once it is ready, before any unit. */
  baselineMb: number[];
}

async function startSwarm(workerCount: number): Promise<Swarm> {
  const data = tempDir();
  const coordinator = await spawnCoordinator({ DATA_DIR: data.path, SPOT_CHECK_RATE: '0', SUBMIT_RATE_LIMIT: '0' });
  const workers = Array.from({ length: workerCount }, () => spawnWorker(coordinator.apiUrl, 1, { LOG_LEVEL: 'warn' }));
  // Start-up is not part of any job: wait until every worker has said hello.
  await waitFor('the workers to say hello', async () => ((await health(coordinator.apiUrl)).workers === workerCount ? true : undefined), 60_000);
  const swarm: Swarm = {
    apiUrl: coordinator.apiUrl,
    coordinator,
    workers,
    baselineMb: workers.map((worker) => memoryMb(worker.child.pid!).rss),
    async [Symbol.asyncDispose]() {
      for (const worker of workers) await worker[Symbol.asyncDispose]();
      await coordinator[Symbol.asyncDispose]();
      data[Symbol.dispose]();
    },
  };
  // Warm-up, not measured: the processes finish loading (threads, kernels, the JIT).
  await runJob(swarm, 10n ** 11n, 'combinatorial', 4);
  return swarm;
}

interface SystemRun {
  seconds: number;
  count: string;
  coordinatorCpu: number;
  workerCpu: number;
  /** The coordinator's CPU per wall second with no job (timers, pings), measured just before. */
  idleCpuPerSecond: number;
}

/** The coordinator's share of the job's CPU: raw, and net of what it spends idle over the job's wall time. */
function coordinatorShare(run: SystemRun): { raw: number; net: number } {
  const total = run.coordinatorCpu + run.workerCpu;
  const net = Math.max(0, run.coordinatorCpu - run.idleCpuPerSecond * run.seconds);
  return { raw: run.coordinatorCpu / total, net: net / (net + run.workerCpu) };
}
const IDLE_PROBE_MS = 3000;
const POLL_MS = 250;

async function runJob(swarm: Swarm, n: bigint, method: 'sieve' | 'combinatorial', jobChunks = chunks): Promise<SystemRun> {
  const pids = { coordinator: swarm.coordinator.child.pid!, workers: swarm.workers.map((w) => w.child.pid!) };
  const workerCpu = () => pids.workers.reduce((sum, pid) => sum + cpuSeconds(pid), 0);
  const idleFrom = cpuSeconds(pids.coordinator);
  await new Promise((resolve) => setTimeout(resolve, IDLE_PROBE_MS));
  const idleCpuPerSecond = (cpuSeconds(pids.coordinator) - idleFrom) / (IDLE_PROBE_MS / 1000);
  const before = { coordinator: cpuSeconds(pids.coordinator), workers: workerCpu() };
  const response = await fetch(`${swarm.apiUrl}/api/count-primes`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ n: n <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(n) : n.toString(), chunks: jobChunks, method }),
  });
  if (response.status !== 202) throw new Error(`submit failed: ${response.status} ${await response.text()}`);
  const { job_id: jobId } = (await response.json()) as { job_id: string };
  const view = await waitFor(
    `job ${jobId}`,
    async () => {
      const job = (await (await fetch(`${swarm.apiUrl}/api/jobs/${jobId}`)).json()) as JobView;
      if (job.state === 'FAILURE' || job.state === 'REVOKED') throw new Error(`job ended in ${job.state}: ${job.error}`);
      return job.state === 'SUCCESS' ? job : undefined;
    },
    4 * 3_600_000,
    // duration_sec is the coordinator's own clock: polling slowly only spares its CPU.
    POLL_MS,
  );
  return {
    seconds: view.result!.duration_sec,
    count: String(view.result!.prime_count),
    coordinatorCpu: cpuSeconds(pids.coordinator) - before.coordinator,
    workerCpu: workerCpu() - before.workers,
    idleCpuPerSecond,
  };
}

function primecount(n: bigint, threads: number): { seconds: number; count: string } | undefined {
  const started = performance.now();
  const result = spawnSync('primecount', [n.toString(), `-t${threads}`], { encoding: 'utf8' });
  const seconds = (performance.now() - started) / 1000;
  if (result.error || result.status !== 0) return undefined;
  return { seconds, count: result.stdout.trim() };
}

function checkCounts(what: string, counts: string[]): void {
  if (new Set(counts).size !== 1) {
    console.error(`COUNT MISMATCH for ${what}: ${counts.join(' vs ')}`);
    failed = true;
  }
}

/** Whole numbers in [lo, hi], log-uniform. */
function randomN(lo: number, hi: number): bigint {
  return BigInt(Math.floor(Math.exp(Math.log(lo) + Math.random() * (Math.log(hi) - Math.log(lo)))));
}

const fmt = (seconds: number) => seconds.toFixed(seconds < 10 ? 3 : 1);
const peakOf = (swarm: Swarm) => Math.max(...swarm.workers.map((w, i) => memoryMb(w.child.pid!).peak - swarm.baselineMb[i]!));

if (values.crossover) {
  await using swarm = await startSwarm(1);
  console.log('\nCrossover: sieve vs combinatorial through the system (1 worker, 1 thread, REST job, chunks=8), medians of', runs);
  // Warm-up: each kernel loads in the worker's thread with its first unit.
  await runJob(swarm, 10n ** 6n, 'sieve', 8);
  await runJob(swarm, 10n ** 6n, 'combinatorial', 8);
  console.log('| n | sieve (s) | combinatorial (s) | faster |');
  console.log('|---|---|---|---|');
  for (const n of [1e6, 3e6, 1e7, 3e7, 1e8, 3e8, 1e9].map(BigInt)) {
    const sieve: SystemRun[] = [];
    const combinatorial: SystemRun[] = [];
    for (let run = 0; run < runs; run++) {
      sieve.push(await runJob(swarm, n, 'sieve', 8));
      combinatorial.push(await runJob(swarm, n, 'combinatorial', 8));
    }
    checkCounts(`pi(${n})`, [...sieve, ...combinatorial].map((r) => r.count));
    const [s, c] = [median(sieve.map((r) => r.seconds)), median(combinatorial.map((r) => r.seconds))];
    console.log(`| ${Number(n).toExponential()} | ${fmt(s)} | ${fmt(c)} | ${s <= c ? 'sieve' : 'combinatorial'} |`);
  }
} else {
  const rows: string[] = [];
  const randomMid = randomN(1e15, 9e15);
  let oneWorker1e16 = 0;
  let peakMb = 0;
  let coordinatorShare1e16 = '';
  {
    await using swarm = await startSwarm(1);
    for (const n of [10n ** 14n, 10n ** 16n, randomMid]) {
      const ours: SystemRun[] = [];
      const reference: { seconds: number; count: string }[] = [];
      for (let run = 0; run < runs; run++) {
        ours.push(await runJob(swarm, n, 'combinatorial'));
        const pc = primecount(n, 1);
        if (pc) reference.push(pc);
      }
      checkCounts(`pi(${n})`, [...ours, ...reference].map((r) => r.count));
      const oursSec = median(ours.map((r) => r.seconds));
      const share = median(ours.map((r) => coordinatorShare(r).raw));
      const netShare = median(ours.map((r) => coordinatorShare(r).net));
      const refSec = reference.length > 0 ? median(reference.map((r) => r.seconds)) : undefined;
      if (n === 10n ** 16n) {
        oneWorker1e16 = oursSec;
        coordinatorShare1e16 = `${(100 * share).toFixed(2)}% (${(100 * netShare).toFixed(2)}% net of its idle timers and pings)`;
      }
      rows.push(
        `| pi(${n === randomMid ? `${n}` : `1e${n.toString().length - 1}`}), 1 worker | ${fmt(oursSec)} | ${refSec === undefined ? 'not installed' : fmt(refSec)} | ${refSec === undefined ? '' : `${(oursSec / refSec).toFixed(2)}x`} | ${(100 * share).toFixed(1)}% (${(100 * netShare).toFixed(1)}%) | ${ours[0]!.count} |`,
      );
    }
    peakMb = Math.max(peakMb, peakOf(swarm));
  }
  {
    await using swarm = await startSwarm(2);
    const two: SystemRun[] = [];
    for (let run = 0; run < runs; run++) two.push(await runJob(swarm, 10n ** 16n, 'combinatorial'));
    checkCounts('pi(1e16) on two workers', two.map((r) => r.count));
    const twoSec = median(two.map((r) => r.seconds));
    rows.push(
      `| pi(1e16), 2 workers | ${fmt(twoSec)} | | | ${(100 * median(two.map((r) => coordinatorShare(r).raw))).toFixed(1)}% (${(100 * median(two.map((r) => coordinatorShare(r).net))).toFixed(1)}%) | ${two[0]!.count} |`,
    );
    rows.push(`| 2 workers vs 1 at 1e16 | ${(oneWorker1e16 / twoSec).toFixed(2)}x faster | | | | |`);
    peakMb = Math.max(peakMb, peakOf(swarm));
  }
  if (values['pi-1e18']) {
    await using swarm = await startSwarm(2);
    const ours = await runJob(swarm, 10n ** 18n, 'combinatorial', 128);
    const pc = primecount(10n ** 18n, 2);
    checkCounts('pi(1e18)', [ours.count, ...(pc ? [pc.count] : [])]);
    rows.push(
      `| pi(1e18), 2 workers | ${fmt(ours.seconds)} | ${pc ? `${fmt(pc.seconds)} (-t2)` : 'not installed'} | ${pc ? `${(ours.seconds / pc.seconds).toFixed(2)}x` : ''} | ${(100 * coordinatorShare(ours).raw).toFixed(1)}% (${(100 * coordinatorShare(ours).net).toFixed(1)}%) | ${ours.count} |`,
    );
    peakMb = Math.max(peakMb, peakOf(swarm));
  }
  console.log(`\npi(n) by the combinatorial method through the system (REST job, chunks=${chunks}, workers of 1 thread, submission to result), medians of ${runs}`);
  console.log('| workload | system (s) | primecount (s) | ratio | coordinator CPU share (net of idle) | pi(n) |');
  console.log('|---|---|---|---|---|---|');
  for (const row of rows) console.log(row);
  console.log(`coordinator CPU at 1e16 (planning, leasing, combining) / the job's total CPU: ${coordinatorShare1e16}`);
  console.log(`peak memory per worker thread (worker process peak RSS minus its RSS before the first unit): ${peakMb.toFixed(1)} MB`);
}
if (failed) process.exit(1);
