/** Wires the domain, the store, the HTTP and Socket.IO edges and the timers into one server. */
import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import { Server } from 'socket.io';
import { MAX_MESSAGE_BYTES } from '../shared/protocol.js';
import type { Config } from './config.js';
import { createApiApp } from './http/api-app.js';
import { createWebApp } from './http/web-app.js';
import { expireResults } from './jobs/expire-results.js';
import { restoreJobs } from './jobs/restore-jobs.js';
import { reclaimExpired } from './leases/reclaim-expired.js';
import { heartbeatPeriodMs } from './leases/renew-leases.js';
import { DEFAULT_LEASE_LIMITS } from './leases/lease-limits.js';
import { createDomain } from './domain.js';
import { createMetrics } from './metrics.js';
import { createJobOutcomeLog } from './job-outcome-log.js';
import { openUnitCount, openUnits, sweepUndecided } from './trust/undecided.js';
import { trustPolicy } from './trust/trust-state.js';
import type { TotalVerifier } from './trust/verifier.js';
import type { Domain, DomainEvents } from './model.js';
import { attachGateway, SWARM_ROOM, type CoordinatorIo } from './socket/gateway.js';
import { LoadShedder } from './socket/load-shedder.js';
import { SocketNotifier } from './socket/notifier.js';
import type { JobStore } from './store/job-store.js';
import { SlicedSweep, sliceSize } from './sliced-sweep.js';
import { RateMeter, SwarmSnapshot } from './swarm-stats.js';

export interface CoordinatorDeps {
  store: JobStore;
  logger: Logger;
  version: string;
  /** Folder of the built web page; no web server is started when undefined. */
  webRoot: string | undefined;
  /** The one-file worker served at /worker.mjs (404 with a hint when undefined). */
  workerScript?: string | undefined;
  now?: () => number;
  random?: () => number;
  /** Verifies job totals independently (none yet: every stranger's count is then confirmed). */
  verifier?: TotalVerifier;
  /** How often the swarm numbers go to the pages watching (default 1 s). */
  swarmBroadcastMs?: number;
}

export interface RunningCoordinator extends AsyncDisposable {
  readonly apiUrl: string;
  readonly webUrl: string | undefined;
  readonly domain: Domain;
  /** Stops accepting, closes sockets and the store. Idempotent. */
  close(): Promise<void>;
}

const NOTIFY_FLUSH_MS = 150;
/** Range maps list every unit in flight: at most two a second per job watched. */
const MAP_FLUSH_MS = 500;
const SWARM_BROADCAST_MS = 1000;
/** The lease and undecided-unit sweeps run in this many slices per period (sliced-sweep.ts). */
const SWEEP_SLICES = 10;

export async function startCoordinator(config: Config, deps: CoordinatorDeps): Promise<RunningCoordinator> {
  const now = deps.now ?? Date.now;
  const rate = new RateMeter(now);
  const metrics = createMetrics();
  // The loop's delay is read as its 99th percentile over 250 ms; SHED_LAG (20 ms by default)
  // is well below the ping timeout and low enough that /health and acks stay fast.
  const shedder = new LoadShedder({
    thresholdMs: config.SHED_LAG > 0 ? config.SHED_LAG : Number.POSITIVE_INFINITY,
    windowMs: 250,
    random: deps.random ?? Math.random,
    leasesInFlight: () => domain.leases.size,
  });
  const notifier = new SocketNotifier(
    rate,
    (numbers) => {
      metrics.unitsAccepted.inc();
      metrics.numbersSieved.inc(numbers);
    },
    NOTIFY_FLUSH_MS,
    deps.logger,
    MAP_FLUSH_MS,
  );
  const logOutcome = createJobOutcomeLog(deps.logger, now());
  const events: DomainEvents = {
    jobChanged: (jobId) => {
      notifier.jobChanged(jobId);
      logOutcome(domain, jobId);
    },
    leasesRevoked: (volunteerId, leaseIds, reason) => notifier.leasesRevoked(volunteerId, leaseIds, reason),
    workAvailable: () => notifier.workAvailable(),
    unitAccepted: (jobId, numbers) => notifier.unitAccepted(jobId, numbers),
  };
  const domain: Domain = createDomain({
    store: deps.store,
    policy: {
      unitSize: config.UNIT_SIZE,
      unitSeconds: config.UNIT_SECONDS,
      leaseTimeoutMs: config.LEASE_TIMEOUT,
      maxAttempts: config.MAX_ATTEMPTS,
    },
    trust: trustPolicy(config),
    ...(deps.verifier ? { verifier: deps.verifier } : {}),
    leaseLimits: {
      newVolunteerLeases: config.NEW_VOLUNTEER_LEASES,
      maxThreadsPerVolunteer: config.MAX_THREADS_PER_VOLUNTEER,
      holdFactor: config.LEASE_HOLD_FACTOR,
      holdMinMs: config.LEASE_HOLD_MIN,
      prefetchLeases: DEFAULT_LEASE_LIMITS.prefetchLeases,
      batchSeconds: DEFAULT_LEASE_LIMITS.batchSeconds,
      maxPrefetchLeases: DEFAULT_LEASE_LIMITS.maxPrefetchLeases,
    },
    events,
    now,
    ...(deps.random ? { random: deps.random } : {}),
  });
  const swarm = new SwarmSnapshot(domain, rate);
  metrics.observe(domain, shedder, swarm);
  const resumed = restoreJobs(domain);
  if (resumed > 0) deps.logger.info({ resumed }, 'resumed unfinished jobs');

  let webPort = 0;
  let apiPort = 0;
  const isAllowedOrigin = (origin: string) => {
    if (config.CORS_ORIGINS.includes(origin) || config.CORS_ORIGINS.includes('*')) return true;
    // The page this process serves may call its API from whatever host it was reached by.
    try {
      return webPort !== 0 && Number(new URL(origin).port) === webPort;
    } catch {
      return false;
    }
  };

  const apiApp = createApiApp({
    domain,
    swarm,
    maxN: config.MAX_N,
    maxActiveJobs: config.MAX_ACTIVE_JOBS,
    submitsPerMinute: config.SUBMIT_RATE_LIMIT,
    apiToken: config.API_TOKEN,
    isAllowedOrigin,
    logger: deps.logger,
    version: deps.version,
    startedAt: now(),
    metrics: metrics.registry,
    workerScript: deps.workerScript,
  });
  const apiServer = createServer(apiApp);
  const io: CoordinatorIo = new Server(apiServer, {
    cors: { origin: (origin, callback) => callback(null, origin === undefined || isAllowedOrigin(origin)) },
    maxHttpBufferSize: MAX_MESSAGE_BYTES,
    // Socket.IO's defaults: pings are most of an idle swarm's cost (10,000 sockets pinged
    // every 10 s were 2,000 messages a second). A closed process's sockets end at once
    // anyway; only a silently lost peer waits the 45 s. The timeout is generous: a burst of
    // work must never cost every connection at once (the shedder keeps the loop's delay far
    // below it).
    pingInterval: 25_000,
    pingTimeout: 20_000,
    // A connection that never joins the namespace is closed like one that never says hello.
    connectTimeout: config.HELLO_TIMEOUT,
  });
  notifier.bind(io, domain);
  attachGateway(io, domain, {
    maxVolunteers: config.MAX_VOLUNTEERS,
    heartbeatMs: heartbeatPeriodMs(config.LEASE_TIMEOUT),
    messagesPerSecond: 200,
    messageBurst: 400,
    shedder,
    guard: {
      helloTimeoutMs: config.HELLO_TIMEOUT,
      backlogLimitBytes: config.SOCKET_BACKLOG_LIMIT,
      onDropped: (reason) => {
        metrics.socketsDropped.inc({ reason });
        deps.logger.debug({ reason }, 'socket dropped');
      },
    },
    logger: deps.logger,
  });
  // A page that starts watching the swarm gets the numbers at once, not at the next broadcast.
  io.on('connection', (socket) => {
    socket.on('swarm:watch', () => void socket.emit('swarm:update', swarm.current()));
  });

  apiPort = await listen(apiServer, config.API_PORT, config.API_HOST);
  let webServer: HttpServer | undefined;
  if (deps.webRoot !== undefined) {
    webServer = createServer(
      createWebApp({ root: deps.webRoot, apiBaseUrl: config.API_BASE_URL, apiPort: () => apiPort }),
    );
    webPort = await listen(webServer, config.WEB_PORT, config.API_HOST);
  }

  const leaseSweep = new SlicedSweep(() => domain.leases.values());
  const unitSweep = new SlicedSweep(() => openUnits(domain));
  const timers = [
    // Every lease and open unit is looked at once per sweep period, a slice per tick.
    setInterval(
      () => {
        metrics.leasesExpired.inc(reclaimExpired(domain, leaseSweep.take(sliceSize(domain.leases.size, SWEEP_SLICES))).length);
        const units = unitSweep.take(sliceSize(openUnitCount(domain), SWEEP_SLICES));
        for (const jobId of sweepUndecided(domain, units)) deps.logger.warn({ jobId }, 'job failed: a unit could not be decided');
      },
      Math.max(20, Math.min(1000, Math.max(50, config.LEASE_TIMEOUT / 4)) / SWEEP_SLICES),
    ),
    setInterval(() => expireResults(domain, config.RESULT_TTL), Math.min(60_000, Math.max(100, config.RESULT_TTL / 4))),
    setInterval(() => {
      if (io.sockets.adapter.rooms.has(SWARM_ROOM)) io.to(SWARM_ROOM).emit('swarm:update', swarm.current());
    }, deps.swarmBroadcastMs ?? SWARM_BROADCAST_MS),
  ];

  const host = config.API_HOST === '0.0.0.0' || config.API_HOST === '::' ? '127.0.0.1' : config.API_HOST;
  let closing: Promise<void> | undefined;
  const close = () => {
    closing ??= (async () => {
      for (const timer of timers) clearInterval(timer);
      shedder.close();
      notifier.close();
      apiServer.closeAllConnections();
      await new Promise<void>((resolve) => io.close(() => resolve()));
      if (webServer) await closeServer(webServer);
      deps.store.close();
    })();
    return closing;
  };

  return {
    apiUrl: `http://${host}:${apiPort}`,
    webUrl: webServer ? `http://${host}:${webPort}` : undefined,
    domain,
    close,
    [Symbol.asyncDispose]: close,
  };
}

function listen(server: HttpServer, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

function closeServer(server: HttpServer): Promise<void> {
  server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}
