/**
 * The coordinator's message limit against the largest legitimate message: a combinatorial hard
 * unit's result at n = 10^18 (the default MAX_N). With the earlier 64 KB limit the coordinator
 * closed the connection on such a result, the volunteer reconnected, got the unit again and
 * pi(10^18) never finished.
 */
import { expect, test } from 'vitest';
import { combinatorialParams, planOf } from '../shared/kinds/combinatorial/job-kind.js';
import { computeUnit } from '../shared/kinds/combinatorial/compute-unit.js';
import { loadCombinatorialKernel } from '../shared/kinds/combinatorial/wasm-kernel.js';
import { MAX_MESSAGE_BYTES } from '../shared/protocol.js';
import { connectSocket, startTestCoordinator } from './support/harness.js';

test('a hard unit result of pi(10^18) reaches the coordinator over a real socket', { timeout: 120_000 }, async () => {
  const plan = planOf(combinatorialParams(10n ** 18n, 128));
  // The third hard unit is among the widest: its per-b vectors cover every b below sqrt(z).
  const descriptor = plan.units.filter((unit) => unit.part === 'hard')[2]!;
  const result = computeUnit(await loadCombinatorialKernel(), descriptor);
  const bytes = JSON.stringify(result).length;
  expect(bytes).toBeGreaterThan(100 * 1024);
  // Room to spare for n up to 2^63 - 1 (427 KB measured there).
  expect(bytes).toBeLessThan(MAX_MESSAGE_BYTES / 2);

  await using coordinator = await startTestCoordinator();
  await using client = await connectSocket(coordinator.apiUrl);
  expect(await client.call('volunteer:hello', { kind: 'node', threads: 1, kinds: ['combinatorial'] })).toMatchObject({ ok: true });
  // A lease id nobody holds: the result is read, parsed and ignored, and the connection stays.
  const ack = await client.call('lease:result', { leaseId: 'not-a-lease-of-anyone', result, elapsedMs: 1000 });
  expect(ack).toEqual({ ok: true, accepted: false });
  expect(client.socket.connected).toBe(true);
});
