/** The subcommands that talk to a coordinator over REST: count, watch, jobs, cancel. */
import { MAX_CHUNKS } from '../../shared/api.js';
import { countForWire, parseCountText } from '../../shared/count-text.js';
import {
  CLIENT_OPTIONS,
  ExitCode,
  UsageError,
  clientOptions,
  expectPositionals,
  parseCommandArgs,
  type Command,
  type OptionSpec,
} from '../command.js';
import { jobAnswer, jobQuestion } from '../../shared/job-text.js';
import { CoordinatorClient } from '../coordinator-client.js';
import { displayFor, formatDuration, pace } from '../job-display.js';
import { followJob } from '../follow-job.js';

const DEFAULT_CHUNKS = 16;

/** A whole number written plainly, with `_` or `,` between digit groups, or as 1e9. */
export function parseWholeNumber(name: string, text: string): number {
  const plain = text.replace(/[_,]/g, '');
  const value = /^\d+$/.test(plain) || /^\d+(\.\d+)?e\d+$/i.test(plain) ? Number(plain) : NaN;
  if (!Number.isSafeInteger(value)) throw new UsageError(`${name} must be a whole number such as 1000000000 or 1e9, got ${text}`);
  return value;
}

/** N exactly at any size (1e18, 10^18, digits): a string above 2^53 - 1 for the API. */
function parseCount(text: string): number | string {
  const parsed = parseCountText(text);
  if (!parsed.ok) throw new UsageError(`N must be a whole number such as 1000000000 or 1e9, got ${text}`);
  return countForWire(parsed.value);
}

/**
 * A subcommand that submits one job and follows it to the end. The range kinds are one more
 * of these: a name, its arguments and the body it posts.
 */
function submitCommand(spec: {
  name: string;
  synopsis: string;
  summary: string;
  path: string;
  options: OptionSpec;
  positionals: string[];
  body(positionals: string[], values: Record<string, string | boolean | undefined>): Record<string, unknown>;
}): Command {
  return {
    name: spec.name,
    synopsis: spec.synopsis,
    summary: spec.summary,
    async run(argv) {
      const { values, positionals } = parseCommandArgs(argv, { ...CLIENT_OPTIONS, ...spec.options });
      const options = clientOptions(values);
      const body = spec.body(expectPositionals(positionals, spec.positionals), values);
      const client = new CoordinatorClient(options.url, options.token);
      const { job_id: jobId } = await client.submit(spec.path, body);
      if (!options.json) console.error(`job ${jobId} submitted to ${options.url}`);
      return followJob(client, jobId, displayFor(options.json));
    },
  };
}

export const countCommand = submitCommand({
  name: 'count',
  synopsis: `N [--chunks C] [--method M]`,
  summary: `count the primes up to N (C chunks, 1..${MAX_CHUNKS}, default ${DEFAULT_CHUNKS}) and follow the job`,
  path: '/api/count-primes',
  options: { chunks: { type: 'string', short: 'c' }, method: { type: 'string', short: 'm' } },
  positionals: ['N'],
  body([n], values) {
    const body: Record<string, unknown> = {
      n: parseCount(n!),
      chunks: typeof values['chunks'] === 'string' ? parseWholeNumber('--chunks', values['chunks']) : DEFAULT_CHUNKS,
    };
    // Sent only when asked for: a coordinator that does not know it says so (400).
    if (typeof values['method'] === 'string') body['method'] = values['method'];
    return body;
  },
});

export const watchCommand: Command = {
  name: 'watch',
  synopsis: 'ID',
  summary: 'follow a job until it ends',
  async run(argv) {
    const { values, positionals } = parseCommandArgs(argv, CLIENT_OPTIONS);
    const options = clientOptions(values);
    const [jobId] = expectPositionals(positionals, ['ID']);
    return followJob(new CoordinatorClient(options.url, options.token), jobId!, displayFor(options.json));
  },
};

export const jobsCommand: Command = {
  name: 'jobs',
  synopsis: '[--limit L]',
  summary: 'list recent jobs, newest first (L from 1 to 100, default 20)',
  async run(argv) {
    const { values, positionals } = parseCommandArgs(argv, { ...CLIENT_OPTIONS, limit: { type: 'string', short: 'l' } });
    const options = clientOptions(values);
    expectPositionals(positionals, []);
    const limit = values.limit === undefined ? 20 : parseWholeNumber('--limit', values.limit);
    const jobs = await new CoordinatorClient(options.url, options.token).jobs(limit);
    if (options.json) {
      console.log(JSON.stringify(jobs));
      return ExitCode.Success;
    }
    if (jobs.length === 0) console.log('no jobs');
    for (const job of jobs) {
      const { elapsedSec } = pace(job);
      const result = job.result ? jobAnswer(job.result) : (job.error ?? '');
      console.log(
        [job.job_id, job.state.padEnd(8), job.n === undefined ? jobQuestion(job) : `n=${job.n}`, `${job.progress.completed}/${job.progress.total}`, formatDuration(elapsedSec), result]
          .join('  ')
          .trimEnd(),
      );
    }
    return ExitCode.Success;
  },
};

export const cancelCommand: Command = {
  name: 'cancel',
  synopsis: 'ID',
  summary: 'cancel a job (state REVOKED); needs --token when the coordinator has an API_TOKEN',
  async run(argv) {
    const { values, positionals } = parseCommandArgs(argv, CLIENT_OPTIONS);
    const options = clientOptions(values);
    const [jobId] = expectPositionals(positionals, ['ID']);
    const view = await new CoordinatorClient(options.url, options.token).cancel(jobId!);
    console.log(options.json ? JSON.stringify(view) : `job ${view.job_id} cancelled (${view.progress.completed} of ${view.progress.total} chunks were done)`);
    return ExitCode.Success;
  },
};
