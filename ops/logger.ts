/**
 * The processes' logger: readable lines on a terminal (pino-pretty), JSON lines otherwise.
 * LOG_FORMAT=pretty|json overrides the guess.
 */
import { pino, type Logger } from 'pino';
import pretty from 'pino-pretty';

export const LogFormat = { Pretty: 'pretty', Json: 'json' } as const;
export type LogFormat = (typeof LogFormat)[keyof typeof LogFormat];
export const LOG_FORMATS = Object.values(LogFormat) as [LogFormat, ...LogFormat[]];

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export interface LoggerOptions {
  level: LogLevel;
  format: LogFormat | undefined;
  /** Fields on every JSON line (`service`, a worker's `name`). */
  base: Record<string, string>;
  /** Fields a terminal reader does not need on every line (they stay in JSON). */
  hiddenWhenPretty?: string[];
}

export function createLogger(options: LoggerOptions): Logger {
  const format = options.format ?? (process.stdout.isTTY ? LogFormat.Pretty : LogFormat.Json);
  // Synchronous: pino's exit hook for an asynchronous stdout retried an EPIPE forever when the
  // reader of the logs went away mid-shutdown (the process never exited).
  if (format === LogFormat.Json) return pino({ level: options.level, base: options.base }, pino.destination({ dest: 1, sync: true }));
  const [service = ''] = Object.values(options.base);
  const skipped = new Set(['level', 'time', 'pid', 'hostname', 'msg', ...Object.keys(options.base), ...(options.hiddenWhenPretty ?? [])]);
  const stream = pretty({
    colorize: process.stdout.isTTY === true,
    // Synchronous, so the last lines before process.exit() are not lost.
    sync: true,
    translateTime: 'SYS:HH:MM:ss',
    hideObject: true,
    // One line per entry: `service: message key=value ...` (the banner is the one multi-line message).
    messageFormat: (log, messageKey) => {
      const extras = Object.entries(log)
        .filter(([key, value]) => !skipped.has(key) && key !== messageKey && value !== undefined)
        .map(([key, value]) => `${key}=${inline(value)}`);
      const message = String(log[messageKey] ?? '');
      const named = message.startsWith(`${service} `) ? message : `${service}: ${message}`;
      return [named, ...extras].join(' ');
    },
  });
  return pino({ level: options.level, base: options.base }, stream);
}

function inline(value: unknown): string {
  if (value instanceof Object && 'message' in value) return JSON.stringify(String(value.message));
  if (typeof value === 'string') return /^[\w.:/@-]+$/.test(value) ? value : JSON.stringify(value);
  return JSON.stringify(value);
}
