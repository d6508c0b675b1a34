/**
 * `npm start`: the coordinator plus one local headless worker with WORKER_CONCURRENCY threads
 * (default: the number of cores), as two child processes. A signal is passed to both; when
 * one exits on its own, the other is stopped too.
 */
import 'dotenv/config';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { loadConfig } from '../coordinator/config.js';

const config = loadConfig();
const tsx = ['--import', 'tsx'];
const apiPort = config.API_PORT === 0 ? 8000 : config.API_PORT;
const coordinatorUrl = `http://127.0.0.1:${apiPort}`;

const children: ChildProcess[] = [
  spawn(process.execPath, [...tsx, 'coordinator/main.ts'], {
    stdio: 'inherit',
    env: { ...process.env, API_PORT: String(apiPort) },
  }),
  spawn(process.execPath, [...tsx, 'client/node/main.ts', '--url', coordinatorUrl], {
    stdio: 'inherit',
    env: process.env,
  }),
];

let stopping = false;
function stopAll(signal: NodeJS.Signals): void {
  if (stopping) return;
  stopping = true;
  for (const child of children) if (child.exitCode === null) child.kill(signal);
}

process.on('SIGINT', () => stopAll('SIGINT'));
process.on('SIGTERM', () => stopAll('SIGTERM'));

const firstExit = await Promise.race(children.map(async (child) => (await once(child, 'exit'))[0] as number | null));
stopAll('SIGTERM');
await Promise.all(children.filter((c) => c.exitCode === null && c.signalCode === null).map((c) => once(c, 'exit')));
process.exit(stopping && firstExit === null ? 0 : (firstExit ?? 0));
