/**
 * prime-count of a range by pi(to) - pi(from - 1), the combinatorial method, through the whole
 * system: REST job, real coordinator, real worker processes computing combinatorial units,
 * against known values of pi and the plain sieve of test/support; a coordinator SIGKILL.
 */
import { describe, expect, test } from 'vitest';
import type { JobView } from '../shared/api.js';
import { toU64Json } from '../shared/kinds/u64-json.js';
import {
  connectSocket,
  followJob,
  getJob,
  health,
  holdOneUnit,
  spawnCoordinator,
  spawnWorker,
  startTestCoordinator,
  tempDir,
  waitFor,
} from './support/harness.js';
import { plainSummary } from './support/plain-sieve.js';

type Method = 'auto' | 'sieve' | 'combinatorial';

async function submitPrimeCount(apiUrl: string, from: bigint, to: bigint, chunks: number, method?: Method): Promise<string> {
  const response = await fetch(`${apiUrl}/api/jobs`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ kind: 'prime-count', from: toU64Json(from), to: toU64Json(to), chunks, ...(method === undefined ? {} : { method }) }),
  });
  const body = (await response.json()) as { job_id: string };
  if (response.status !== 202) throw new Error(`submit failed: ${response.status} ${JSON.stringify(body)}`);
  return body.job_id;
}

async function finalView(apiUrl: string, jobId: string, timeoutMs = 180_000): Promise<JobView> {
  return (await followJob(apiUrl, jobId, timeoutMs)).at(-1)!;
}

const PI_1E12 = 37_607_912_018;
const PI_1E13 = 346_065_536_839;

describe('prime-count by the combinatorial method through the system', () => {
  test('[10^12, 10^13] and [0, 10^13] run combinatorially by auto and end exact', { timeout: 240_000 }, async () => {
    await using coordinator = await startTestCoordinator();
    await using _worker = spawnWorker(coordinator.apiUrl, 2);
    const wide = await submitPrimeCount(coordinator.apiUrl, 10n ** 12n, 10n ** 13n, 8);
    const fromZero = await submitPrimeCount(coordinator.apiUrl, 0n, 10n ** 13n, 4, 'auto');
    expect(await finalView(coordinator.apiUrl, wide)).toMatchObject({
      state: 'SUCCESS',
      method: 'combinatorial',
      kind: 'prime-count',
      from: 10 ** 12,
      to: 10 ** 13,
      chunks: 8,
      progress: { completed: 8, total: 8 },
      result: { prime_count: PI_1E13 - PI_1E12 },
    });
    expect(PI_1E13 - PI_1E12).toBe(308_457_624_821);
    expect(await finalView(coordinator.apiUrl, fromZero)).toMatchObject({
      state: 'SUCCESS',
      method: 'combinatorial',
      from: 0,
      to: 10 ** 13,
      result: { prime_count: PI_1E13 },
    });
  });

  test('A = 0, 1, 2, A = B on a prime and small ranges: both methods agree with the plain sieve, and the view names the method', { timeout: 240_000 }, async () => {
    await using coordinator = await startTestCoordinator({ UNIT_SIZE: '100000' });
    await using _worker = spawnWorker(coordinator.apiUrl, 2);
    const ranges: [bigint, bigint, number][] = [
      [0n, 0n, 1],
      [0n, 1n, 1],
      [1n, 1n, 1],
      [2n, 2n, 1],
      [0n, 1_000_000n, 4],
      [1n, 1_000_000n, 3],
      [2n, 1_000_000n, 2],
      [3n, 1_000_000n, 5],
      [999_983n, 999_983n, 1],
      [999_984n, 1_000_002n, 2],
      [123_456_789n, 124_000_000n, 7],
    ];
    const cases = (['sieve', 'combinatorial'] as const).flatMap((method) => ranges.map(([from, to, chunks]) => ({ method, from, to, chunks })));
    const ids = await Promise.all(cases.map((c) => submitPrimeCount(coordinator.apiUrl, c.from, c.to, c.chunks, c.method)));
    const finals: JobView[] = [];
    for (const id of ids) finals.push(await finalView(coordinator.apiUrl, id));
    expect(finals.map((view) => ({ state: view.state, method: view.method, prime_count: view.result?.prime_count }))).toEqual(
      cases.map((c) => ({ state: 'SUCCESS', method: c.method, prime_count: Number(plainSummary(c.from, c.to).count) })),
    );
    expect(finals[cases.findIndex((c) => c.method === 'combinatorial' && c.from === 999_983n)]?.result?.prime_count).toBe(1);
  });
});

describe('prime-count by the combinatorial method: who computes it, and the store', () => {
  test('a range of more than 2^53 - 1 numbers runs combinatorially; its units go to volunteers of combinatorial units, as such, and to no other', async () => {
    await using coordinator = await startTestCoordinator();
    const jobId = await submitPrimeCount(coordinator.apiUrl, 0n, 10n ** 17n, 16);
    expect(await getJob(coordinator.apiUrl, jobId)).toMatchObject({ state: 'PENDING', method: 'combinatorial', kind: 'prime-count', from: 0, to: '100000000000000000' });
    for (const kinds of [undefined, ['sieve-count', 'prime-count', 'twin-count', 'max-gap']]) {
      await using old = await connectSocket(coordinator.apiUrl);
      await old.call('volunteer:hello', { kind: 'node', threads: 1, ...(kinds === undefined ? {} : { kinds }) });
      expect(await old.call('lease:request', { slots: 1 })).toEqual({ ok: true, leases: [] });
    }
    await using current = await connectSocket(coordinator.apiUrl);
    await current.call('volunteer:hello', { kind: 'node', threads: 1, kinds: ['combinatorial'] });
    const ack = (await current.call('lease:request', { slots: 1 })) as { ok: true; leases: Record<string, unknown>[] };
    expect(ack.leases).toHaveLength(1);
    expect(ack.leases[0]).toMatchObject({ jobId, kind: 'combinatorial', unit: { x: '100000000000000000', part: 'ordinary', index: 0 } });
  });

  test('SIGKILL mid-job: a combinatorial range job resumes on the same database and ends exact', { timeout: 300_000 }, async () => {
    using data = tempDir();
    const env = { DATA_DIR: data.path };
    const first = await spawnCoordinator(env);
    const port = new URL(first.apiUrl).port;
    const jobId = await submitPrimeCount(first.apiUrl, 10n ** 12n, 10n ** 13n, 8, 'combinatorial');
    // The held unit (the first, pi(10^13)'s ordinary leaves) keeps the job unfinished until the kill.
    await using _held = await holdOneUnit(first.apiUrl, ['combinatorial']);
    await using _worker = spawnWorker(first.apiUrl, 2);
    const before = await waitFor('three chunks done', async () => {
      const view = await getJob(first.apiUrl, jobId);
      return view.progress.completed >= 3 ? view : undefined;
    }, 120_000);
    first.child.kill('SIGKILL');
    expect(await first.exited()).toBeNull();

    await using second = await spawnCoordinator({ ...env, API_PORT: port });
    const restored = await getJob(second.apiUrl, jobId);
    expect(restored).toMatchObject({ state: 'PROGRESS', method: 'combinatorial', kind: 'prime-count', from: 10 ** 12, to: 10 ** 13, chunks: 8 });
    expect(restored.progress.completed).toBeGreaterThanOrEqual(before.progress.completed);
    await waitFor('the worker to reconnect', async () => ((await health(second.apiUrl)).workers === 1 ? true : undefined));
    expect(await finalView(second.apiUrl, jobId, 240_000)).toMatchObject({ state: 'SUCCESS', result: { prime_count: 308_457_624_821 } });
  });
});
