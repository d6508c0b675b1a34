/** A page that starts watching the swarm gets the numbers at once, not at the next periodic broadcast. */
import { pino } from 'pino';
import { expect, test } from 'vitest';
import { SwarmStatsSchema } from '../shared/protocol.js';
import { loadConfig } from '../coordinator/config.js';
import { startCoordinator } from '../coordinator/coordinator.js';
import { MemoryJobStore } from '../coordinator/store/memory-store.js';
import { connectSocket, waitFor } from './support/harness.js';

test('swarm:watch is answered with the current swarm numbers straight away', async () => {
  await using coordinator = await startCoordinator(loadConfig({ API_HOST: '127.0.0.1', API_PORT: '0' }), {
    store: new MemoryJobStore(),
    logger: pino({ level: 'silent' }),
    version: 'test',
    webRoot: undefined,
    // No periodic broadcast within the test: only the answer to the watch can arrive.
    swarmBroadcastMs: 600_000,
  });
  await using volunteer = await connectSocket(coordinator.apiUrl);
  await volunteer.call('volunteer:hello', { kind: 'node', threads: 3 });
  await using page = await connectSocket(coordinator.apiUrl);
  const updates: unknown[] = [];
  page.socket.on('swarm:update', (stats: unknown) => updates.push(stats));
  await page.call('swarm:watch', {});
  const [stats] = await waitFor('the swarm numbers', () => (updates.length > 0 ? updates : undefined), 5000);
  expect(SwarmStatsSchema.parse(stats)).toMatchObject({ volunteers: 1, threads: 3, nodes: 1, browsers: 0 });
});
