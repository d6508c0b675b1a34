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
  if (format === LogFormat.Json) return pino({ level: options.level, base: options.base });
  const stream = pretty({
    colorize: process.stdout.isTTY === true,
    // Synchronous, so the last lines before process.exit() are not lost.
    sync: true,
    translateTime: 'SYS:HH:MM:ss',
    ignore: ['pid', 'hostname', ...Object.keys(options.base), ...(options.hiddenWhenPretty ?? [])].join(','),
    messageFormat: `${Object.values(options.base)[0] ?? ''}: {msg}`,
  });
  return pino({ level: options.level, base: options.base }, stream);
}
