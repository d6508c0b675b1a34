/**
 * Pages that ask and never read: a coordinator process under 20 sockets that send job:watch
 * 150 times a second for 10 s without reading a byte. Its memory is measured from outside
 * (resident set of the process), the slow sockets must be dropped, and it must stay healthy.
 */
import { readFileSync } from 'node:fs';
import { expect, test } from 'vitest';
import { connectNonReading, type NonReadingClient } from './support/non-reading-client.js';
import {
  connectSocket,
  health,
  spawnCoordinator,
  spawnWorker,
  startTestCoordinator,
  submitJob,
  tempDir,
  waitFor,
} from './support/harness.js';

const SOCKETS = 20;
const WATCHES_PER_SECOND = 150;
const ATTACK_MS = 10_000;
const MAX_ATTACK_MS = 30_000;

function residentBytes(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8')
    .split('\n')
    .find((text) => text.startsWith('VmRSS:'));
  return Number(/(\d+)/.exec(line ?? '')?.[1] ?? NaN) * 1024;
}

async function droppedSlowReaders(apiUrl: string): Promise<number> {
  const metrics = await (await fetch(`${apiUrl}/metrics`)).text();
  const line = metrics.split('\n').find((text) => text.startsWith('dpc_sockets_dropped_total{reason="slow_reader"}'));
  return line === undefined ? 0 : Number(line.split(' ').at(-1));
}

test('job:watch sends the snapshot to the new watcher only, never to the rest of the room', async () => {
  await using coordinator = await startTestCoordinator();
  const jobId = await submitJob(coordinator.apiUrl, 1e9, 128);
  await using first = await connectSocket(coordinator.apiUrl);
  await using second = await connectSocket(coordinator.apiUrl);
  const seenByFirst: string[] = [];
  first.socket.onAny((event: string) => seenByFirst.push(event));
  const mapsOfSecond: unknown[] = [];
  second.socket.on('job:map', (map: unknown) => mapsOfSecond.push(map));
  // Job updates are flushed within 150 ms and swarm updates come every second: two swarm
  // updates mean every job update caused before them has been delivered.
  const swarmUpdates = () => seenByFirst.filter((event) => event === 'swarm:update').length;
  const afterTwoSwarmUpdates = async () => {
    const before = swarmUpdates();
    await waitFor('two swarm updates', () => (swarmUpdates() >= before + 2 ? true : undefined));
  };

  expect(await first.call('swarm:watch', {})).toEqual({ ok: true });
  expect(await first.call('job:watch', { jobId })).toMatchObject({ ok: true, job: { job_id: jobId, state: 'PENDING' } });
  // Its snapshot, and perhaps the update of the job's creation.
  await afterTwoSwarmUpdates();
  expect(seenByFirst).toContain('job:map');
  seenByFirst.length = 0;

  for (let i = 0; i < 50; i++) expect(await second.call('job:watch', { jobId })).toMatchObject({ ok: true });
  await waitFor('one snapshot per watch', () => (mapsOfSecond.length >= 50 ? true : undefined));
  expect(mapsOfSecond[0]).toMatchObject({ jobId, n: 1e9, inFlight: [] });
  await afterTwoSwarmUpdates();
  expect(mapsOfSecond).toHaveLength(50);
  expect(seenByFirst.filter((event) => event !== 'swarm:update')).toEqual([]);
});

test('slow readers flooding job:watch are dropped and the coordinator stays small and healthy', { timeout: 90_000 }, async () => {
  using data = tempDir();
  // Fixed units of 1e9 (the size this test was written for): the job reaches PROGRESS within a
  // unit of ~0.2 s, not after a new volunteer's first sized unit, on however loaded a machine.
  await using coordinator = await spawnCoordinator({ DATA_DIR: data.path, UNIT_SIZE: '1000000000' });
  const pid = coordinator.child.pid!;
  const jobId = await submitJob(coordinator.apiUrl, 1e12, 128);
  await using _worker = spawnWorker(coordinator.apiUrl, 1);
  await waitFor('the job to run', async () => {
    const view = (await (await fetch(`${coordinator.apiUrl}/api/jobs/${jobId}`)).json()) as { state: string };
    return view.state === 'PROGRESS' ? true : undefined;
  });
  const before = residentBytes(pid);

  const clients: NonReadingClient[] = await Promise.all(Array.from({ length: SOCKETS }, () => connectNonReading(coordinator.apiUrl)));
  let peak = before;
  try {
    // The attack lasts ATTACK_MS, longer only while some slow socket is still served (at most MAX_ATTACK_MS).
    const started = Date.now();
    let dropped = 0;
    for (let round = 0; Date.now() - started < MAX_ATTACK_MS; round++) {
      if (round % WATCHES_PER_SECOND === 0) dropped = await droppedSlowReaders(coordinator.apiUrl);
      if (Date.now() - started >= ATTACK_MS && dropped === SOCKETS) break;
      for (const client of clients) client.emit('job:watch', { jobId });
      peak = Math.max(peak, residentBytes(pid));
      await new Promise((resolve) => setTimeout(resolve, 1000 / WATCHES_PER_SECOND));
    }
    const growthMb = (peak - before) / 2 ** 20;
    console.log(
      `coordinator RSS ${(before / 2 ** 20).toFixed(0)} MB -> peak ${(peak / 2 ** 20).toFixed(0)} MB (+${growthMb.toFixed(0)} MB) ` +
        `over ${((Date.now() - started) / 1000).toFixed(1)} s; slow readers dropped: ${await droppedSlowReaders(coordinator.apiUrl)}`,
    );
    expect(growthMb).toBeLessThan(100);
    expect(await droppedSlowReaders(coordinator.apiUrl)).toBe(SOCKETS);
    await waitFor('the slow sockets to be closed', () => (clients.every((client) => client.closed) ? true : undefined), 10_000);
    expect(await health(coordinator.apiUrl)).toMatchObject({ status: 'ok', workers: 1 });
  } finally {
    for (const client of clients) await client[Symbol.asyncDispose]();
  }
});
