/**
 * Benchmark of the combinatorial pi(x) kernel, one thread, side by side with
 * `primecount X -t1` in the same run.
 *
 *   npx tsx scripts/bench-combinatorial.ts [--quick] [--repeat N] [--alpha A1,A2,...] [--units N] [--parts] [x ...]
 *
 * Default sizes: 1e14, 1e16, a random x in [1e15, 9e15] and 1e18 (--quick: 1e12, 1e14 and a
 * random x in [1e13, 9e13]); 1e18 takes minutes of one thread, as does `primecount 1e18 -t1`:
 * give sizes on the command line to skip it. Each size runs --repeat times (default 3),
 * primecount then ours, and the table prints medians; each ratio is ours over primecount of
 * the same repetition, in CPU seconds (user + system: on a machine shared with other work,
 * what waiting for a core distorts least; primecount's through /usr/bin/time) and in wall
 * seconds. Each of our runs is a child process (plan, every unit in order through one kernel
 * instance, combine). Memory: "thread MB" is the peak RSS above the RSS before the first unit,
 * i.e. what a thread computing the units adds (the kernel's Wasm memory, which only grows,
 * and the results), "wasm MB" the kernel's linear memory alone, "pc MB" primecount's peak RSS.
 * --alpha runs each size with each tuning factor (how the plan's alpha table was measured);
 * --parts prints the CPU seconds per part (what plan.ts's cost model is fitted to). Exit 1 on
 * a mismatch with primecount, never on slowness.
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
  cpuSeconds: number;
  alpha: number;
  y: string;
  units: number;
  partSeconds: Record<string, number>;
  wasmBytes: number;
  peakRss: number;
  /** Peak RSS above the RSS before the first unit: what computing the units added. */
  threadPeakBytes: number;
}

function cpuSeconds(usage: NodeJS.CpuUsage): number {
  return (usage.user + usage.system) / 1e6;
}

async function child(x: bigint, alpha: number | undefined, units: number): Promise<void> {
  const kernel = await loadCombinatorialKernel();
  const rssBefore = process.memoryUsage().rss;
  const cpuStart = process.cpuUsage();
  const start = performance.now();
  const plan = planPi(x, units, alpha);
  const combiner = createCombiner(plan);
  const partSeconds: Record<string, number> = {};
  for (const unit of plan.units) {
    const t = process.cpuUsage();
    combiner.add(computeUnit(kernel, unit));
    partSeconds[unit.part] = (partSeconds[unit.part] ?? 0) + cpuSeconds(process.cpuUsage(t));
  }
  const pi = combiner.result();
  const seconds = (performance.now() - start) / 1000;
  const cpu = cpuSeconds(process.cpuUsage(cpuStart));
  const peakRss = process.resourceUsage().maxRSS * 1024;
  const report: ChildReport = {
    pi: String(pi),
    seconds,
    cpuSeconds: cpu,
    alpha: plan.alpha,
    y: plan.y,
    units: plan.units.length,
    partSeconds,
    wasmBytes: kernel.memoryBytes(),
    peakRss,
    threadPeakBytes: Math.max(0, peakRss - rssBefore),
  };
  process.stdout.write(JSON.stringify(report));
}

function runOurs(x: bigint, alpha: number | undefined, units: number): ChildReport {
  const args = [...process.execArgv, fileURLToPath(import.meta.url), '--child', x.toString(), String(alpha ?? ''), String(units)];
  const run = spawnSync(process.execPath, args, { encoding: 'utf8', maxBuffer: 1 << 20 });
  if (run.status !== 0) throw new Error(`our child failed on ${x}: ${run.stderr}`);
  return JSON.parse(run.stdout) as ChildReport;
}

interface ReferenceRun {
  pi: string;
  seconds: number;
  /** User + system CPU seconds (undefined without /usr/bin/time). */
  cpuSeconds: number | undefined;
  peakRss: number | undefined;
}

/** `primecount X -t1`, under /usr/bin/time when it exists for its CPU time and peak RSS. */
function runPrimecount(x: bigint): ReferenceRun | undefined {
  const timed = spawnSync('/usr/bin/time', ['-f', 'cpu %U %S rss %M', 'primecount', x.toString(), '-t1', '--time'], { encoding: 'utf8' });
  const run = timed.error === undefined ? timed : spawnSync('primecount', [x.toString(), '-t1', '--time'], { encoding: 'utf8' });
  if (run.error !== undefined || run.status !== 0) return undefined;
  const [pi, secondsLine] = run.stdout.trim().split('\n');
  const seconds = /Seconds:\s*([\d.]+)/.exec(secondsLine ?? '')?.[1];
  if (pi === undefined || seconds === undefined) return undefined;
  const usage = timed.error === undefined ? /cpu ([\d.]+) ([\d.]+) rss (\d+)/.exec(run.stderr) : null;
  return {
    pi,
    seconds: Number(seconds),
    cpuSeconds: usage ? Number(usage[1]) + Number(usage[2]) : undefined,
    peakRss: usage ? Number(usage[3]) * 1024 : undefined,
  };
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
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
  const repeats = Math.max(1, Number(valueOf('--repeat') ?? 3));
  const explicit = args.filter((a, i) => /^[0-9]/.test(a) && !['--alpha', '--units', '--repeat'].includes(args[i - 1] ?? ''));
  const sizes = explicit.length > 0
    ? explicit.map((a) => BigInt(a))
    : args.includes('--quick')
      ? [10n ** 12n, 10n ** 14n, randomBetween(1e13, 9e13)]
      : [10n ** 14n, 10n ** 16n, randomBetween(1e15, 9e15), 10n ** 18n];

  console.log(
    `combinatorial bench: ${os.cpus()[0]?.model ?? 'unknown CPU'}, ${os.cpus().length} cores, Node ${process.version}, ` +
      `one thread, ${units} unit(s) per plan, median of ${repeats} run(s) each; load average ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}`,
  );
  console.log('Ratios are ours / primecount -t1 of the same repetition: CPU seconds (what a loaded machine distorts least) and wall seconds.');
  console.log('thread MB: peak RSS above the RSS before the first unit (kernel memory and the results), wasm MB: the kernel\'s linear memory.');
  const header =
    `${'x'.padEnd(21)}${'alpha'.padStart(7)}${'ours cpu'.padStart(10)}${'pc cpu'.padStart(9)}${'cpu ratio'.padStart(11)}` +
    `${'ours wall'.padStart(11)}${'pc wall'.padStart(9)}${'wall ratio'.padStart(12)}${'thread MB'.padStart(11)}${'wasm MB'.padStart(9)}${'pc MB'.padStart(7)}  pi(x)`;
  console.log(header);
  console.log('-'.repeat(header.length + 20));
  let mismatches = 0;
  const fixed = (v: number | undefined, digits = 2): string => (v === undefined || Number.isNaN(v) ? '-' : v.toFixed(digits));
  for (const x of sizes) {
    for (const alpha of alphas) {
      const ours: ChildReport[] = [];
      const references: ReferenceRun[] = [];
      for (let r = 0; r < repeats; r++) {
        const reference = runPrimecount(x);
        if (reference !== undefined) references.push(reference);
        const run = runOurs(x, alpha, units);
        ours.push(run);
        if (reference !== undefined && reference.pi !== run.pi) {
          mismatches++;
          console.log(`!!! MISMATCH at ${x}: ours ${run.pi}, primecount ${reference.pi}`);
        }
      }
      const paired = references.length === ours.length;
      const cpuRatios = paired && references.every((r) => r.cpuSeconds !== undefined)
        ? ours.map((o, i) => o.cpuSeconds / references[i]!.cpuSeconds!)
        : [];
      const wallRatios = paired ? ours.map((o, i) => o.seconds / references[i]!.seconds) : [];
      const last = ours[ours.length - 1]!;
      const refCpu = references.flatMap((r) => (r.cpuSeconds === undefined ? [] : [r.cpuSeconds]));
      const refRss = references.flatMap((r) => (r.peakRss === undefined ? [] : [r.peakRss]));
      console.log(
        `${x.toString().padEnd(21)}${last.alpha.toFixed(2).padStart(7)}` +
          `${fixed(median(ours.map((o) => o.cpuSeconds))).padStart(10)}${fixed(refCpu.length ? median(refCpu) : undefined).padStart(9)}` +
          `${(cpuRatios.length ? fixed(median(cpuRatios)) + 'x' : '-').padStart(11)}` +
          `${fixed(median(ours.map((o) => o.seconds))).padStart(11)}${fixed(references.length ? median(references.map((r) => r.seconds)) : undefined).padStart(9)}` +
          `${(wallRatios.length ? fixed(median(wallRatios)) + 'x' : '-').padStart(12)}` +
          `${fixed(Math.max(...ours.map((o) => o.threadPeakBytes)) / 2 ** 20, 1).padStart(11)}` +
          `${fixed(Math.max(...ours.map((o) => o.wasmBytes)) / 2 ** 20, 1).padStart(9)}` +
          `${fixed(refRss.length ? Math.max(...refRss) / 2 ** 20 : undefined, 1).padStart(7)}  ${last.pi}`,
      );
      if (args.includes('--parts')) {
        const parts = Object.keys(last.partSeconds)
          .map((part) => `${part} ${median(ours.map((o) => o.partSeconds[part] ?? 0)).toFixed(2)}`)
          .join(', ');
        console.log(`${''.padEnd(21)}  y = ${last.y}, ${last.units} units, CPU seconds per part: ${parts}`);
      }
    }
  }
  if (mismatches > 0) {
    console.error(`${mismatches} mismatch(es) with primecount`);
    process.exit(1);
  }
}

await main();
