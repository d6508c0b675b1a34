/**
 * Benchmark of the combinatorial pi(x) kernel, one thread, side by side with
 * `primecount X -t1` in the same run.
 *
 *   npx tsx scripts/bench-combinatorial.ts [--quick] [--alpha A1,A2,...] [--units N] [--parts] [x ...]
 *
 * Default sizes: 1e14, 1e16, a random x in [1e15, 9e15] and 1e18 (--quick: 1e12, 1e14 and a
 * random x in [1e13, 9e13]); 1e18 alone takes about half an hour of one thread (and
 * `primecount 1e18 -t1` minutes): give sizes on the command line to skip it. Each of our runs is a child process (plan, every unit in order
 * through one kernel instance, combine) that reports its seconds, the kernel's Wasm memory
 * and the process's peak RSS (which includes Node's own ~40 MB). --alpha runs each size with
 * each tuning factor (how the plan's alpha table was measured); --parts prints the seconds per
 * part (what plan.ts's cost model is fitted to). Exit 1 on a mismatch with primecount, never on
 * slowness.
 */
import { spawnSync } from 'node:child_process';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { createCombiner } from '../shared/kinds/combinatorial/combine.js';
import { computeUnit } from '../shared/kinds/combinatorial/compute-unit.js';
import { planPi } from '../shared/kinds/combinatorial/plan.js';
import { loadCombinatorialKernel } from '../shared/kinds/combinatorial/wasm-kernel.js';

interface ChildReport {
  pi: string;
  seconds: number;
  alpha: number;
  y: string;
  units: number;
  partSeconds: Record<string, number>;
  wasmBytes: number;
  peakRss: number;
}

async function child(x: bigint, alpha: number | undefined, units: number): Promise<void> {
  const kernel = await loadCombinatorialKernel();
  const start = performance.now();
  const plan = planPi(x, units, alpha);
  const combiner = createCombiner(plan);
  const partSeconds: Record<string, number> = {};
  for (const unit of plan.units) {
    const t = performance.now();
    combiner.add(computeUnit(kernel, unit));
    partSeconds[unit.part] = (partSeconds[unit.part] ?? 0) + (performance.now() - t) / 1000;
  }
  const pi = combiner.result();
  const seconds = (performance.now() - start) / 1000;
  const report: ChildReport = {
    pi: String(pi),
    seconds,
    alpha: plan.alpha,
    y: plan.y,
    units: plan.units.length,
    partSeconds,
    wasmBytes: kernel.memoryBytes(),
    peakRss: process.resourceUsage().maxRSS * 1024,
  };
  process.stdout.write(JSON.stringify(report));
}

function runOurs(x: bigint, alpha: number | undefined, units: number): ChildReport {
  const args = [...process.execArgv, fileURLToPath(import.meta.url), '--child', x.toString(), String(alpha ?? ''), String(units)];
  const run = spawnSync(process.execPath, args, { encoding: 'utf8', maxBuffer: 1 << 20 });
  if (run.status !== 0) throw new Error(`our child failed on ${x}: ${run.stderr}`);
  return JSON.parse(run.stdout) as ChildReport;
}

function runPrimecount(x: bigint): { pi: string; seconds: number } | undefined {
  const run = spawnSync('primecount', [x.toString(), '-t1', '--time'], { encoding: 'utf8' });
  if (run.error !== undefined || run.status !== 0) return undefined;
  const [pi, secondsLine] = run.stdout.trim().split('\n');
  const seconds = /Seconds:\s*([\d.]+)/.exec(secondsLine ?? '')?.[1];
  if (pi === undefined || seconds === undefined) return undefined;
  return { pi, seconds: Number(seconds) };
}

function randomBetween(lo: number, hi: number): bigint {
  return BigInt(Math.floor(lo + Math.random() * (hi - lo)));
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  if (args[0] === '--child') {
    return child(BigInt(args[1]!), args[2] === '' ? undefined : Number(args[2]), Number(args[3]));
  }
  const valueOf = (flag: string): string | undefined => {
    const at = args.indexOf(flag);
    return at >= 0 ? args[at + 1] : undefined;
  };
  const alphas = valueOf('--alpha')?.split(',').map(Number) ?? [undefined];
  const units = Number(valueOf('--units') ?? 1);
  const explicit = args.filter((a, i) => /^[0-9]/.test(a) && !['--alpha', '--units'].includes(args[i - 1] ?? ''));
  const sizes = explicit.length > 0
    ? explicit.map((a) => BigInt(a))
    : args.includes('--quick')
      ? [10n ** 12n, 10n ** 14n, randomBetween(1e13, 9e13)]
      : [10n ** 14n, 10n ** 16n, randomBetween(1e15, 9e15), 10n ** 18n];

  console.log(
    `combinatorial bench: ${os.cpus()[0]?.model ?? 'unknown CPU'}, ${os.cpus().length} cores, Node ${process.version}, ` +
      `one thread, ${units} unit(s) per plan; load average ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}`,
  );
  const header = `${'x'.padEnd(21)}${'alpha'.padStart(7)}${'ours s'.padStart(9)}${'primecount s'.padStart(14)}${'ratio'.padStart(8)}${'wasm MB'.padStart(9)}${'rss MB'.padStart(8)}  pi(x)`;
  console.log(header);
  console.log('-'.repeat(header.length + 20));
  let mismatches = 0;
  for (const x of sizes) {
    const reference = runPrimecount(x);
    for (const alpha of alphas) {
      const ours = runOurs(x, alpha, units);
      const agree = reference === undefined || reference.pi === ours.pi;
      if (!agree) mismatches++;
      console.log(
        `${x.toString().padEnd(21)}${ours.alpha.toFixed(2).padStart(7)}${ours.seconds.toFixed(2).padStart(9)}` +
          `${(reference ? reference.seconds.toFixed(2) : '-').padStart(14)}` +
          `${(reference ? (ours.seconds / reference.seconds).toFixed(2) + 'x' : '-').padStart(8)}` +
          `${(ours.wasmBytes / 2 ** 20).toFixed(1).padStart(9)}${(ours.peakRss / 2 ** 20).toFixed(0).padStart(8)}  ${ours.pi}` +
          (agree ? '' : `  !!! MISMATCH: primecount says ${reference?.pi}`),
      );
      if (args.includes('--parts')) {
        const parts = Object.entries(ours.partSeconds).map(([part, s]) => `${part} ${s.toFixed(2)}`).join(', ');
        console.log(`${''.padEnd(21)}  y = ${ours.y}, ${ours.units} units: ${parts}`);
      }
    }
  }
  if (mismatches > 0) {
    console.error(`${mismatches} mismatch(es) with primecount`);
    process.exit(1);
  }
}

await main();
