/**
 * Disposable test resources: a real coordinator on port 0 (in this process, or as its own
 * process), real worker processes, and a polling wait with a deadline.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import { io, type Socket } from 'socket.io-client';
import type { JobView } from '../../shared/api.js';
import { loadConfig } from '../../coordinator/config.js';
import { startCoordinator, type RunningCoordinator } from '../../coordinator/coordinator.js';
import type { JobStore } from '../../coordinator/store/job-store.js';
import { MemoryJobStore } from '../../coordinator/store/memory-store.js';

export const ROOT = path.resolve(import.meta.dirname, '..', '..');

/** Polls `probe` until it returns a value other than undefined, or fails after `timeoutMs`. */
export async function waitFor<T>(
  what: string,
  probe: () => T | undefined | Promise<T | undefined>,
  timeoutMs = 30_000,
  intervalMs = 25,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

/** The WORKER_TOKEN of the coordinators tests start: the worker processes they start are trusted. */
export const TEST_WORKER_TOKEN = 'test-worker-token-not-a-secret';

export async function startTestCoordinator(
  env: Record<string, string> = {},
  store: JobStore = new MemoryJobStore(),
): Promise<RunningCoordinator> {
  // This process also runs the tests (and the machine may be busy): it never sheds unless asked.
  const config = loadConfig({ API_HOST: '127.0.0.1', API_PORT: '0', WORKER_TOKEN: TEST_WORKER_TOKEN, SHED_LAG: '0', ...env });
  return startCoordinator(config, {
    store,
    logger: pino({ level: process.env['TEST_LOG_LEVEL'] ?? 'silent' }),
    version: 'test',
    webRoot: undefined,
  });
}

export interface ChildHandle extends AsyncDisposable {
  child: ChildProcess;
  output(): string;
  /** Waits for the process to exit; returns its exit code (null when killed by a signal). */
  exited(): Promise<number | null>;
}

/** Any of our TypeScript entry points as its own process. */
export function spawnEntry(entry: string, args: string[], env: Record<string, string>, nodeArgs: string[] = []): ChildHandle {
  const child = spawn(process.execPath, [...nodeArgs, '--import', 'tsx', entry, ...args], {
    cwd: ROOT,
    env: { ...process.env, LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (data: Buffer) => (output += data.toString()));
  child.stderr?.on('data', (data: Buffer) => (output += data.toString()));
  const exit = once(child, 'exit').then(([code]) => code as number | null);
  return {
    child,
    output: () => output,
    exited: () => exit,
    async [Symbol.asyncDispose]() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exit;
    },
  };
}

/** A real headless worker process (the `npm run worker` entry), trusted unless `env` sets WORKER_TOKEN otherwise. */
export function spawnWorker(url: string, concurrency = 1, env: Record<string, string> = {}): ChildHandle {
  return spawnEntry('client/node/main.ts', ['--url', url, '--concurrency', String(concurrency)], {
    WORKER_TOKEN: TEST_WORKER_TOKEN,
    ...env,
  });
}

export interface CoordinatorProcess extends ChildHandle {
  apiUrl: string;
  webUrl: string;
}

/**
 * The coordinator as its own process (`npm run coordinator`), for crash tests and the
 * browser tests; resolves once it listens, fails at once if it exits first.
 */
export async function spawnCoordinator(env: Record<string, string>, nodeArgs: string[] = []): Promise<CoordinatorProcess> {
  const handle = spawnEntry(
    'coordinator/main.ts',
    [],
    // Tests do not depend on speed: a busy machine must not make the coordinator shed requests.
    { API_HOST: '127.0.0.1', API_PORT: '0', WEB_PORT: '0', WORKER_TOKEN: TEST_WORKER_TOKEN, SHED_LAG: '0', ...env },
    nodeArgs,
  );
  let exitCode: number | null | undefined;
  void handle.exited().then((code) => (exitCode = code));
  const urls = await waitFor('the coordinator to listen', () => {
    if (exitCode !== undefined) throw new Error(`the coordinator exited with ${exitCode}:\n${handle.output()}`);
    const line = handle.output().split('\n').find((text) => text.includes('coordinator listening'));
    return line === undefined ? undefined : (JSON.parse(line) as { apiUrl: string; webUrl: string });
  });
  return Object.assign(handle, urls);
}

export interface TempDir extends Disposable {
  path: string;
}

export function tempDir(): TempDir {
  const dir = mkdtempSync(path.join(tmpdir(), 'dpc-test-'));
  return { path: dir, [Symbol.dispose]: () => rmSync(dir, { recursive: true, force: true }) };
}

export async function submit(apiUrl: string, body: unknown): Promise<{ status: number; body: unknown }> {
  const response = await fetch(`${apiUrl}/api/count-primes`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: await response.json() };
}

/** Submits a job; the sieve unless `method` says otherwise (most system tests are about the sieve's units). */
export async function submitJob(apiUrl: string, n: number | string, chunks: number, method = 'sieve'): Promise<string> {
  const { status, body } = await submit(apiUrl, { n, chunks, method });
  if (status !== 202) throw new Error(`submit failed: ${status} ${JSON.stringify(body)}`);
  return (body as { job_id: string }).job_id;
}

export async function getJob(apiUrl: string, jobId: string): Promise<JobView> {
  const response = await fetch(`${apiUrl}/api/jobs/${jobId}`);
  if (response.status !== 200) throw new Error(`GET job ${jobId}: ${response.status}`);
  return (await response.json()) as JobView;
}

/** Polls a job until it ends, recording every distinct view seen on the way. */
export async function followJob(apiUrl: string, jobId: string, timeoutMs = 60_000): Promise<JobView[]> {
  const seen: JobView[] = [];
  await waitFor(
    `job ${jobId} to finish`,
    async () => {
      const view = await getJob(apiUrl, jobId);
      const last = seen.at(-1);
      if (!last || last.state !== view.state || last.progress.completed !== view.progress.completed) seen.push(view);
      return ['SUCCESS', 'FAILURE', 'REVOKED'].includes(view.state) ? view : undefined;
    },
    timeoutMs,
    20,
  );
  return seen;
}

export async function health(apiUrl: string): Promise<{ workers: number; threads: number }> {
  return (await (await fetch(`${apiUrl}/health`)).json()) as { workers: number; threads: number };
}

export interface TestSocket extends AsyncDisposable {
  socket: Socket;
  /** Emits and waits for the acknowledgement. */
  call(event: string, payload?: unknown): Promise<unknown>;
}

/**
 * A raw Socket.IO client speaking the protocol by hand (for garbage and lying clients).
 * `localAddress` (127.0.0.2, .3, ...) makes it a client of another network for coordinators
 * started with NETWORK_PREFIX_V4=32; `forwardedFor` sends an X-Forwarded-For header.
 */
export async function connectSocket(
  apiUrl: string,
  options: { localAddress?: string; forwardedFor?: string } = {},
): Promise<TestSocket> {
  const socket = io(apiUrl, {
    transports: ['websocket'],
    reconnection: false,
    forceNew: true,
    ...(options.localAddress === undefined ? {} : { localAddress: options.localAddress }),
    ...(options.forwardedFor === undefined ? {} : { extraHeaders: { 'x-forwarded-for': options.forwardedFor } }),
  });
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('connect_error', reject);
  });
  return {
    socket,
    call: (event, payload) => socket.timeout(5000).emitWithAck(event, payload),
    async [Symbol.asyncDispose]() {
      socket.disconnect();
    },
  };
}

export interface HeldUnit extends AsyncDisposable {
  leaseId: string;
  /** Disconnects, which gives the lease back to the coordinator at once. */
  release(): void;
}

/**
 * A bare volunteer that takes one unit and sits on it. While it holds the unit the job
 * cannot finish, so a test that acts "in the middle of a job" stays in the middle however
 * fast this machine sieves. Take it before any other volunteer works on the job, or they may
 * have taken every unit already. `kinds`: the job kinds it declares (absent: sieve-count).
 */
export async function holdOneUnit(apiUrl: string, kinds?: string[]): Promise<HeldUnit> {
  const client = await connectSocket(apiUrl);
  const release = () => void client.socket.disconnect();
  try {
    await client.call('volunteer:hello', { kind: 'node', threads: 1, ...(kinds === undefined ? {} : { kinds }) });
    const ack = (await client.call('lease:request', { slots: 1 })) as { leases?: { leaseId: string }[] };
    const leaseId = ack.leases?.[0]?.leaseId;
    if (ack.leases?.length !== 1 || leaseId === undefined) throw new Error(`expected one lease, got ${JSON.stringify(ack)}`);
    return { leaseId, release, [Symbol.asyncDispose]: async () => release() };
  } catch (error) {
    release();
    throw error;
  }
}
