/**
 * Benchmark of the sieve kernel against `primesieve -t1` on the same workloads in the same run.
 *
 *   npx tsx scripts/bench.ts [--quick] [--reps N]
 *
 * Prints, per workload, the median seconds of our kernel (loadKernel(): Wasm when built) and of
 * primesieve, numbers per second and the ratio; checks the counts agree (exit 1 on a mismatch,
 * never on slowness). Then measures the peak RSS of a child process sieving near 2^53.
 */
import { spawn, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import os from 'node:os';
import { loadKernel, type Kernel } from '../shared/sieve/index.js';

const TOP = Number.MAX_SAFE_INTEGER; // 2^53 - 1

interface Workload {
  name: string;
  lo: number;
  hi: number;
}

const FULL: Workload[] = [
  { name: 'pi(1e10)', lo: 0, hi: 1e10 },
  { name: '[1e12, 1e12+1e10]', lo: 1e12, hi: 1e12 + 1e10 },
  { name: '[2^53-1e10, 2^53-1]', lo: TOP + 1 - 1e10, hi: TOP },
];
const QUICK: Workload[] = [
  { name: 'pi(1e9)', lo: 0, hi: 1e9 },
  { name: '[1e12, 1e12+1e9]', lo: 1e12, hi: 1e12 + 1e9 },
  { name: '[2^53-1e9, 2^53-1]', lo: TOP + 1 - 1e9, hi: TOP },
];
/** Near 2^53: the peak-RSS probe sieves here (sieving primes up to isqrt(2^53 - 1)). */
const RSS_WORKLOAD: Workload = { name: '[2^53-1e9, 2^53-1]', lo: TOP + 1 - 1e9, hi: TOP };

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

function timeKernel(kernel: Kernel, w: Workload, reps: number): { seconds: number; count: number } {
  const times: number[] = [];
  let count = -1;
  for (let r = 0; r < reps; r++) {
    const start = performance.now();
    count = kernel.countPrimes(w.lo, w.hi);
    times.push((performance.now() - start) / 1000);
  }
  return { seconds: median(times), count };
}

function hasPrimesieve(): boolean {
  return spawnSync('primesieve', ['--version'], { stdio: 'ignore' }).status === 0;
}

/** primesieve's own timing (--time) and count; our numbers are exact integers < 2^53. */
function timePrimesieve(w: Workload, reps: number): { seconds: number; count: number } {
  const times: number[] = [];
  let count = -1;
  for (let r = 0; r < reps; r++) {
    const run = spawnSync('primesieve', [String(w.lo), String(w.hi), '-c1', '-t1', '--time'], {
      encoding: 'utf8',
    });
    const seconds = /Seconds:\s*([\d.]+)/.exec(run.stdout)?.[1];
    const primes = /Primes:\s*(\d+)/.exec(run.stdout)?.[1];
    if (run.status !== 0 || seconds === undefined || primes === undefined) {
      throw new Error(`primesieve failed on ${w.name}: ${run.stderr || run.stdout}`);
    }
    times.push(Number(seconds));
    count = Number(primes);
  }
  return { seconds: median(times), count };
}

/** Child-process mode: sieve RSS_WORKLOAD and report peak RSS before and after, in bytes. */
async function rssChild(): Promise<void> {
  const kernel = await loadKernel();
  const baseline = process.resourceUsage().maxRSS * 1024;
  const count = kernel.countPrimes(RSS_WORKLOAD.lo, RSS_WORKLOAD.hi);
  const peak = process.resourceUsage().maxRSS * 1024;
  process.stdout.write(JSON.stringify({ kernel: kernel.name, baseline, peak, count }));
}

function measureRss(): Promise<{ kernel: string; baseline: number; peak: number; count: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url), '--rss-child'], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code === 0) resolve(JSON.parse(out) as { kernel: string; baseline: number; peak: number; count: number });
      else reject(new Error(`RSS probe exited with ${code}`));
    });
  });
}

function pad(text: string, width: number): string {
  return text.padStart(width);
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  if (args.includes('--rss-child')) return rssChild();
  const quick = args.includes('--quick');
  const repsAt = args.indexOf('--reps');
  const reps = repsAt >= 0 ? Number(args[repsAt + 1]) : 3;
  const workloads = quick ? QUICK : FULL;
  const kernels: Kernel[] = [await loadKernel()];
  const reference = hasPrimesieve();

  console.log(
    `sieve bench: ${os.cpus()[0]?.model ?? 'unknown CPU'}, ${os.cpus().length} cores, Node ${process.version}, ` +
      `median of ${reps} runs (the first run of a workload also grows the per-thread sieving-prime cache)`,
  );
  if (!reference) console.log('primesieve not on PATH: ours only (apt-get install -y primesieve-bin)');
  const header = `${'workload'.padEnd(22)}${pad('kernel', 7)}${pad('ours s', 9)}${pad('numbers/s', 11)}${pad('primesieve s', 14)}${pad('ratio', 7)}  count`;
  console.log(header);
  console.log('-'.repeat(header.length + 10));
  let mismatches = 0;
  for (const w of workloads) {
    const ref = reference ? timePrimesieve(w, reps) : undefined;
    for (const kernel of kernels) {
      const ours = timeKernel(kernel, w, reps);
      const rate = (w.hi - w.lo + 1) / ours.seconds;
      const agree = ref === undefined || ref.count === ours.count;
      if (!agree) mismatches++;
      console.log(
        `${w.name.padEnd(22)}${pad(kernel.name, 7)}${pad(ours.seconds.toFixed(3), 9)}${pad(rate.toExponential(2), 11)}` +
          `${pad(ref ? ref.seconds.toFixed(3) : '-', 14)}${pad(ref ? (ours.seconds / ref.seconds).toFixed(2) + 'x' : '-', 7)}` +
          `  ${ours.count}${agree ? '' : `  !!! MISMATCH: primesieve counts ${ref?.count}`}`,
      );
    }
  }
  const rss = await measureRss();
  const mb = (bytes: number): string => `${(bytes / 2 ** 20).toFixed(1)} MB`;
  console.log(
    `peak RSS, child process sieving ${RSS_WORKLOAD.name} (${rss.kernel}): ${mb(rss.peak)} total; ` +
      `${mb(rss.baseline)} before sieving (Node itself); sieving added ${mb(rss.peak - rss.baseline)}`,
  );
  if (mismatches > 0) {
    console.error(`!!! ${mismatches} count mismatch(es) against primesieve`);
    process.exitCode = 1;
  }
}

await main();
