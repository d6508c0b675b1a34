/**
 * Range kinds through the system: prime-count and twin-count of [2^64 - width, 2^64 - 1] as
 * REST jobs (POST /api/jobs) on a real coordinator (SQLite job table) with one headless worker
 * process of one thread, end to end (the job's duration_sec), side by side with
 * `primesieve A B -c1 -t1` and `-c2 -t1` in the same run, with the ratios.
 *
 *   npm run bench:ranges [-- --width 1e9 --runs 3 --chunks 16]
 *
 * A benchmark, not a test: it prints figures and never fails on a slow machine (it exits 1
 * only when an answer differs from primesieve's).
 */
import { spawnSync } from 'node:child_process';
import { parseArgs } from 'node:util';
import { runJob, withOneWorker } from './one-worker-system.js';

const { values } = parseArgs({
  options: {
    width: { type: 'string', default: '1e10' },
    runs: { type: 'string', default: '1' },
    chunks: { type: 'string', default: '16' },
  },
});
const width = BigInt(Number(values.width));
const runs = Number(values.runs);
const chunks = Number(values.chunks);
const to = 2n ** 64n - 1n;
const from = to - width + 1n;

const KINDS = [
  { kind: 'prime-count', flag: '-c1', field: 'prime_count' },
  { kind: 'twin-count', flag: '-c2', field: 'twin_count' },
] as const;

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

function primesieve(flag: string): { seconds: number; answer: string } | undefined {
  const result = spawnSync('primesieve', [String(from), String(to), flag, '-t1', '--time', '-q'], { encoding: 'utf8' });
  if (result.error || result.status !== 0) return undefined;
  const seconds = /Seconds:\s*([\d.]+)/.exec(result.stdout)?.[1];
  const answer = /^\s*(\d+)\s*$/m.exec(result.stdout)?.[1];
  return answer === undefined || seconds === undefined ? undefined : { answer, seconds: Number(seconds) };
}

async function systemRun(kind: string, field: string): Promise<{ seconds: number; answer: string }> {
  const env = {
    // Units up here take long on a loaded machine: a unit is never taken back for being slow.
    LEASE_HOLD_MIN: '24h',
    LEASE_TIMEOUT: '10m',
  };
  const view = await withOneWorker(env, (apiUrl) => runJob(apiUrl, '/api/jobs', { kind, from: String(from), to: String(to), chunks }, 50));
  return { seconds: view.result!.duration_sec, answer: String(view.result![field as keyof typeof view.result]) };
}

console.log(`\nRange kinds through the system: [2^64 - ${values.width}, 2^64 - 1], 1 coordinator + 1 headless worker with 1 thread, chunks=${chunks}`);
console.log(`runs: ${runs}, medians`);
console.log('| kind | answer | system (s) | primesieve -t1 (s) | ratio |');
console.log('|---|---|---|---|---|');
let mismatch = false;
for (const { kind, flag, field } of KINDS) {
  const ours: { seconds: number; answer: string }[] = [];
  const reference: { seconds: number; answer: string }[] = [];
  for (let run = 0; run < runs; run++) {
    ours.push(await systemRun(kind, field));
    const ps = primesieve(flag);
    if (ps) reference.push(ps);
  }
  const answers = new Set([...ours, ...reference].map((r) => r.answer));
  const oursSec = median(ours.map((r) => r.seconds));
  const refSec = reference.length > 0 ? median(reference.map((r) => r.seconds)) : undefined;
  console.log(
    `| ${kind} | ${ours[0]!.answer} | ${oursSec.toFixed(2)} | ${refSec === undefined ? '(primesieve not installed)' : refSec.toFixed(2)} | ${refSec === undefined ? '' : `${(oursSec / refSec).toFixed(2)}x`} |`,
  );
  if (answers.size !== 1) {
    console.error(`${kind}: ANSWER MISMATCH: ${[...answers].join(' vs ')}`);
    mismatch = true;
  }
}
if (mismatch) process.exit(1);
