/**
 * Checkpoints the SQLite write-ahead log from a thread of its own, so the event loop never
 * waits for one. SQLite's automatic checkpoint runs inside the commit that crosses its
 * threshold: it copies the log's pages into the database file and syncs it, which held the
 * coordinator's loop 25 ms per 1,000 pages at 7,000 accepted units a second (130 ms at 10,000
 * pages), while the commits themselves took about 1 ms. The store turns the automatic
 * checkpoint off and starts this; commits stay as durable as before (a committed transaction
 * is in the log whether or not it has been copied yet).
 *
 * The thread is a few lines of plain JavaScript on its own connection, given the driver's
 * resolved path, so it runs the same from source, from the one-file coordinator and in the
 * container. A PASSIVE checkpoint never blocks the writer.
 */
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

const THREAD_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.file);
const checkpoint = () => {
  try {
    db.pragma('wal_checkpoint(PASSIVE)');
  } catch (error) {
    parentPort.postMessage(String(error && error.message || error));
  }
};
const timer = setInterval(checkpoint, workerData.intervalMs);
parentPort.on('message', () => {
  clearInterval(timer);
  checkpoint();
  db.close();
  parentPort.close();
});
`;

/** How often the log is checkpointed: a second of writes at most waits in it. */
const CHECKPOINT_INTERVAL_MS = 1000;

export interface WalCheckpointer {
  /** Checkpoints once more and ends the thread; idempotent. */
  close(): Promise<void>;
}

/**
 * Starts checkpointing `file` every CHECKPOINT_INTERVAL_MS. `onError` hears a checkpoint that
 * failed or a thread that could not start; the store then checkpoints on its own connection.
 */
export function startWalCheckpointer(file: string, onError: (message: string) => void): WalCheckpointer {
  const driver = createRequire(import.meta.url).resolve('better-sqlite3');
  const worker = new Worker(THREAD_SOURCE, { eval: true, workerData: { file, driver, intervalMs: CHECKPOINT_INTERVAL_MS } });
  // Idle between checkpoints: it must not keep the process alive.
  worker.unref();
  let exited = false;
  const ended = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
  worker.on('message', (message: string) => onError(message));
  worker.on('error', (error) => onError(error.message));
  worker.once('exit', () => (exited = true));
  let closing: Promise<void> | undefined;
  return {
    close() {
      if (!closing) {
        if (!exited) worker.postMessage('close');
        closing = ended;
      }
      return closing;
    },
  };
}
