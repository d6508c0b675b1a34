/**
 * `npm start`: the coordinator plus one local headless worker with WORKER_CONCURRENCY threads
 * (default: the number of cores), as two child processes. The worker starts once the
 * coordinator answers, so a first start logs no connection warning. SIGINT or SIGTERM to this
 * process (or to its process group) stops both cleanly; when one exits on its own, the other
 * is stopped too. Both get one WORKER_TOKEN (a random one unless set), so the local worker is
 * trusted and a job never waits for a second network.
 */
import 'dotenv/config';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { loadConfigOrExit } from '../coordinator/config.js';
import { ROOT } from '../ops/build-state.js';

const config = loadConfigOrExit();
if (config.API_PORT === 0) {
  console.error('npm start needs a fixed API_PORT so that its local worker can find the coordinator');
  process.exit(2);
}
const coordinatorUrl = `http://127.0.0.1:${config.API_PORT}`;
const READY_TIMEOUT_MS = 60_000;

/** The environment of both children: the one place to add a setting they share. */
const childEnv: NodeJS.ProcessEnv = {
  ...process.env,
  WORKER_TOKEN: config.WORKER_TOKEN ?? randomBytes(24).toString('base64url'),
};

const children: ChildProcess[] = [];
const exits: Promise<number | null>[] = [];
function run(entry: string, args: string[] = []): ChildProcess {
  // The IPC channel tells a child when this process is gone, even after a SIGKILL: it stops.
  const child = spawn(process.execPath, ['--import', 'tsx', entry, ...args], {
    cwd: ROOT,
    stdio: ['inherit', 'inherit', 'inherit', 'ipc'],
    env: childEnv,
  });
  children.push(child);
  exits.push(once(child, 'exit').then(([code]) => code as number | null));
  return child;
}
const isRunning = (child: ChildProcess) => child.exitCode === null && child.signalCode === null;

let stopSignal: NodeJS.Signals | undefined;
function stopAll(signal: NodeJS.Signals): void {
  for (const child of children) if (isRunning(child)) child.kill(signal);
}
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    stopSignal ??= signal;
    stopAll(signal);
  });
}

const coordinator = run('coordinator/main.ts');
if (await coordinatorAnswers(coordinator)) run('client/node/main.ts', ['--url', coordinatorUrl]);

const firstExit = await Promise.race(exits);
stopAll('SIGTERM');
await Promise.all(exits);
// A requested stop exits 0; a child that ended on its own makes `npm start` fail.
process.exit(stopSignal !== undefined ? 0 : (firstExit || 1));

/** Polls /health until the coordinator answers; false when it exits first or a stop was asked. */
async function coordinatorAnswers(child: ChildProcess): Promise<boolean> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (!isRunning(child) || stopSignal !== undefined) return false;
    try {
      if ((await fetch(`${coordinatorUrl}/health`, { signal: AbortSignal.timeout(1000) })).ok) return true;
    } catch {
      // Not listening yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  console.error(`the coordinator did not answer on ${coordinatorUrl} within ${READY_TIMEOUT_MS / 1000} s`);
  stopAll('SIGTERM');
  return false;
}
