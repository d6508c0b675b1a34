/**
 * Calibrates `auto` for prime-count ranges (shared/kinds/prime-count-combinatorial/method.ts):
 * both kernels on this thread, in CPU seconds, against their cost models, in the same run.
 *
 *   npx tsx scripts/bench-range-method.ts [--runs N] [--check] [x ...]
 *
 * For each height x (default 1e10 1e11 1e12 1e13 1e14): pi(x) through the combinatorial kernel
 * (plan, every unit, combine) against planPi(x).modelNs, and a sieve window of about 1.5
 * reference seconds at x against sieveUnitSeconds; the table prints medians of --runs
 * (default 3), the ratios measured / model, and their quotient: the reference seconds one
 * model ns stands for (method.ts's REFERENCE_SECONDS_PER_MODEL_NS), which a loaded machine
 * changes far less than either ratio.
 * --check then times both methods on the range [x, x + w - 1] at the crossover width w that
 * method.ts computes now: at the crossover both should take about the same time (exit 1 only
 * on a count mismatch between them, never on speed).
 */
import { parseArgs } from 'node:util';
import { piCombinatorial } from '../shared/kinds/combinatorial/pi.js';
import { planPi } from '../shared/kinds/combinatorial/plan.js';
import { loadCombinatorialKernel } from '../shared/kinds/combinatorial/wasm-kernel.js';
import {
  PI_FIXED_SECONDS,
  REFERENCE_SECONDS_PER_MODEL_NS,
  combinatorialRangeSeconds,
  rangeCrossoverWidth,
  sieveRangeSeconds,
} from '../shared/kinds/prime-count-combinatorial/method.js';
import { sieveNumbersForSeconds, sieveUnitSeconds } from '../shared/kinds/sieve-cost.js';
import { loadKernel } from '../shared/sieve/index.js';

const { values, positionals } = parseArgs({
  options: { runs: { type: 'string', default: '3' }, check: { type: 'boolean', default: false } },
  allowPositionals: true,
});
const runs = Number(values.runs);
const heights = (positionals.length > 0 ? positionals : ['1e10', '1e11', '1e12', '1e13', '1e14']).map((text) => BigInt(Number(text)));

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
function cpuSeconds<T>(work: () => T): { value: T; seconds: number } {
  const start = process.cpuUsage();
  const value = work();
  const used = process.cpuUsage(start);
  return { value, seconds: (used.user + used.system) / 1e6 };
}

const sieve = await loadKernel();
const combinatorial = await loadCombinatorialKernel();
// Warm both (the sieve's first call near a height builds its sieving primes; tier-up).
sieve.count(10n ** 9n, 10n ** 9n + 10n ** 7n);
piCombinatorial(combinatorial, 10n ** 10n);

const modelNs = (x: bigint): number => {
  const { easy, hard, p2 } = planPi(x, 1).modelNs;
  return easy + hard + p2;
};

console.log(`\nKernels against their models, CPU seconds, one thread, medians of ${runs}`);
console.log('| x | pi(x) s | model ns | s per model ns | sieve window | sieve s | model ref s | s per ref s | ref s per model ns |');
console.log('|---|---|---|---|---|---|---|---|---|');
const conversions: number[] = [];
for (const x of heights) {
  const pis: number[] = [];
  const sieves: number[] = [];
  const width = BigInt(sieveNumbersForSeconds(Number(x), 1.5, Number.MAX_SAFE_INTEGER));
  for (let run = 0; run < runs; run++) {
    pis.push(cpuSeconds(() => piCombinatorial(combinatorial, x, { units: 16 })).seconds);
    sieve.count(x, x + 1000n);
    sieves.push(cpuSeconds(() => sieve.count(x, x + width - 1n)).seconds);
  }
  const [pi, sieved] = [median(pis), median(sieves)];
  const model = modelNs(x);
  const reference = sieveUnitSeconds(Number(x), Number(x + width - 1n));
  const conversion = pi / model / (sieved / reference);
  conversions.push(conversion);
  console.log(
    `| ${Number(x).toExponential()} | ${pi.toFixed(3)} | ${model.toExponential(2)} | ${(pi / model).toExponential(2)} | ` +
      `${Number(width).toExponential(2)} | ${sieved.toFixed(3)} | ${reference.toFixed(3)} | ${(sieved / reference).toFixed(2)} | ${conversion.toExponential(2)} |`,
  );
}
console.log(
  `\nmethod.ts now: ${REFERENCE_SECONDS_PER_MODEL_NS.toExponential(2)} reference s per model ns and ${PI_FIXED_SECONDS} s fixed per pi(x); ` +
    `this run: ${median(conversions).toExponential(2)} reference s per model ns (median over heights)`,
);

if (values.check) {
  console.log('\nAt the crossover width w of method.ts: both methods on [x, x + w - 1], CPU seconds of this thread');
  console.log('| x | w | sieve s (model) | pi(x + w - 1) - pi(x - 1) s (model) | count |');
  console.log('|---|---|---|---|---|');
  let mismatch = false;
  for (const x of heights) {
    const w = rangeCrossoverWidth(x);
    const to = x + w - 1n;
    sieve.count(x, x + 1000n);
    const sieved = cpuSeconds(() => sieve.count(x, to));
    const counted = cpuSeconds(() => piCombinatorial(combinatorial, to, { units: 16 }) - piCombinatorial(combinatorial, x - 1n, { units: 16 }));
    if (sieved.value !== counted.value) mismatch = true;
    console.log(
      `| ${Number(x).toExponential()} | ${Number(w).toExponential(2)} | ${sieved.seconds.toFixed(2)} (${sieveRangeSeconds(x, to).toFixed(2)}) | ` +
        `${counted.seconds.toFixed(2)} (${combinatorialRangeSeconds(x, to).toFixed(2)}) | ${sieved.value === counted.value ? sieved.value : `MISMATCH ${sieved.value} vs ${counted.value}`} |`,
    );
  }
  if (mismatch) process.exit(1);
}
