/**
 * The range kinds through the whole system: REST job, real coordinator, real worker
 * processes computing with the Wasm kernel, against the plain sieve of test/support, known
 * values (OEIS A007508, A002386) and primesieve near 2^64 when it is installed.
 */
import { execFileSync } from 'node:child_process';
import { describe, expect, test } from 'vitest';
import type { JobView } from '../shared/api.js';
import { toU64Json } from '../shared/kinds/u64-json.js';
import { followJob, health, spawnWorker, startTestCoordinator, waitFor } from './support/harness.js';
import { restartMidJob } from './support/restart-mid-job.js';
import { always, disposeAll, socketVolunteer, strategyPool } from './support/volunteers.js';
import { makeRandom, plainSummary, primesIn, summarizePrimes, testSeed, type PlainSummary } from './support/plain-sieve.js';

type RangeKind = 'prime-count' | 'twin-count' | 'max-gap';
const KINDS: RangeKind[] = ['prime-count', 'twin-count', 'max-gap'];

/** Seeded so a failure reproduces: rerun with RANGE_KINDS_TEST_SEED=<printed seed>. */
const seed = testSeed('RANGE_KINDS_TEST_SEED');

async function submitRange(apiUrl: string, kind: RangeKind, from: bigint, to: bigint, chunks: number): Promise<string> {
  const response = await fetch(`${apiUrl}/api/jobs`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ kind, from: toU64Json(from), to: toU64Json(to), chunks }),
  });
  const body = (await response.json()) as { job_id: string };
  if (response.status !== 202) throw new Error(`submit failed: ${response.status} ${JSON.stringify(body)}`);
  return body.job_id;
}

/** The `result` a kind's job must end with, from the facts of its range. */
function expectedResult(kind: RangeKind, facts: PlainSummary): Record<string, unknown> {
  switch (kind) {
    case 'prime-count':
      return { prime_count: toU64Json(facts.count) };
    case 'twin-count':
      return { twin_count: toU64Json(facts.twins) };
    case 'max-gap':
      return facts.maxGap === null || facts.gapStart === null
        ? { max_gap: null, gap_start: null, gap_end: null }
        : { max_gap: toU64Json(facts.maxGap), gap_start: toU64Json(facts.gapStart), gap_end: toU64Json(facts.gapStart + facts.maxGap) };
  }
}

/** Runs every case as a job at once (the swarm takes them in any order) and returns each job's final view. */
async function runAll(apiUrl: string, cases: { kind: RangeKind; from: bigint; to: bigint; chunks: number }[], timeoutMs = 120_000) {
  const ids = await Promise.all(cases.map((c) => submitRange(apiUrl, c.kind, c.from, c.to, c.chunks)));
  const finals: JobView[] = [];
  for (const id of ids) finals.push((await followJob(apiUrl, id, timeoutMs)).at(-1)!);
  return finals;
}

function outcome(view: JobView) {
  const { duration_sec: _duration, ...result } = view.result ?? { duration_sec: 0 };
  return { state: view.state, kind: view.kind, from: view.from, to: view.to, result: view.result ? result : undefined };
}

describe('range kinds through the system', () => {
  test('random small ranges cut into small units (twin pairs and gaps across units and chunks) match the plain sieve', { timeout: 240_000 }, async () => {
    await using coordinator = await startTestCoordinator({ UNIT_SIZE: '1000' });
    await using _worker = spawnWorker(coordinator.apiUrl, 2);
    const random = makeRandom(seed);
    const cases = KINDS.flatMap((kind) =>
      Array.from({ length: 4 }, (_, i) => {
        const from = BigInt(i === 0 ? Math.floor(random() * 50) : Math.floor(random() * 3_000_000));
        const width = 1 + Math.floor(random() * 9_000);
        return { kind, from, to: from + BigInt(width) - 1n, chunks: 1 + Math.floor(random() * 8) };
      }),
    );
    const finals = await runAll(coordinator.apiUrl, cases);
    cases.forEach((c, i) => {
      expect({ ...c, ...outcome(finals[i]!) }).toEqual({
        ...c,
        state: 'SUCCESS',
        kind: c.kind,
        from: toU64Json(c.from),
        to: toU64Json(c.to),
        result: expectedResult(c.kind, plainSummary(c.from, c.to)),
      });
    });
  });

  test('one number, no primes, A = B on a prime, the smallest ranges', { timeout: 120_000 }, async () => {
    await using coordinator = await startTestCoordinator({ UNIT_SIZE: '1000' });
    await using _worker = spawnWorker(coordinator.apiUrl, 2);
    const ranges: [bigint, bigint, number][] = [
      [0n, 0n, 1],
      [1n, 1n, 1],
      [2n, 2n, 1],
      [7n, 7n, 1],
      [1_000_003n, 1_000_003n, 1],
      [24n, 28n, 5],
      [1_328n, 1_360n, 3],
      [3n, 5n, 3],
      [2n, 3n, 2],
      [0n, 1n, 2],
    ];
    const cases = KINDS.flatMap((kind) => ranges.map(([from, to, chunks]) => ({ kind, from, to, chunks })));
    const finals = await runAll(coordinator.apiUrl, cases);
    const results = finals.map((view) => outcome(view).result);
    expect(results).toEqual(cases.map((c) => expectedResult(c.kind, plainSummary(c.from, c.to))));
    // Spelled out for the cases that matter most.
    const at = (kind: RangeKind, from: bigint, to: bigint) => results[cases.findIndex((c) => c.kind === kind && c.from === from && c.to === to)];
    expect(at('prime-count', 1_000_003n, 1_000_003n)).toEqual({ prime_count: 1 });
    expect(at('twin-count', 3n, 5n)).toEqual({ twin_count: 1 });
    expect(at('max-gap', 1_000_003n, 1_000_003n)).toEqual({ max_gap: null, gap_start: null, gap_end: null });
    expect(at('max-gap', 24n, 28n)).toEqual({ max_gap: null, gap_start: null, gap_end: null });
    expect(at('max-gap', 2n, 3n)).toEqual({ max_gap: 1, gap_start: 2, gap_end: 3 });
  });

  test('known values: twin pairs below 10^3 .. 10^9 (OEIS A007508), maximal gaps 72 after 31397 and 354 after 4302407359 (A002386)', { timeout: 240_000 }, async () => {
    await using coordinator = await startTestCoordinator({ UNIT_SIZE: '50000000' });
    await using _worker = spawnWorker(coordinator.apiUrl, 2);
    const twinsBelow: [number, number][] = [
      [3, 35],
      [4, 205],
      [5, 1224],
      [6, 8169],
      [7, 58980],
      [8, 440312],
      [9, 3424506],
    ];
    const cases = [
      ...twinsBelow.map(([k]) => ({ kind: 'twin-count' as const, from: 0n, to: 10n ** BigInt(k), chunks: Math.min(8, 10 ** (k - 2)) })),
      { kind: 'max-gap' as const, from: 0n, to: 40_000n, chunks: 7 },
      // A narrow window around the record: the gap straddles the chunk boundary.
      { kind: 'max-gap' as const, from: 4_302_407_000n, to: 4_302_408_000n, chunks: 2 },
      { kind: 'prime-count' as const, from: 0n, to: 10n ** 9n, chunks: 8 },
    ];
    const finals = await runAll(coordinator.apiUrl, cases, 200_000);
    expect(finals.map((view) => outcome(view).result)).toEqual([
      ...twinsBelow.map(([, twins]) => ({ twin_count: twins })),
      { max_gap: 72, gap_start: 31_397, gap_end: 31_469 },
      { max_gap: 354, gap_start: 4_302_407_359, gap_end: 4_302_407_713 },
      { prime_count: 50_847_534 },
    ]);
  });
});

describe('range jobs with the store and with strangers', () => {
  test('SIGKILL mid-job: a twin-count job is restored exactly (a chunk with a hole in it included) and ends exact', { timeout: 240_000 }, async () => {
    const [from, to] = [10_000_000n, 12_000_000n];
    // The held unit, the first of chunk 0, keeps that chunk open with the units after it accepted.
    await using crash = await restartMidJob({
      env: { UNIT_SIZE: '100000' },
      submit: (apiUrl) => submitRange(apiUrl, 'twin-count', from, to, 4),
      kind: 'twin-count',
      chunksDone: 3,
      timeoutMs: 120_000,
    });
    expect(crash.restored).toMatchObject({ kind: 'twin-count', from: 10_000_000, to: 12_000_000, chunks: 4, state: 'PROGRESS' });
    expect(crash.restored.progress.completed).toBeGreaterThanOrEqual(crash.before.progress.completed);
    const final = (await followJob(crash.coordinator.apiUrl, crash.jobId, 180_000)).at(-1)!;
    expect(outcome(final)).toMatchObject({ state: 'SUCCESS', result: expectedResult('twin-count', plainSummary(from, to)) });
  });

  test('two liars of one network inflating twin counts are outvoted by a trusted worker and quarantined', { timeout: 180_000 }, async () => {
    await using coordinator = await startTestCoordinator({ NETWORK_PREFIX_V4: '32', UNIT_SIZE: '200000' });
    const liars = [
      socketVolunteer(coordinator.apiUrl, { localAddress: '127.0.0.2', pool: strategyPool(always(2)), name: 'liar-1' }),
      socketVolunteer(coordinator.apiUrl, { localAddress: '127.0.0.2', pool: strategyPool(always(2)), name: 'liar-2' }),
    ];
    await using _liars = disposeAll(liars);
    await waitFor('the liars to join', () => (liars.every((liar) => liar.volunteer.stats.volunteerId) ? true : undefined));
    const [from, to] = [1_000_000n, 3_000_000n];
    const jobId = await submitRange(coordinator.apiUrl, 'twin-count', from, to, 4);
    await using _honest = spawnWorker(coordinator.apiUrl, 1);
    const final = (await followJob(coordinator.apiUrl, jobId, 150_000)).at(-1)!;
    expect(outcome(final)).toMatchObject({ state: 'SUCCESS', result: expectedResult('twin-count', plainSummary(from, to)) });
    expect(liars.map((liar) => [...liar.ids].some((id) => coordinator.domain.quarantined.has(id)))).toEqual([true, true]);
  });
});

function primesieveInstalled(): boolean {
  try {
    execFileSync('primesieve', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

describe.skipIf(!primesieveInstalled())('near 2^64 - 1, against primesieve', () => {
  test('a window [2^64 - 10^5, 2^64 - 1]: primes, twin primes (cut in two chunks) and the largest gap', { timeout: 600_000 }, async () => {
    const to = 2n ** 64n - 1n;
    const from = to - 99_999n;
    const counts = execFileSync('primesieve', [String(from), String(to), '-c1', '-c2'], { encoding: 'utf8' });
    const primes = execFileSync('primesieve', [String(from), String(to), '-p'], { encoding: 'utf8' }).trim().split(/\s+/).map(BigInt);
    const facts = summarizePrimes(primes);
    expect(facts.count).toBe(BigInt(/Primes: (\d+)/.exec(counts)![1]!));
    expect(facts.twins).toBe(BigInt(/Twin primes: (\d+)/.exec(counts)![1]!));
    // A unit up here costs seconds to minutes on a loaded machine whatever its width (it starts
    // every sieving prime below 2^32): the lease is held as long as it takes.
    await using coordinator = await startTestCoordinator({ UNIT_SIZE: '1000000', LEASE_HOLD_MIN: '30m' });
    await using _worker = spawnWorker(coordinator.apiUrl, 2);
    await waitFor('the worker to join', async () => ((await health(coordinator.apiUrl)).workers === 1 ? true : undefined));
    const cases = KINDS.map((kind) => ({ kind, from, to, chunks: kind === 'twin-count' ? 2 : 1 }));
    const finals = await runAll(coordinator.apiUrl, cases, 580_000);
    expect(finals.map(outcome)).toEqual(
      cases.map((c) => ({ state: 'SUCCESS', kind: c.kind, from: '18446744073709451616', to: '18446744073709551615', result: expectedResult(c.kind, facts) })),
    );
    // The plain reference agrees with primesieve on a slice of the window.
    expect(primesIn(to - 999n, to)).toEqual(primes.filter((p) => p >= to - 999n));
  });
});
