/** The prime-counter CLI end to end: a real coordinator on port 0, a real worker, the CLI as its own process. */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { describe, expect, test } from 'vitest';
import { JobViewSchema } from '../shared/api.js';
import { ROOT, spawnWorker, startTestCoordinator, waitFor } from './support/harness.js';

interface CliRun {
  stdout(): string;
  stderr(): string;
  exited: Promise<number | null>;
}

function cli(args: string[], command: string[] = [process.execPath, 'bin/prime-counter.mjs']): CliRun {
  const child = spawn(command[0]!, [...command.slice(1), ...args], {
    cwd: ROOT,
    // No COORDINATOR_URL or API_TOKEN from the developer's environment.
    env: { ...process.env, COORDINATOR_URL: '', API_TOKEN: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (data: Buffer) => (stdout += data.toString()));
  child.stderr.on('data', (data: Buffer) => (stderr += data.toString()));
  return { stdout: () => stdout, stderr: () => stderr, exited: once(child, 'exit').then(([code]) => code as number | null) };
}

describe('prime-counter', () => {
  test('count --json prints the finished job with the exact count and exits 0; piped, it prints plain lines', async () => {
    await using coordinator = await startTestCoordinator({ UNIT_SIZE: '2000000' });
    await using _worker = spawnWorker(coordinator.apiUrl, 2);
    const json = cli(['count', '10_000_000', '--chunks', '4', '--json', '--url', coordinator.apiUrl]);
    expect(await json.exited).toBe(0);
    const view = JobViewSchema.parse(JSON.parse(json.stdout()));
    expect(view).toMatchObject({ state: 'SUCCESS', n: 10_000_000, chunks: 4, progress: { completed: 4, total: 4 }, result: { prime_count: 664_579 } });
    expect(json.stdout().trim().split('\n')).toHaveLength(1);

    const plain = cli(['count', '1e8', '--url', coordinator.apiUrl]);
    expect(await plain.exited).toBe(0);
    const lines = plain.stdout().trim().split('\n');
    expect(lines.at(-1)).toMatch(/^5,761,455 primes up to 100,000,000 \(.+, job [0-9a-f-]{36}\)$/);
    expect(plain.stdout()).not.toContain('\u001b[');
  });

  test('a job cancelled while the CLI follows it exits 1', async () => {
    await using coordinator = await startTestCoordinator();
    const run = cli(['count', '1000000000', '--json', '--url', coordinator.apiUrl]);
    const jobId = await waitFor('the job to be submitted', () => coordinator.domain.jobs.keys().next().value);
    const cancel = cli(['cancel', jobId, '--url', coordinator.apiUrl]);
    expect(await cancel.exited).toBe(0);
    expect(cancel.stdout()).toContain(`job ${jobId} cancelled`);
    expect(await run.exited).toBe(1);
    expect(JSON.parse(run.stdout())).toMatchObject({ job_id: jobId, state: 'REVOKED', error: 'cancelled by request' });
    // Cancelling again: the coordinator refuses (409), a message and no stack trace.
    const again = cli(['cancel', jobId, '--url', coordinator.apiUrl]);
    expect(await again.exited).toBe(3);
    expect(again.stderr().trim()).toBe(`job ${jobId} has already ended in REVOKED`);
  });

  test('usage errors exit 2 with the usage; so does a request the coordinator refuses as invalid', async () => {
    await using coordinator = await startTestCoordinator();
    const unknown = cli(['count', '1e6', '--bogus', '--url', coordinator.apiUrl]);
    expect(await unknown.exited).toBe(2);
    expect(unknown.stderr()).toContain("Unknown option '--bogus'");
    expect(unknown.stderr()).toContain('usage:\n  prime-counter count N');
    for (const args of [['count'], ['count', 'ten'], ['frobnicate'], ['watch'], ['count', '1e6', '--url', 'ftp://x']]) {
      const run = cli(args);
      expect({ args, code: await run.exited }).toEqual({ args, code: 2 });
      expect(run.stderr()).toContain('usage:');
      expect(run.stderr()).not.toMatch(/\n\s+at /);
    }
    const refused = cli(['count', '1e6', '--method', 'meissel', '--url', coordinator.apiUrl]);
    expect(await refused.exited).toBe(2);
    expect(refused.stderr()).toContain('method: method must be one of "auto", "sieve", "combinatorial"');
    expect(coordinator.domain.jobs.size).toBe(0);
  });

  test('an unreachable coordinator exits 3 with the reason', async () => {
    await using coordinator = await startTestCoordinator();
    const url = coordinator.apiUrl;
    await coordinator.close();
    const run = cli(['jobs', '--url', url]);
    expect(await run.exited).toBe(3);
    expect(run.stderr().trim()).toMatch(new RegExp(`^cannot reach the coordinator at ${url}: .*ECONNREFUSED`));
  });

  test('npx prime-counter runs the bin of this package', async () => {
    const run = cli(['--help'], ['npx', '--no-install', 'prime-counter']);
    expect(await run.exited).toBe(0);
    expect(run.stdout()).toContain('prime-counter count N');
  });
});
