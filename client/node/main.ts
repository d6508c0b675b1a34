/**
 * The headless volunteer: `npm run worker -- --url http://HOST:8000 --concurrency N [--token T]`.
 * Defaults come from COORDINATOR_URL, WORKER_CONCURRENCY and WORKER_TOKEN (the operator's
 * token: the coordinator then trusts this worker's counts alone; a wrong one stops it). Reconnects with backoff when
 * the coordinator goes away; on SIGTERM or SIGINT it gives its leases back and exits 0.
 */
import 'dotenv/config';
import { availableParallelism, hostname } from 'node:os';
import { parseArgs } from 'node:util';
import { io } from 'socket.io-client';
import { z } from 'zod';
import { createLogger, LOG_FORMATS, LOG_LEVELS } from '../../ops/logger.js';
import { SIEVE_COUNT } from '../../shared/kinds/sieve-count/index.js';
import { Volunteer, type VolunteerSocket } from '../volunteer.js';
import { ThreadedComputePool } from '../threaded-pool.js';
import { spawnSieveThread } from './sieve-thread-spawner.js';

const OptionsSchema = z.object({
  url: z.url({ error: 'must be a URL such as http://localhost:8000' }),
  concurrency: z.coerce
    .number({ error: 'must be a number' })
    .int({ error: 'must be a whole number' })
    .min(1, { error: 'must be at least 1' })
    .max(256, { error: 'must be at most 256' }),
  name: z.string().max(100),
  token: z.string().min(1).max(200).optional(),
  logLevel: z.enum(LOG_LEVELS, { error: `must be one of ${LOG_LEVELS.join(', ')}` }),
  logFormat: z.enum(LOG_FORMATS, { error: `must be one of ${LOG_FORMATS.join(', ')}` }).optional(),
});

const USAGE = 'usage: worker [--url http://HOST:8000] [--concurrency N] [--name NAME] [--token WORKER_TOKEN]';
const SETTING: Record<string, string> = { logLevel: 'LOG_LEVEL', logFormat: 'LOG_FORMAT' };

function readOptions() {
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        url: { type: 'string' },
        concurrency: { type: 'string', short: 'c' },
        name: { type: 'string' },
        token: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (error) {
    console.error(`${(error as Error).message}\n${USAGE}`);
    process.exit(2);
  }
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  const parsed = OptionsSchema.safeParse({
    url: values.url ?? (process.env['COORDINATOR_URL'] || 'http://localhost:8000'),
    concurrency: values.concurrency ?? (process.env['WORKER_CONCURRENCY'] || availableParallelism()),
    name: values.name ?? `${hostname()}:${process.pid}`,
    token: values.token ?? (process.env['WORKER_TOKEN'] || undefined),
    logLevel: process.env['LOG_LEVEL'] || 'info',
    logFormat: process.env['LOG_FORMAT'] || undefined,
  });
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const key = String(issue.path[0]);
      console.error(`invalid ${SETTING[key] ?? `--${key}`}: ${issue.message}`);
    }
    console.error(USAGE);
    process.exit(2);
  }
  return parsed.data;
}

const options = readOptions();
const logger = createLogger({
  level: options.logLevel,
  format: options.logFormat,
  base: { service: 'worker', name: options.name },
  // Said in the messages themselves.
  hiddenWhenPretty: ['url', 'reason', 'concurrency', 'signal'],
});

const pool = new ThreadedComputePool(spawnSieveThread, options.concurrency);
// Every thread loads the kernel before the first lease is taken, so no lease waits on a
// thread's start-up: one tiny range per thread.
await Promise.all(Array.from({ length: options.concurrency }, () => pool.compute(SIEVE_COUNT, { lo: 1, hi: 10 })));
logger.debug({ concurrency: options.concurrency }, 'threads ready');

const socket: VolunteerSocket = io(options.url, {
  transports: ['websocket'],
  reconnectionDelay: 500,
  reconnectionDelayMax: 5000,
});
socket.on('connect', () => logger.info({ url: options.url }, `connected to ${options.url}`));
let stopping = false;
socket.on('disconnect', (reason) => {
  // While stopping, a coordinator that closes first is expected: it takes our leases back itself.
  if (reason === 'io client disconnect' || stopping) logger.info({ reason }, 'disconnected');
  else logger.warn({ reason }, 'disconnected; will reconnect');
});
socket.io.on('reconnect_attempt', (attempt) => logger.debug({ attempt }, 'reconnecting'));
// One warning per distinct reason, not one per retry.
let lastConnectError: string | undefined;
socket.on('connect', () => (lastConnectError = undefined));
socket.on('connect_error', (error) => {
  const reason = connectErrorReason(error);
  if (reason === lastConnectError) return logger.debug({ reason }, 'still cannot reach the coordinator');
  lastConnectError = reason;
  logger.warn({ url: options.url, reason }, `cannot reach the coordinator at ${options.url}: ${reason}; retrying`);
});

/** Socket.IO says only "websocket error"; the cause (refused, DNS, TLS, HTTP status) is underneath. */
function connectErrorReason(error: Error): string {
  const description = (error as Error & { description?: unknown }).description;
  const cause = (description as { error?: unknown } | undefined)?.error ?? description;
  const message = (cause as { message?: unknown } | undefined)?.message;
  return typeof message === 'string' && message !== '' ? message : error.message;
}

const volunteer = new Volunteer({
  socket,
  pool,
  kind: 'node',
  threads: options.concurrency,
  name: options.name,
  ...(options.token === undefined ? {} : { token: options.token }),
  onRefused: (error) => {
    if (error.code !== 'bad_token') return;
    logger.error({ code: error.code }, `${error.message}; stopping`);
    void volunteer.stop().then(() => process.exit(2));
  },
  onUnitDone: ({ lease, result, elapsedMs, accepted }) =>
    logger.debug({ kind: lease.kind, lo: lease.lo, hi: lease.hi, result, elapsedMs, accepted }, 'unit done'),
  onError: (message, error) => logger.warn({ err: error }, message),
});
logger.info(
  { url: options.url, concurrency: options.concurrency, trusted: options.token !== undefined },
  `worker started: ${options.concurrency} thread${options.concurrency === 1 ? '' : 's'}, coordinator ${options.url}`,
);

const stop = (signal: string) => {
  if (stopping) return;
  stopping = true;
  logger.info({ signal }, `${signal}: stopping, giving leases back`);
  volunteer.stop().then(
    () => process.exit(0),
    (error: unknown) => {
      logger.error({ err: error }, 'stop failed');
      process.exit(1);
    },
  );
};
process.on('SIGTERM', () => stop('SIGTERM'));
process.on('SIGINT', () => stop('SIGINT'));
// Started by `npm start` (with an IPC channel): its end, however it came, is ours.
process.on('disconnect', () => stop('the parent process exited'));
