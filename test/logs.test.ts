/** What the processes say: the banner, one line per ended job, one-line errors instead of stack traces. */
import { describe, expect, test } from 'vitest';
import { networkAddresses } from '../ops/listen-urls.js';
import { spawnCoordinator, spawnEntry, spawnWorker, submitJob, followJob, tempDir, waitFor } from './support/harness.js';

type LogLine = Record<string, unknown> & { msg: string; level: number };

function logLines(output: string): LogLine[] {
  return output
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as LogLine);
}

describe('logs', () => {
  test('the banner names the page, API and docs, with network addresses when listening everywhere; every ended job gets a line', async () => {
    using data = tempDir();
    await using coordinator = await spawnCoordinator({ API_HOST: '0.0.0.0', DATA_DIR: data.path, LOG_FORMAT: 'json' });
    const banner = logLines(coordinator.output()).find((line) => line.msg.startsWith('coordinator listening'))!;
    const apiPort = new URL(coordinator.apiUrl).port;
    expect(banner.msg).toContain(`API    http://localhost:${apiPort}`);
    expect(banner.msg).toContain(`docs   http://localhost:${apiPort}/docs`);
    expect(banner.msg).toContain(`page   http://localhost:${new URL(coordinator.webUrl).port}`);
    expect(banner['networkUrls']).toEqual(networkAddresses().map((address) => `http://${address}:${apiPort}`));
    for (const url of banner['networkUrls'] as string[]) expect(banner.msg).toContain(url);

    const cancelled = await submitJob(coordinator.apiUrl, 1_000_000_000, 4);
    expect((await fetch(`${coordinator.apiUrl}/api/jobs/${cancelled}`, { method: 'DELETE' })).status).toBe(200);
    await using _worker = spawnWorker(coordinator.apiUrl, 1);
    const finished = await submitJob(coordinator.apiUrl, 1_000_000, 2);
    await followJob(coordinator.apiUrl, finished);
    const ended = await waitFor('both job lines', () => {
      const lines = logLines(coordinator.output()).filter((line) => line.msg === 'job finished' || line.msg === 'job cancelled');
      return lines.length === 2 ? lines : undefined;
    });
    expect(ended[0]).toMatchObject({ msg: 'job cancelled', jobId: cancelled, n: 1_000_000_000, completedChunks: 0, error: 'cancelled by request' });
    expect(ended[1]).toMatchObject({ msg: 'job finished', jobId: finished, kind: 'sieve-count', n: 1_000_000, chunks: 2, prime_count: 78_498 });
    for (const line of ended) expect(line['durationSec']).toBeGreaterThanOrEqual(0);
  });

  test('a busy port is one line naming the port and the setting, exit 1', async () => {
    using data = tempDir();
    await using first = await spawnCoordinator({ DATA_DIR: data.path });
    using data2 = tempDir();
    await using second = spawnEntry('coordinator/main.ts', [], {
      API_HOST: '127.0.0.1',
      API_PORT: new URL(first.apiUrl).port,
      WEB_PORT: '0',
      DATA_DIR: data2.path,
      LOG_FORMAT: 'pretty',
    });
    expect(await second.exited()).toBe(1);
    const lines = second.output().trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(`port ${new URL(first.apiUrl).port} on 127.0.0.1 is already in use: stop the other process or set API_PORT to another port`);
  });

  test('a worker says why it cannot reach the coordinator, once per reason, and refuses a bad option with its usage', async () => {
    await using worker = spawnWorker('http://127.0.0.1:9', 1, { LOG_FORMAT: 'json' });
    const warning = await waitFor('a connection warning', () =>
      logLines(worker.output()).find((line) => line.msg.startsWith('cannot reach the coordinator')),
    );
    expect(warning).toMatchObject({ level: 40, reason: 'connect ECONNREFUSED 127.0.0.1:9', url: 'http://127.0.0.1:9' });
    expect(warning.msg).toBe('cannot reach the coordinator at http://127.0.0.1:9: connect ECONNREFUSED 127.0.0.1:9; retrying');
    await using bad = spawnEntry('client/node/main.ts', ['--frobnicate'], {});
    expect(await bad.exited()).toBe(2);
    expect(bad.output()).toMatch(/^Unknown option '--frobnicate'.*\nusage: worker \[--url/);
    expect(bad.output()).not.toMatch(/\n\s+at /);
    expect(logLines(worker.output()).filter((line) => line.msg.startsWith('cannot reach'))).toHaveLength(1);
  });
});
