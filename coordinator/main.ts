/** Starts the coordinator: reads the configuration, opens the job table, listens. */
import 'dotenv/config';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { pino } from 'pino';
import { loadConfigOrExit } from './config.js';
import { startCoordinator } from './coordinator.js';
import { DatabaseOpenError, SqliteJobStore } from './store/sqlite-store.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { version } = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { version: string };

const config = loadConfigOrExit();

const logger = pino({ level: config.LOG_LEVEL, base: { service: 'coordinator' } });

let store: SqliteJobStore;
try {
  store = new SqliteJobStore(path.join(config.DATA_DIR, 'coordinator.db'));
} catch (error) {
  if (!(error instanceof DatabaseOpenError)) throw error;
  logger.fatal(error.message);
  console.error(error.message);
  process.exit(3);
}

const coordinator = await startCoordinator(config, {
  store,
  logger,
  version,
  webRoot: path.join(root, 'client', 'web', 'dist'),
});
logger.info(
  { apiUrl: coordinator.apiUrl, webUrl: coordinator.webUrl, dataFile: store.file },
  `coordinator listening: API ${coordinator.apiUrl} (docs at /docs), page ${coordinator.webUrl}`,
);

let stopping = false;
const stop = (signal: string) => {
  if (stopping) return;
  stopping = true;
  logger.info({ signal }, 'shutting down');
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
