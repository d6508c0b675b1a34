/**
 * Benchmark of the sieve kernel against `primesieve -t1` on the same workloads in the same run.
 *
 *   npx tsx scripts/bench.ts [--quick] [--reps N] [--top-width W] [--top-unit U] [--top-reps R] [--top-only]
 *
 * Prints, per workload, the median seconds of our kernel (loadKernel(): Wasm when built) and of
 * primesieve, numbers per second and the ratio; checks the counts agree (exit 1 on a mismatch,
 * never on slowness). Then measures the peak RSS of a child process sieving near 2^53.
 *
 * Then, near 2^64: prime-count and twin-count of [2^64 - W, 2^64 - 1] (W = 1e10, --quick 1e9)
 * through the kinds (compute each unit of U numbers, default 1e9, on one thread, combine),
 * each in a child process of its own for its peak RSS, beside `primesieve -c1 -t1` and
 * `-c2 -t1` (peak RSS by /usr/bin/time when installed), alternating, R times each (median;
 * default 1). The kernel's memory does not grow with U: every window of ~1e9 numbers finds the
 * first multiple of all 203 million sieving primes below 2^32 again instead of keeping state
 * for each of them (primesieve keeps it: its RSS grows with the width).
 */
import { spawn, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import os from 'node:os';
import type { AnyJobKind, JsonValue } from '../shared/kinds/job-kind.js';
import { computePrimeCount, primeCountKind } from '../shared/kinds/prime-count/index.js';
import { computeTwinCount, twinCountKind } from '../shared/kinds/twin-count/index.js';
import { toU64Json } from '../shared/kinds/u64-json.js';
import { loadKernel, U64_MAX, type Kernel } from '../shared/sieve/index.js';

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

interface TopRun {
  seconds: number;
  answer: string;
  units: number;
  /** Peak RSS of the whole process, and before the first unit (Node itself), in bytes. */
  peak: number;
  baseline: number;
  wasmBytes: number;
}

/** Child-process mode: one kind over [2^64 - width, 2^64 - 1] in units of `unit` numbers. */
async function topChild(kindName: string, width: bigint, unit: bigint): Promise<void> {
  const twins = kindName === 'twin-count';
  const kind = (twins ? twinCountKind : primeCountKind) as unknown as AnyJobKind;
  const compute: (kernel: Awaited<ReturnType<typeof loadKernel>>, lo: bigint, hi: bigint) => JsonValue = twins ? computeTwinCount : computePrimeCount;
  const kernel = await loadKernel();
  const baseline = process.resourceUsage().maxRSS * 1024;
  const params = { from: toU64Json(U64_MAX - width + 1n), to: toU64Json(U64_MAX) };
  const size = Number(width);
  let accumulator = kind.emptyAccumulator();
  const start = performance.now();
  let units = 0;
  for (let lo = 1; lo <= size; lo += Number(unit)) {
    const positions = { lo, hi: Math.min(lo + Number(unit) - 1, size) };
    const numbers = kind.describe(params, positions) as { lo: number | string; hi: number | string };
    accumulator = kind.accumulate(accumulator, compute(kernel, BigInt(numbers.lo), BigInt(numbers.hi)), positions);
    units++;
  }
  const run: TopRun = {
    seconds: (performance.now() - start) / 1000,
    answer: JSON.stringify(kind.answer(params, [accumulator])),
    units,
    peak: process.resourceUsage().maxRSS * 1024,
    baseline,
    wasmBytes: kernel.memoryBytes(),
  };
  process.stdout.write(JSON.stringify(run));
}

function runTopChild(kindName: string, width: bigint, unit: bigint): Promise<TopRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [...process.execArgv, fileURLToPath(import.meta.url), '--top-child', kindName, String(width), String(unit)],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code === 0) resolve(JSON.parse(out) as TopRun);
      else reject(new Error(`${kindName} child exited with ${code}`));
    });
  });
}

/** primesieve -t1 on the range with --time; its peak RSS through /usr/bin/time when present. */
function primesieveTop(lo: bigint, hi: bigint, flag: '-c1' | '-c2'): { seconds: number; count: bigint; peak: number | undefined } {
  const timeTool = spawnSync('/usr/bin/time', ['-f', '%M', 'true'], { encoding: 'utf8' }).status === 0;
  const command = timeTool ? '/usr/bin/time' : 'primesieve';
  const args = [String(lo), String(hi), flag, '-t1', '--time'];
  const run = spawnSync(command, timeTool ? ['-f', 'peak-kb %M', 'primesieve', ...args] : args, { encoding: 'utf8' });
  const seconds = /Seconds:\s*([\d.]+)/.exec(run.stdout)?.[1];
  const count = /(?:Primes|Twin primes):\s*(\d+)/.exec(run.stdout)?.[1];
  if (run.status !== 0 || seconds === undefined || count === undefined) {
    throw new Error(`primesieve failed on [${lo}, ${hi}] ${flag}: ${run.stderr || run.stdout}`);
  }
  const peakKb = /peak-kb (\d+)/.exec(run.stderr)?.[1];
  return { seconds: Number(seconds), count: BigInt(count), peak: peakKb === undefined ? undefined : Number(peakKb) * 1024 };
}

async function benchTop(width: bigint, unit: bigint, reference: boolean, reps: number): Promise<number> {
  const lo = U64_MAX - width + 1n;
  const mb = (bytes: number | undefined): string => (bytes === undefined ? '-' : `${(bytes / 2 ** 20).toFixed(0)} MB`);
  console.log(
    `\nnear 2^64: [2^64 - ${width.toString()}, 2^64 - 1] on one thread, ours through the kinds in units of ${unit.toString()} ` +
      `(each in a child process; its peak RSS includes Node's own ~50-80 MB), median of ${reps}; ` +
      `targets: prime-count <= 2x, twin-count <= 2.5x primesieve -t1`,
  );
  const header = `${'kind'.padEnd(12)}${pad('units', 6)}${pad('ours s', 9)}${pad('primesieve s', 14)}${pad('ratio', 7)}${pad('our RSS', 10)}${pad('(sieving)', 11)}${pad('(wasm)', 9)}${pad('ps RSS', 9)}  answer`;
  console.log(header);
  console.log('-'.repeat(header.length + 20));
  let mismatches = 0;
  for (const [kindName, flag, field] of [
    ['prime-count', '-c1', 'prime_count'],
    ['twin-count', '-c2', 'twin_count'],
  ] as const) {
    const refs: ReturnType<typeof primesieveTop>[] = [];
    const runs: TopRun[] = [];
    for (let r = 0; r < reps; r++) {
      if (reference) refs.push(primesieveTop(lo, U64_MAX, flag));
      runs.push(await runTopChild(kindName, width, unit));
    }
    const ref = refs.length === 0 ? undefined : { ...refs[0]!, seconds: median(refs.map((run) => run.seconds)) };
    const ours = { ...runs[runs.length - 1]!, seconds: median(runs.map((run) => run.seconds)), peak: Math.max(...runs.map((run) => run.peak)) };
    const value = BigInt((JSON.parse(ours.answer) as Record<string, number | string>)[field]!);
    const agree = ref === undefined || ref.count === value;
    if (!agree) mismatches++;
    console.log(
      `${kindName.padEnd(12)}${pad(String(ours.units), 6)}${pad(ours.seconds.toFixed(2), 9)}${pad(ref ? ref.seconds.toFixed(2) : '-', 14)}` +
        `${pad(ref ? (ours.seconds / ref.seconds).toFixed(2) + 'x' : '-', 7)}${pad(mb(ours.peak), 10)}${pad(mb(ours.peak - ours.baseline), 11)}${pad(mb(ours.wasmBytes), 9)}` +
        `${pad(mb(ref?.peak), 9)}  ${ours.answer}${agree ? '' : `  !!! MISMATCH: primesieve counts ${ref?.count}`}`,
    );
  }
  return mismatches;
}

function pad(text: string, width: number): string {
  return text.padStart(width);
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  if (args.includes('--rss-child')) return rssChild();
  const childAt = args.indexOf('--top-child');
  if (childAt >= 0) return topChild(args[childAt + 1]!, BigInt(args[childAt + 2]!), BigInt(args[childAt + 3]!));
  const quick = args.includes('--quick');
  const repsAt = args.indexOf('--reps');
  const reps = repsAt >= 0 ? Number(args[repsAt + 1]) : 3;
  const option = (name: string, fallback: bigint): bigint => {
    const at = args.indexOf(name);
    return at >= 0 ? BigInt(Number(args[at + 1])) : fallback;
  };
  const topWidth = option('--top-width', quick ? 1_000_000_000n : 10_000_000_000n);
  const topUnit = option('--top-unit', 1_000_000_000n);
  const topReps = Number(option('--top-reps', 1n));
  const workloads = [...(quick ? QUICK : FULL)];
  const kernels: Kernel[] = [await loadKernel()];
  const reference = hasPrimesieve();

  console.log(
    `sieve bench: ${os.cpus()[0]?.model ?? 'unknown CPU'}, ${os.cpus().length} cores, Node ${process.version}, ` +
      `median of ${reps} runs (the first run of a workload also grows the per-thread sieving-prime cache)`,
  );
  if (!reference) console.log('primesieve not on PATH: ours only (apt-get install -y primesieve-bin)');
  const header = `${'workload'.padEnd(22)}${pad('kernel', 7)}${pad('ours s', 9)}${pad('numbers/s', 11)}${pad('primesieve s', 14)}${pad('ratio', 7)}  count`;
  let mismatches = 0;
  if (args.includes('--top-only')) workloads.length = 0;
  else {
    console.log(header);
    console.log('-'.repeat(header.length + 10));
  }
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
  if (workloads.length > 0) {
    const rss = await measureRss();
    const mb = (bytes: number): string => `${(bytes / 2 ** 20).toFixed(1)} MB`;
    console.log(
      `peak RSS, child process sieving ${RSS_WORKLOAD.name} (${rss.kernel}): ${mb(rss.peak)} total; ` +
        `${mb(rss.baseline)} before sieving (Node itself); sieving added ${mb(rss.peak - rss.baseline)}`,
    );
  }
  mismatches += await benchTop(topWidth, topUnit, reference, topReps);
  if (mismatches > 0) {
    console.error(`!!! ${mismatches} count mismatch(es) against primesieve`);
    process.exitCode = 1;
  }
}

await main();
