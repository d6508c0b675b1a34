/**
 * The headless volunteer: `npm run worker -- --url http://HOST:8000 --concurrency N [--token T]`.
 * Defaults come from COORDINATOR_URL, WORKER_CONCURRENCY and WORKER_TOKEN (the operator's
 * token: the coordinator then trusts this worker's counts alone; a wrong one stops it). Reconnects with backoff when
 * the coordinator goes away; on SIGTERM or SIGINT it gives its leases back and exits 0.
 */
import 'dotenv/config';
import { availableParallelism, hostname } from 'node:os';
import { parseArgs } from 'node:util';
import { pino } from 'pino';
import { io } from 'socket.io-client';
import { z } from 'zod';
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
});

function readOptions() {
  const { values } = parseArgs({
    options: {
      url: { type: 'string' },
      concurrency: { type: 'string', short: 'c' },
      name: { type: 'string' },
      token: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    console.log('usage: npm run worker -- [--url http://HOST:8000] [--concurrency N] [--name NAME] [--token WORKER_TOKEN]');
    process.exit(0);
  }
  const parsed = OptionsSchema.safeParse({
    url: values.url ?? process.env['COORDINATOR_URL'] ?? 'http://localhost:8000',
    concurrency: values.concurrency ?? (process.env['WORKER_CONCURRENCY'] || availableParallelism()),
    name: values.name ?? `${hostname()}:${process.pid}`,
    token: values.token ?? (process.env['WORKER_TOKEN'] || undefined),
  });
  if (!parsed.success) {
    for (const issue of parsed.error.issues) console.error(`invalid --${issue.path.join('.')}: ${issue.message}`);
    process.exit(2);
  }
  return parsed.data;
}

const options = readOptions();
const logger = pino({ level: process.env['LOG_LEVEL'] || 'info', base: { service: 'worker', name: options.name } });

const pool = new ThreadedComputePool(spawnSieveThread, options.concurrency);
// Every thread loads the kernel before the first lease is taken, so no lease waits on a
// thread's start-up: one tiny range per thread.
await Promise.all(Array.from({ length: options.concurrency }, () => pool.count(1, 10)));
logger.debug({ concurrency: options.concurrency }, 'threads ready');

const socket: VolunteerSocket = io(options.url, {
  transports: ['websocket'],
  reconnectionDelay: 500,
  reconnectionDelayMax: 5000,
});
socket.on('connect', () => logger.info({ url: options.url }, 'connected'));
let stopping = false;
socket.on('disconnect', (reason) => {
  // While stopping, a coordinator that closes first is expected: it takes our leases back itself.
  if (reason === 'io client disconnect' || stopping) logger.info({ reason }, 'disconnected');
  else logger.warn({ reason }, 'disconnected; will reconnect');
});
socket.io.on('reconnect_attempt', (attempt) => logger.debug({ attempt }, 'reconnecting'));
socket.on('connect_error', (error) => logger.warn({ err: error.message }, 'cannot reach the coordinator; retrying'));

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
  onUnitDone: ({ lease, count, elapsedMs, accepted }) =>
    logger.debug({ lo: lease.lo, hi: lease.hi, count, elapsedMs, accepted }, 'unit done'),
  onError: (message, error) => logger.warn({ err: error }, message),
});
logger.info({ url: options.url, concurrency: options.concurrency, trusted: options.token !== undefined }, 'worker started');

const stop = (signal: string) => {
  if (stopping) return;
  stopping = true;
  logger.info({ signal }, 'stopping: giving leases back');
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
