/**
 * Stopping what `npm run worker` and `npm start` started, the way a process manager or a
 * terminal does: a signal to the pid npm has, or to its whole process group. Each npm runs in
 * a process group of its own, so "nothing left running" is checked by that group's id.
 */
import { execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { describe, expect, test } from 'vitest';
import { holdOneUnit, ROOT, startTestCoordinator, submitJob, tempDir, waitFor } from './support/harness.js';

interface NpmRun extends AsyncDisposable {
  pid: number;
  output(): string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

function npmRun(script: string, args: string[], env: Record<string, string>): NpmRun {
  const child = spawn('npm', ['run', '--silent', script, ...(args.length > 0 ? ['--', ...args] : [])], {
    cwd: ROOT,
    env: { ...process.env, LOG_LEVEL: 'info', LOG_FORMAT: 'json', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let output = '';
  child.stdout.on('data', (data: Buffer) => (output += data.toString()));
  child.stderr.on('data', (data: Buffer) => (output += data.toString()));
  const exited = once(child, 'exit').then(([code, signal]) => ({ code: code as number | null, signal: signal as NodeJS.Signals | null }));
  const pid = child.pid!;
  return {
    pid,
    output: () => output,
    exited,
    async [Symbol.asyncDispose]() {
      if (groupAlive(pid)) process.kill(-pid, 'SIGKILL');
      await exited;
    },
  };
}

/** Whether any process of the group is left (signal 0 checks without sending). */
function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
}

function expectCleanExit(exit: { code: number | null; signal: NodeJS.Signals | null }, signal: NodeJS.Signals): void {
  const signalCode = 128 + (signal === 'SIGTERM' ? 15 : 2);
  expect([0, signalCode, signal]).toContain(exit.code ?? exit.signal);
}

async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('signals', () => {
  test('SIGTERM to the pid of `npm run worker`: leases back, nothing of it left, a clean exit', async () => {
    await using coordinator = await startTestCoordinator({ UNIT_SIZE: '50000000' });
    await submitJob(coordinator.apiUrl, 2_000_000_000, 4);
    await using held = await holdOneUnit(coordinator.apiUrl);
    await using worker = npmRun('worker', ['--url', coordinator.apiUrl, '--concurrency', '2'], {});
    await waitFor('the worker to hold leases', () => (coordinator.domain.leases.size > 1 ? true : undefined), 60_000);

    process.kill(worker.pid, 'SIGTERM');
    expectCleanExit(await worker.exited, 'SIGTERM');
    await waitFor('no process of the group left', () => (groupAlive(worker.pid) ? undefined : true), 10_000);
    await waitFor('the leases back', () => (coordinator.domain.leases.size === 1 ? true : undefined), 10_000);
    expect([...coordinator.domain.leases.keys()]).toEqual([held.leaseId]);
    expect(coordinator.domain.volunteers.size).toBe(1);
    expect(worker.output()).toContain('giving leases back');
  });

  test('SIGTERM to the pid of `npm run coordinator`: it shuts down, nothing of it left, a clean exit', async () => {
    using data = tempDir();
    const port = await freePort();
    await using coordinator = npmRun('coordinator', [], { API_HOST: '127.0.0.1', API_PORT: String(port), WEB_PORT: '0', DATA_DIR: data.path });
    await waitFor('the coordinator to answer', () => fetch(`http://127.0.0.1:${port}/health`).then((r) => (r.ok ? true : undefined), () => undefined), 60_000);
    process.kill(coordinator.pid, 'SIGTERM');
    expectCleanExit(await coordinator.exited, 'SIGTERM');
    await waitFor('no process of the group left', () => (groupAlive(coordinator.pid) ? undefined : true), 10_000);
    expect(coordinator.output()).toContain('SIGTERM: shutting down');
  });

  const startCases: { how: string; signal: NodeJS.Signals; toGroup: boolean }[] = [
    { how: 'SIGTERM to the pid of `npm start`', signal: 'SIGTERM', toGroup: false },
    { how: 'SIGINT to the process group of `npm start` (Ctrl-C)', signal: 'SIGINT', toGroup: true },
  ];
  for (const { how, signal, toGroup } of startCases) {
    test(`${how}: the worker gives its leases back, both stop, nothing left`, async () => {
      using data = tempDir();
      const port = await freePort();
      const apiUrl = `http://127.0.0.1:${port}`;
      await using started = npmRun('start', [], {
        API_HOST: '127.0.0.1',
        API_PORT: String(port),
        WEB_PORT: '0',
        DATA_DIR: data.path,
        UNIT_SIZE: '50000000',
        WORKER_CONCURRENCY: '1',
      });
      await waitFor('the local worker to join', async () => {
        const health = await fetch(`${apiUrl}/health`).then((r) => r.json() as Promise<{ workers: number }>, () => undefined);
        return health?.workers === 1 ? true : undefined;
      }, 60_000);
      await submitJob(apiUrl, 4_000_000_000, 4);
      await waitFor('a unit in flight', async () => {
        const metrics = await (await fetch(`${apiUrl}/metrics`)).text();
        return /^dpc_leases_in_flight [1-9]/m.test(metrics) ? true : undefined;
      });

      process.kill(toGroup ? -started.pid : started.pid, signal);
      expectCleanExit(await started.exited, signal);
      await waitFor('no process of the group left', () => (groupAlive(started.pid) ? undefined : true), 10_000);
      const output = started.output();
      expect(output).toContain('giving leases back');
      expect(output).toContain('shutting down');
      expect(output).not.toContain('cannot reach the coordinator');
    });
  }

  // SIGKILL cannot be passed on: what was started must notice by itself.
  const killCases: { who: string; victim: (npmPid: number) => number; says: string }[] = [
    { who: 'npm itself', victim: (npmPid) => npmPid, says: 'SIGTERM: shutting down' },
    { who: "npm start's launcher", victim: (npmPid) => childPids(npmPid)[0]!, says: 'the parent process exited: shutting down' },
  ];
  for (const { who, victim, says } of killCases) {
    test(`SIGKILL to ${who}: the coordinator and the worker still stop cleanly`, async () => {
      using data = tempDir();
      const port = await freePort();
      await using started = npmRun('start', [], {
        API_HOST: '127.0.0.1',
        API_PORT: String(port),
        WEB_PORT: '0',
        DATA_DIR: data.path,
        WORKER_CONCURRENCY: '1',
      });
      await waitFor('the local worker to join', async () => {
        const health = await fetch(`http://127.0.0.1:${port}/health`).then((r) => r.json() as Promise<{ workers: number }>, () => undefined);
        return health?.workers === 1 ? true : undefined;
      }, 60_000);
      process.kill(victim(started.pid), 'SIGKILL');
      await waitFor('no process of the group left', () => (groupAlive(started.pid) ? undefined : true), 20_000);
      expect(started.output()).toContain(says);
      expect(started.output()).toContain('giving leases back');
    });
  }
});

function childPids(pid: number): number[] {
  return execFileSync('ps', ['-o', 'pid=', '--ppid', String(pid)], { encoding: 'utf8' })
    .split('\n')
    .map((line) => Number(line.trim()))
    .filter((child) => child > 0);
}
