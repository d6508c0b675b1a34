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
import { spawnSync } from 'node:child_process';
import { parseArgs } from 'node:util';
import { runJob, withOneWorker } from './one-worker-system.js';

const { values } = parseArgs({
  options: { n: { type: 'string', default: '1e10' }, runs: { type: 'string', default: '3' }, chunks: { type: 'string', default: '16' } },
});
const n = Number(values.n);
const runs = Number(values.runs);
const chunks = Number(values.chunks);

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

function primesieve(): { seconds: number; count: number } | undefined {
  const result = spawnSync('primesieve', [String(n), '-c1', '-t1', '--time', '-q'], { encoding: 'utf8' });
  if (result.error || result.status !== 0) return undefined;
  const seconds = /Seconds:\s*([\d.]+)/.exec(result.stdout)?.[1];
  const count = /^\s*(\d+)\s*$/m.exec(result.stdout)?.[1];
  return count === undefined || seconds === undefined ? undefined : { count: Number(count), seconds: Number(seconds) };
}

async function systemRun(): Promise<{ seconds: number; count: number }> {
  const view = await withOneWorker({}, (apiUrl) => runJob(apiUrl, '/api/count-primes', { n, chunks, method: 'sieve' }, 10));
  return { seconds: view.result!.duration_sec, count: Number(view.result!.prime_count) };
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
