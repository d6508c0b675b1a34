/**
 * `npm run bench:trust`: what the trust rules cost. Runs the coordinator's domain in this
 * process (no sockets, a fake clock, the real kernel) with the default trust settings and
 * volunteers that are honest or lie, and prints the work done beyond the job itself
 * (replicas, confirmations, audits) as a share of the job. Deterministic: same figures on
 * every machine.
 */
import { loadConfig } from '../coordinator/config.js';
import { createDomain } from '../coordinator/domain.js';
import { createJob } from '../coordinator/jobs/create-job.js';
import { grantLeases } from '../coordinator/leases/grant-leases.js';
import { reportResult } from '../coordinator/leases/report-result.js';
import { registerVolunteer } from '../coordinator/leases/volunteers.js';
import type { ChunkRecord, Domain } from '../coordinator/model.js';
import { MemoryJobStore } from '../coordinator/store/memory-store.js';
import { trustPolicy } from '../coordinator/trust/trust-state.js';
import type { TotalVerifier } from '../coordinator/trust/verifier.js';
import { SIEVE_COUNT } from '../shared/kinds/sieve-count/index.js';
import { loadKernel } from '../shared/sieve/index.js';

const kernel = await loadKernel();
const countPrimes = (lo: number, hi: number): number => kernel.countPrimes(lo, hi);

const N = 20_000_000;
const CHUNKS = 8;
const UNIT_SIZE = 100_000;
const JOBS = 5;

const truth = new Map<string, number>();
function primes(lo: number, hi: number): number {
  const key = `${lo}:${hi}`;
  let count = truth.get(key);
  if (count === undefined) truth.set(key, (count = countPrimes(lo, hi)));
  return count;
}

/** Which of its units (numbered from 1) a volunteer lies on. */
type Liar = (unitNumber: number) => boolean;
interface Actor {
  id: string;
  network: string;
  trusted: boolean;
  lies?: Liar;
}

interface Scenario {
  name: string;
  actors: Actor[];
  verified: boolean;
}

const stranger = (id: string, lies?: Liar): Actor => ({ id, network: `net-${id}`, trusted: false, ...(lies ? { lies } : {}) });
const trusted = (id: string): Actor => ({ id, network: 'operator', trusted: true });
const every10: Liar = (k) => k % 10 === 0;
const after30: Liar = (k) => k > 30;

/** Stands for a verified total (the combinatorial pi(x) check): recounts chunks with the kernel. */
const kernelVerifier: TotalVerifier = {
  verifiedBy: 'a recount of each chunk by the kernel',
  canVerify: () => true,
  verifyTotal: (_job, chunks: readonly ChunkRecord[]) => {
    const wrongChunks = chunks.filter((c) => primes(c.lo, c.hi) !== c.accumulator).map((c) => c.index);
    return wrongChunks.length === 0 ? { ok: true } : { ok: false, wrongChunks };
  },
};

function run(scenario: Scenario) {
  let clock = 0;
  const store = new MemoryJobStore();
  const d: Domain = createDomain({
    store,
    policy: { unitSize: UNIT_SIZE, leaseTimeoutMs: 60_000, maxAttempts: 3 },
    trust: trustPolicy(loadConfig({})),
    ...(scenario.verified ? { verifier: kernelVerifier } : {}),
    events: { jobChanged: () => {}, workAvailable: () => {}, unitAccepted: () => {}, leasesRevoked: () => {} },
    now: () => clock,
    random: mulberry32(1),
  });
  for (const actor of scenario.actors) {
    registerVolunteer(d, actor.id, { kind: 'node', threads: 1 }, { network: actor.network, trusted: actor.trusted });
  }
  let computed = 0;
  let byTrusted = 0;
  let exact = 0;
  const units = new Map<string, number>();
  for (let j = 0; j < JOBS; j++) {
    const job = createJob(d, SIEVE_COUNT, { n: N }, CHUNKS);
    for (let round = 0; round < 100_000 && d.active.has(job.id); round++) {
      clock += 1;
      let any = false;
      for (const actor of scenario.actors) {
        const [lease] = grantLeases(d, actor.id, 1);
        if (!lease) continue;
        any = true;
        const k = (units.get(actor.id) ?? 0) + 1;
        units.set(actor.id, k);
        const numbers = lease.hi - lease.lo + 1;
        computed += numbers;
        if (actor.trusted) byTrusted += numbers;
        reportResult(d, actor.id, lease.id, primes(lease.lo, lease.hi) + (actor.lies?.(k) ? 1 : 0));
      }
      if (!any) break;
    }
    if (job.state === 'SUCCESS' && job.answer === primes(1, N)) exact++;
  }
  store.close();
  const liars = scenario.actors.filter((a) => a.lies);
  return {
    extra: computed / (JOBS * N) - 1,
    trustedShare: byTrusted / computed,
    exact,
    caught: liars.filter((a) => d.volunteers.get(a.id)?.quarantined).length,
    liars: liars.length,
  };
}

function mulberry32(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const scenarios: Scenario[] = [
  { name: 'one trusted worker', actors: [trusted('t')], verified: false },
  { name: '3 honest strangers', actors: [stranger('a'), stranger('b'), stranger('c')], verified: false },
  { name: '3 honest strangers + trusted worker', actors: [stranger('a'), stranger('b'), stranger('c'), trusted('t')], verified: false },
  { name: '3 honest + liar 1 in 10', actors: [stranger('a'), stranger('b'), stranger('c'), stranger('l', every10)], verified: false },
  {
    name: '3 honest + liar 1 in 10 + trusted worker',
    actors: [stranger('a'), stranger('b'), stranger('c'), stranger('l', every10), trusted('t')],
    verified: false,
  },
  { name: '3 honest strangers, verified totals', actors: [stranger('a'), stranger('b'), stranger('c')], verified: true },
  {
    name: '3 honest + liar after 30 units, verified totals',
    actors: [stranger('a'), stranger('b'), stranger('c'), stranger('l', after30)],
    verified: true,
  },
];

console.log(`trust cost with the default settings: ${JOBS} jobs of n=${N.toExponential()} in ${CHUNKS} chunks, UNIT_SIZE=${UNIT_SIZE}`);
console.log('every volunteer computes at the same speed; extra = numbers computed beyond the jobs themselves / the jobs');
console.log('');
console.log(`${'volunteers'.padEnd(50)} ${'extra work'.padStart(10)} ${'by trusted'.padStart(10)} ${'exact jobs'.padStart(10)} ${'liars caught'.padStart(12)}`);
for (const scenario of scenarios) {
  const result = run(scenario);
  console.log(
    `${scenario.name.padEnd(50)} ${`${(result.extra * 100).toFixed(1)}%`.padStart(10)} ${`${(result.trustedShare * 100).toFixed(0)}%`.padStart(10)} ${`${result.exact}/${JOBS}`.padStart(10)} ${(result.liars === 0 ? '-' : `${result.caught}/${result.liars}`).padStart(12)}`,
  );
}
