/**
 * Long units on the wire: a unit's progress travels by heartbeat into the page's range map,
 * and a worker keeps its next unit in hand while it computes (threads + 1 leases).
 */
import { expect, test } from 'vitest';
import type { ComputePool } from '../client/volunteer.js';
import { RangeMapSchema, type RangeMap } from '../shared/protocol.js';
import { connectSocket, spawnWorker, startTestCoordinator, submitJob, TEST_WORKER_TOKEN, waitFor } from './support/harness.js';
import { countSieveUnit, socketVolunteer } from './support/volunteers.js';

test("a long unit's heartbeat progress moves the range map before its count is in", async () => {
  // Heartbeats every 333 ms (a third of the lease timeout).
  await using coordinator = await startTestCoordinator({ LEASE_TIMEOUT: '1s' });
  let finish: () => void = () => {};
  const finished = new Promise<void>((resolve) => (finish = resolve));
  // Half done at once, then held until the test lets it finish.
  const pool: ComputePool = {
    compute: async (_kind, unit, _signal, onProgress) => {
      onProgress?.(0.5);
      await finished;
      return countSieveUnit(unit);
    },
    resize: () => {},
    close: async () => {},
  };
  const jobId = await submitJob(coordinator.apiUrl, 1_000_000, 1);
  await using page = await connectSocket(coordinator.apiUrl);
  const maps: RangeMap[] = [];
  page.socket.on('job:map', (payload: unknown) => maps.push(RangeMapSchema.parse(payload)));
  await page.call('job:watch', { jobId });
  await using volunteer = socketVolunteer(coordinator.apiUrl, { localAddress: '127.0.0.1', pool, name: 'slow', token: TEST_WORKER_TOKEN });
  // The whole job is one unit (one chunk, far under a unit's time): half of it computed, none accepted.
  const halfway = await waitFor('the map to show the unit half computed', () => maps.find((map) => map.chunks[0]!.done > 0), 10_000);
  expect(halfway.chunks).toEqual([{ lo: 1, hi: 1_000_000, done: 500_000, complete: false }]);
  expect(halfway.inFlight).toEqual([{ lo: 1, hi: 1_000_000 }]);
  expect(coordinator.domain.jobs.get(jobId)!.completedChunks).toBe(0);
  finish();
  const done = await waitFor('the map to show the chunk complete', () => maps.find((map) => map.chunks[0]!.complete), 10_000);
  expect(done.chunks).toEqual([{ lo: 1, hi: 1_000_000, done: 1_000_000, complete: true }]);
  expect(volunteer.errors).toEqual([]);
});

test('a worker process keeps one unit in hand beyond its threads while it computes', async () => {
  // Fixed units of 2e9 numbers up to 1e11: fifty of them, each far longer than a round trip
  // and than the batching threshold (a volunteer whose units take under 0.2 s keeps up to 16
  // in hand; units of 2e8 took about 50 ms on a fast machine, and the worker held 11).
  await using coordinator = await startTestCoordinator({ UNIT_SIZE: '2000000000' });
  const jobId = await submitJob(coordinator.apiUrl, 1e11, 1);
  await using worker = spawnWorker(coordinator.apiUrl, 2);
  let most = 0;
  // Once it has reported units (measured, past its first two leases), it holds 2 threads + 1.
  await waitFor(
    'the worker to hold three leases after reporting',
    () => {
      const [volunteer] = coordinator.domain.volunteers.values();
      if (!volunteer) return undefined;
      most = Math.max(most, volunteer.leases.size);
      return volunteer.unitsCompleted >= 2 && volunteer.leases.size === 3 ? true : undefined;
    },
    60_000,
    5,
  );
  expect(most).toBe(3);
  expect(worker.output()).not.toContain('failed');
  await fetch(`${coordinator.apiUrl}/api/jobs/${jobId}`, { method: 'DELETE' });
});
