/**
 * The one-file worker as another machine gets it: downloaded from the coordinator's
 * /worker.mjs into an empty folder, run with plain `node`, no node_modules anywhere near.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, expect, test } from 'vitest';
import { BuildPart, ensureBuilt } from '../ops/build-state.js';
import { followJob, ROOT, spawnCoordinator, submitJob, tempDir, TEST_WORKER_TOKEN } from './support/harness.js';

beforeAll(() => ensureBuilt([BuildPart.Bundles]), 180_000);

test('worker.mjs from /worker.mjs, alone in an empty folder, finishes a job with the exact count', async () => {
  using data = tempDir();
  using machine = tempDir();
  await using coordinator = await spawnCoordinator({ DATA_DIR: data.path, UNIT_SIZE: '5000000' });

  const download = await fetch(`${coordinator.apiUrl}/worker.mjs`);
  expect(download.status).toBe(200);
  expect(download.headers.get('content-type')).toMatch(/^text\/javascript/);
  const script = Buffer.from(await download.arrayBuffer());
  expect(script.equals(readFileSync(path.join(ROOT, 'dist', 'worker.mjs')))).toBe(true);
  expect(script.toString()).not.toContain('better-sqlite3');
  writeFileSync(path.join(machine.path, 'worker.mjs'), script);
  expect(readdirSync(machine.path)).toEqual(['worker.mjs']);

  const worker = spawn(process.execPath, ['worker.mjs', '--url', coordinator.apiUrl, '--concurrency', '2'], {
    cwd: machine.path,
    // Nothing of this checkout is visible to it: no NODE_PATH, no loader options.
    env: { PATH: process.env['PATH'] ?? '', LOG_FORMAT: 'json', WORKER_TOKEN: TEST_WORKER_TOKEN },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  worker.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  worker.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = once(worker, 'exit');
  try {
    const jobId = await submitJob(coordinator.apiUrl, 100_000_000, 8);
    const final = (await followJob(coordinator.apiUrl, jobId)).at(-1);
    expect(final).toMatchObject({ state: 'SUCCESS', result: { prime_count: 5_761_455 } });
    expect(output).toContain('"msg":"connected to');
    expect(output).not.toContain('falling back to the JS kernel');
    worker.kill('SIGTERM');
    expect((await exited)[0]).toBe(0);
  } finally {
    if (worker.exitCode === null && worker.signalCode === null) worker.kill('SIGKILL');
  }
});
