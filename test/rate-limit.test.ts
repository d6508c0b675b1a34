/**
 * A socket that sends lease requests faster than the coordinator's per-socket rate is told
 * "throttled" for the excess, alone or in a result's `next`, and keeps its connection.
 */
import { expect, test } from 'vitest';
import { connectSocket, spawnCoordinator, TEST_WORKER_TOKEN } from './support/harness.js';

/** Above the per-socket burst (400 messages): the excess is refused. */
const REQUESTS = 450;

test('lease requests past the per-socket burst are answered throttled, and the socket stays connected', async () => {
  await using coordinator = await spawnCoordinator({});
  await using client = await connectSocket(coordinator.apiUrl);
  expect(await client.call('volunteer:hello', { kind: 'node', threads: 1, token: TEST_WORKER_TOKEN })).toMatchObject({ ok: true });
  const answers = (await Promise.all(
    Array.from({ length: REQUESTS }, () => client.call('lease:request', { slots: 1 })),
  )) as { ok: boolean; leases?: unknown[]; error?: unknown }[];
  const refused = answers.filter((answer) => !answer.ok);
  expect(refused.length).toBeGreaterThan(0);
  expect(refused.length).toBeLessThan(REQUESTS);
  expect(new Set(refused.map((answer) => JSON.stringify(answer)))).toEqual(
    new Set([JSON.stringify({ ok: false, error: { code: 'throttled', message: 'too many requests; slow down' } })]),
  );
  expect(answers.filter((answer) => answer.ok).every((answer) => Array.isArray(answer.leases) && answer.leases.length === 0)).toBe(true);

  // A result's `next` is one lease request: past the burst it is refused on its own, while
  // the result itself is answered (here: an unknown lease, ignored).
  const withNext = (await Promise.all(
    Array.from({ length: REQUESTS }, () => client.call('lease:result', { leaseId: 'no-such-lease', count: 1, next: { slots: 1 } })),
  )) as { ok: boolean; accepted: boolean; next: { ok: boolean } }[];
  expect(withNext.every((answer) => answer.ok && !answer.accepted)).toBe(true);
  const nextRefused = withNext.filter((answer) => !answer.next.ok);
  expect(nextRefused.length).toBeGreaterThan(0);
  expect(nextRefused[0]).toEqual({ ok: true, accepted: false, next: { ok: false, error: { code: 'throttled', message: 'too many requests; slow down' } } });
  expect(client.socket.connected).toBe(true);
});
