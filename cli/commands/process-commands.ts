/**
 * The long-running subcommands: worker, coordinator and start (what `npm run worker`,
 * `npm run coordinator` and `npm start` run). Each builds what it needs when that is missing
 * or stale, then runs its program in this very process, so signals reach it directly.
 */
import { BuildError, BuildPart, ensureBuilt } from '../../ops/build-state.js';
import { ExitCode, type Command } from '../command.js';

function processCommand(name: string, synopsis: string, summary: string, needs: BuildPart[], entry: () => Promise<unknown>): Command {
  return {
    name,
    synopsis,
    summary,
    async run(argv) {
      try {
        ensureBuilt(needs);
      } catch (error) {
        if (!(error instanceof BuildError)) throw error;
        console.error(error.message);
        return ExitCode.Unavailable;
      }
      // The program reads its own options from process.argv, as when started directly.
      process.argv.splice(2, process.argv.length - 2, ...argv);
      stopWhenNpmDies();
      await entry();
      return new Promise<never>(() => {});
    },
  };
}

const PARENT_CHECK_MS = 1000;

/**
 * Under `npm run` (which execs this process), npm is the parent and passes SIGINT and SIGTERM
 * on. An npm that dies without doing so (SIGKILL, a closed terminal) would leave this process
 * running alone: it stops itself the same clean way instead.
 */
function stopWhenNpmDies(): void {
  if (process.env['npm_lifecycle_event'] === undefined) return;
  const parent = process.ppid;
  setInterval(() => {
    if (process.ppid !== parent) process.kill(process.pid, 'SIGTERM');
  }, PARENT_CHECK_MS).unref();
}

const everything = [BuildPart.Kernel, BuildPart.Page, BuildPart.Bundles];

export const workerCommand = processCommand(
  'worker',
  '[--url URL] [--concurrency N] [--name NAME]',
  'a headless worker: leases units from the coordinator and sieves them on N threads',
  [BuildPart.Kernel],
  () => import('../../client/node/main.js'),
);

export const coordinatorCommand = processCommand(
  'coordinator',
  '',
  'the coordinator alone (settings from the environment or .env)',
  everything,
  () => import('../../coordinator/main.js'),
);

export const startCommand = processCommand(
  'start',
  '',
  'the coordinator and one local worker (what npm start runs)',
  everything,
  () => import('../../scripts/start.js'),
);
