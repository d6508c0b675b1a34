/**
 * A pause ends settled: once `pause()` resolves, the volunteer holds nothing, here or at the
 * coordinator, and reports nothing more. The page shows "paused" from that moment, so a result
 * sent later would count a unit to a tab that says it stopped.
 */
import { setImmediate as nextMacrotask } from 'node:timers/promises';
import { io } from 'socket.io-client';
import { expect, test } from 'vitest';
import { Volunteer, type ComputePool, type VolunteerSocket } from '../client/volunteer.js';
import type { JsonValue } from '../shared/kinds/job-kind.js';
import { startTestCoordinator, submitJob, TEST_WORKER_TOKEN, waitFor } from './support/harness.js';
import { countSieveUnit } from './support/volunteers.js';

/** A pool whose computations end when the test says so, whether aborted or not (a thread's answer can cross the abort). */
function poolFinishedByHand(): ComputePool & { started: { finish: () => void }[] } {
  const started: { finish: () => void }[] = [];
  return {
    started,
    compute: (_kind: string, unit: JsonValue) =>
      new Promise<JsonValue>((resolve) => started.push({ finish: () => resolve(countSieveUnit(unit)) })),
    resize: () => {},
    close: async () => {},
  };
}

test('a unit that finishes as the pause begins is given back, and nothing is reported once pause() resolves', async () => {
  await using coordinator = await startTestCoordinator({ UNIT_SIZE: '10000' });
  const socket: VolunteerSocket = io(coordinator.apiUrl, { transports: ['websocket'], forceNew: true, reconnection: false });
  let settled = false;
  const reportsAfterPause: unknown[] = [];
  socket.onAnyOutgoing((event: string, payload: unknown) => {
    if (settled && event === 'lease:result') reportsAfterPause.push(payload);
  });
  const pool = poolFinishedByHand();
  const volunteer = new Volunteer({ socket, pool, kind: 'node', threads: 1, token: TEST_WORKER_TOKEN, idlePollMs: 60_000 });
  await using _stopped = { [Symbol.asyncDispose]: () => volunteer.stop() };
  await waitFor('the volunteer to say hello', () => (coordinator.domain.volunteers.size === 1 ? true : undefined));
  await submitJob(coordinator.apiUrl, 100_000, 1);
  // One thread and one unit in hand.
  await waitFor('two units started', () => (pool.started.length === 2 ? true : undefined));

  pool.started[0]!.finish();
  await waitFor('the first unit counted', () => (volunteer.stats.unitsCompleted === 1 ? true : undefined));
  await waitFor('another unit started in its place', () => (pool.started.length >= 3 ? true : undefined));
  pool.started[1]!.finish();
  await volunteer.pause();
  settled = true;

  expect(volunteer.stats.status).toBe('paused');
  expect(volunteer.stats.leases).toEqual([]);
  expect(volunteer.stats.unitsCompleted).toBe(1);
  expect(coordinator.domain.volunteers.values().next().value?.leases.size).toBe(0);
  // What is still computing ends now; its answers are dropped within the turn they arrive.
  for (const computation of pool.started) computation.finish();
  await nextMacrotask();
  expect(reportsAfterPause).toEqual([]);
  expect(volunteer.stats.unitsCompleted).toBe(1);
  expect(volunteer.stats.status).toBe('paused');
});
