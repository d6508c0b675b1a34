/**
 * `npm start`: the coordinator plus one local headless worker with WORKER_CONCURRENCY threads
 * (default: the number of cores), as two child processes. A signal is passed to both; when
 * one exits on its own, the other is stopped too. Both get one WORKER_TOKEN (a random one
 * unless set), so the local worker is trusted and a job never waits for a second network.
 */
import 'dotenv/config';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { loadConfigOrExit } from '../coordinator/config.js';

const config = loadConfigOrExit();
const tsx = ['--import', 'tsx'];
if (config.API_PORT === 0) {
  console.error('npm start needs a fixed API_PORT so that its local worker can find the coordinator');
  process.exit(2);
}
const coordinatorUrl = `http://127.0.0.1:${config.API_PORT}`;
const env = { ...process.env, WORKER_TOKEN: config.WORKER_TOKEN ?? randomBytes(24).toString('base64url') };

const children: ChildProcess[] = [
  spawn(process.execPath, [...tsx, 'coordinator/main.ts'], { stdio: 'inherit', env }),
  spawn(process.execPath, [...tsx, 'client/node/main.ts', '--url', coordinatorUrl], {
    stdio: 'inherit',
    env,
  }),
];

let signalled = false;
function stopAll(signal: NodeJS.Signals): void {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill(signal);
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    signalled = true;
    stopAll(signal);
  });
}

const firstExit = await Promise.race(children.map(async (child) => (await once(child, 'exit'))[0] as number | null));
stopAll('SIGTERM');
await Promise.all(children.filter((c) => c.exitCode === null && c.signalCode === null).map((c) => once(c, 'exit')));
// A child that died on its own makes `npm start` fail; a requested stop exits 0.
process.exit(firstExit ?? (signalled ? 0 : 1));
