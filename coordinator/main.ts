/** Starts the coordinator: reads the configuration, opens the job table, listens. */
import 'dotenv/config';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createLogger } from '../ops/logger.js';
import { listenUrls, listensEverywhere } from '../ops/listen-urls.js';
import { loadConfigOrExit } from './config.js';
import { startCoordinator, type RunningCoordinator } from './coordinator.js';
import { DatabaseOpenError, SqliteJobStore } from './store/sqlite-store.js';
import { startPiWorker } from './verify/pi-worker.js';
import { sieveTotalVerifier } from './verify/sieve-total-verifier.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { version } = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { version: string };

const config = loadConfigOrExit();

const BANNER_FIELDS = ['apiUrl', 'webUrl', 'docsUrl', 'workerScriptUrl', 'networkUrls', 'dataFile'];
const logger = createLogger({
  level: config.LOG_LEVEL,
  format: config.LOG_FORMAT,
  base: { service: 'coordinator' },
  hiddenWhenPretty: [...BANNER_FIELDS, 'signal'],
});

let store: SqliteJobStore;
try {
  store = new SqliteJobStore(path.join(config.DATA_DIR, 'coordinator.db'), {
    onBackgroundError: (err, task) => logger.error({ err, task }, 'job store write failed; it is tried again'),
  });
} catch (error) {
  if (!(error instanceof DatabaseOpenError)) throw error;
  logger.fatal(error.message);
  process.exit(3);
}

const workerScript = path.join(root, 'dist', 'worker.mjs');
let coordinator: RunningCoordinator;
try {
  coordinator = await startCoordinator(config, {
    store,
    logger,
    version,
    webRoot: path.join(root, 'client', 'web', 'dist'),
    workerScript: existsSync(workerScript) ? workerScript : undefined,
    // Sieve totals are checked against pi(n) on a thread of this process before success.
    verifier: sieveTotalVerifier(startPiWorker()),
  });
} catch (error) {
  const { code, port } = error as { code?: unknown; port?: unknown };
  if (code === 'EADDRINUSE' || code === 'EACCES') {
    const which = port === config.WEB_PORT ? 'WEB_PORT' : 'API_PORT';
    const why = code === 'EADDRINUSE' ? 'is already in use' : 'needs privileges this process lacks';
    logger.fatal(`port ${String(port)} on ${config.API_HOST} ${why}: stop the other process or set ${which} to another port`);
    process.exit(1);
  }
  throw error;
}

logBanner(coordinator);

/**
 * The first line people read: where the page, the API and its docs are, and the two commands
 * that add a worker on another machine. The JSON line keeps `apiUrl`/`webUrl` for scripts.
 */
function logBanner(running: RunningCoordinator): void {
  const apiPort = Number(new URL(running.apiUrl).port);
  const apiUrls = listenUrls(config.API_HOST, apiPort);
  const webUrls = running.webUrl ? listenUrls(config.API_HOST, Number(new URL(running.webUrl).port)) : [];
  const remoteApi = listensEverywhere(config.API_HOST) ? (apiUrls[1] ?? apiUrls[0]!) : apiUrls[0]!;
  const lines = [
    `coordinator listening (version ${version})`,
    ...(webUrls.length > 0 ? [`  page   ${webUrls.join('  ')}`] : []),
    `  API    ${apiUrls.join('  ')}`,
    `  docs   ${apiUrls[0]}/docs`,
    `  a worker on another machine: curl -O ${remoteApi}/worker.mjs && node worker.mjs --url ${remoteApi}`,
    `  jobs are kept in ${store.file}`,
  ];
  logger.info(
    {
      apiUrl: running.apiUrl,
      webUrl: running.webUrl,
      docsUrl: `${running.apiUrl}/docs`,
      workerScriptUrl: `${remoteApi}/worker.mjs`,
      networkUrls: apiUrls.slice(1),
      dataFile: store.file,
    },
    lines.join('\n'),
  );
}

let stopping = false;
const stop = (signal: string) => {
  if (stopping) return;
  stopping = true;
  logger.info({ signal }, `${signal}: shutting down`);
  coordinator.close().then(
    () => process.exit(0),
    (error: unknown) => {
      logger.error({ err: error }, 'shutdown failed');
      process.exit(1);
    },
  );
};
process.on('SIGTERM', () => stop('SIGTERM'));
process.on('SIGINT', () => stop('SIGINT'));
// Started by `npm start` (with an IPC channel): its end, however it came, is ours.
process.on('disconnect', () => stop('the parent process exited'));
