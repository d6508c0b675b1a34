/**
 * Verified sieve totals with the real verifier: pi(n) by the combinatorial kernel on a
 * coordinator worker thread. A stranger with standing lies and its word alone is accepted (no
 * honest replica); the verification finds the wrong chunk, others recompute it, the liar is
 * quarantined and the job ends exact, saying what verified it.
 */
import { afterAll, expect, test } from 'vitest';
import { SIEVE_COUNT } from '../../shared/kinds/sieve-count/index.js';
import { loadKernel } from '../../shared/sieve/index.js';
import { loadConfig } from '../config.js';
import { createDomain } from '../domain.js';
import { createJob } from '../jobs/create-job.js';
import { viewJob } from '../jobs/job-view.js';
import { grantLeases } from '../leases/grant-leases.js';
import { reportResult } from '../leases/report-result.js';
import { registerVolunteer } from '../leases/volunteers.js';
import type { Domain } from '../model.js';
import { MemoryJobStore } from '../store/memory-store.js';
import { trustPolicy } from '../trust/trust-state.js';
import { startPiWorker } from './pi-worker.js';
import { sieveTotalVerifier, VERIFIED_BY } from './sieve-total-verifier.js';

const UNIT = 10_000;
const kernel = await loadKernel();
const countPrimes = (lo: number, hi: number): number => kernel.countPrimes(lo, hi);
const piWorker = startPiWorker();
afterAll(() => piWorker.close());

function setup(): Domain {
  return createDomain({
    store: new MemoryJobStore(),
    policy: { unitSize: UNIT, leaseTimeoutMs: 60_000, maxAttempts: 3 },
    trust: { ...trustPolicy(loadConfig({})), spotCheckRate: 0, trustAfter: 3 },
    verifier: sieveTotalVerifier(piWorker),
    events: { jobChanged: () => {}, workAvailable: () => {}, unitAccepted: () => {}, leasesRevoked: () => {} },
  });
}

/** Each volunteer in turn takes one unit and reports `answer(lo, hi, k)` for its k-th unit. */
function workRound(d: Domain, actors: Record<string, (lo: number, hi: number, k: number) => number>, done: Map<string, number>): boolean {
  let any = false;
  for (const [id, answer] of Object.entries(actors)) {
    const [lease] = grantLeases(d, id, 1);
    if (!lease) continue;
    any = true;
    const k = (done.get(id) ?? 0) + 1;
    done.set(id, k);
    reportResult(d, id, lease.id, answer(lease.lo, lease.hi, k));
  }
  return any;
}

test('a forged sieve total accepted on a lone vote is caught by pi(n) on the coordinator thread; the job ends exact and verified', async () => {
  const d = setup();
  for (const [id, network] of [['liar', 'net-l'], ['h1', 'net-1'], ['h2', 'net-2']] as const) {
    registerVolunteer(d, id, { kind: 'node', threads: 1 }, { network, trusted: false });
  }
  const n = 60 * UNIT;
  const job = createJob(d, SIEVE_COUNT, { n }, 4);
  const honest = (lo: number, hi: number) => countPrimes(lo, hi);
  // Honest while earning standing, then one forged count, then honest again.
  const liar = (lo: number, hi: number, k: number) => countPrimes(lo, hi) + (k === 12 ? 3 : 0);
  const done = new Map<string, number>();
  const deadline = Date.now() + 60_000;
  while (d.active.has(job.id)) {
    if (Date.now() > deadline) throw new Error(`the job did not end: ${JSON.stringify(viewJob(d, job))}`);
    // No work while the verification runs on its thread: wait for its answer.
    if (!workRound(d, { liar, h1: honest, h2: honest }, done)) await new Promise((resolve) => setTimeout(resolve, 20));
  }
  expect(done.get('liar')).toBeGreaterThanOrEqual(12);
  expect(job).toMatchObject({ state: 'SUCCESS', answer: countPrimes(1, n), verifiedBy: VERIFIED_BY });
  expect(viewJob(d, job)).toMatchObject({ result: { prime_count: 49_098 }, verified: true, verified_by: VERIFIED_BY });
  expect(d.volunteers.get('liar')!.quarantined).toBe(true);
  expect(d.volunteers.get('h1')!.quarantined).toBe(false);
  expect(d.volunteers.get('h2')!.quarantined).toBe(false);
});

test('pi(n) on the thread matches the sieve, and the verifier names exactly the wrong chunk', async () => {
  const verifier = sieveTotalVerifier(piWorker);
  const chunks = [
    { jobId: 'j', index: 0, lo: 1, hi: 50_000, accumulator: countPrimes(1, 50_000), donePositions: 50_000 },
    { jobId: 'j', index: 1, lo: 50_001, hi: 100_000, accumulator: countPrimes(50_001, 100_000) + 1, donePositions: 50_000 },
  ];
  const job = createJob(setup(), SIEVE_COUNT, { n: 100_000 }, 2);
  expect(await verifier.verifyTotal(job, chunks)).toEqual({ ok: false, wrongChunks: [1] });
  expect(await piWorker.pi(1e12)).toBe(37_607_912_018n);
});
