/** What a subcommand is, how its arguments are read, and the exit codes every one of them uses. */
import { parseArgs, type ParseArgsConfig } from 'node:util';

export const ExitCode = {
  Success: 0,
  /** The job ended in FAILURE or REVOKED. */
  JobFailed: 1,
  /** A bad option or argument, or a request the coordinator refused as invalid (400). */
  Usage: 2,
  /** The coordinator could not be reached, or refused for another reason (401, 404, 409, 429, 5xx). */
  Unavailable: 3,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

export class UsageError extends Error {
  override readonly name = 'UsageError';
}

export type OptionSpec = NonNullable<ParseArgsConfig['options']>;

export interface Command {
  name: string;
  /** Arguments after the name, e.g. `N [--chunks C]`. */
  synopsis: string;
  summary: string;
  /**
   * Exit code when done; never resolves for the long-running ones (worker, coordinator,
   * start), which exit by themselves on a signal.
   */
  run(argv: string[]): Promise<ExitCode>;
}

/** Options every client subcommand takes. */
export const CLIENT_OPTIONS = {
  url: { type: 'string' },
  token: { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const satisfies OptionSpec;

export const DEFAULT_URL = 'http://localhost:8000';

export interface ClientOptions {
  url: string;
  token: string | undefined;
  json: boolean;
}

/** Strict parsing: an unknown option or a missing value is a UsageError with node's message. */
export function parseCommandArgs<O extends OptionSpec>(argv: string[], options: O) {
  try {
    return parseArgs({ args: argv, options, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

export function clientOptions(values: { url?: string | boolean; token?: string | boolean; json?: string | boolean }): ClientOptions {
  const url = typeof values.url === 'string' ? values.url : process.env['COORDINATOR_URL'] || DEFAULT_URL;
  if (!URL.canParse(url) || !/^https?:$/.test(new URL(url).protocol)) {
    throw new UsageError(`--url must be an http(s) URL such as ${DEFAULT_URL}, got ${url}`);
  }
  const token = typeof values.token === 'string' ? values.token : process.env['API_TOKEN'] || undefined;
  return { url: url.replace(/\/+$/, ''), token, json: values.json === true };
}

export function expectPositionals(positionals: string[], names: string[]): string[] {
  if (positionals.length !== names.length) {
    const wanted = names.length === 0 ? 'no arguments' : names.join(' ');
    throw new UsageError(`expected ${wanted}, got ${positionals.length === 0 ? 'none' : positionals.join(' ')}`);
  }
  return positionals;
}
