/** Environment -> validated configuration. Bad values stop start-up with a message naming them. */
import { z } from 'zod';
import { COMBINATORIAL_MAX_N, DEFAULT_MAX_N, MIN_N } from '../shared/api.js';
import { parseCidr } from './trust/network.js';

const integer = (fallback: number, min: number, max = Number.MAX_SAFE_INTEGER) =>
  z
    .string()
    .trim()
    .regex(/^\d+$/, 'must be a whole number')
    .transform(Number)
    .pipe(z.number().int().min(min).max(max))
    .default(fallback);

const decimal = (fallback: number, min: number, max: number) =>
  z
    .string()
    .trim()
    .regex(/^\d+(\.\d+)?$/, 'must be a number')
    .transform(Number)
    .pipe(z.number().min(min).max(max))
    .default(fallback);

/** Like `integer`, but unset means undefined: the setting is off. */
const optionalInteger = (min: number, max: number) =>
  z.string().trim().regex(/^\d+$/, 'must be a whole number').transform(Number).pipe(z.number().int().min(min).max(max)).optional();

const duration = (fallbackMs: number) =>
  z
    .string()
    .trim()
    .regex(/^\d+(ms|s|m|h)?$/, 'must be a duration such as 500ms, 60s, 15m or 24h (plain numbers are seconds)')
    .transform((value) => {
      const match = /^(\d+)(ms|s|m|h)?$/.exec(value)!;
      const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[(match[2] ?? 's') as 'ms' | 's' | 'm' | 'h'];
      return Number(match[1]) * unit;
    })
    .default(fallbackMs);

/** Comma-separated CIDR ranges or addresses (`*` for every address), each checked. */
const addressRanges = z
  .string()
  .default('')
  .transform((value) => value.split(',').map((part) => part.trim()).filter(Boolean))
  .superRefine((ranges, ctx) => {
    for (const range of ranges) {
      if (range === '*') continue;
      try {
        parseCidr(range);
      } catch (error) {
        ctx.addIssue({ code: 'custom', message: (error as Error).message });
      }
    }
  });

const ConfigSchema = z.object({
  API_HOST: z.string().min(1).default('0.0.0.0'),
  API_PORT: integer(8000, 0, 65535),
  WEB_PORT: integer(3000, 0, 65535),
  CORS_ORIGINS: z
    .string()
    .default('http://localhost:3000')
    .transform((value) => value.split(',').map((origin) => origin.trim()).filter(Boolean)),
  DATA_DIR: z.string().min(1).default('./data'),
  // Any method; the sieve stops at 2^53 - 1 on its own.
  MAX_N: z
    .string()
    .trim()
    .regex(/^\d+$/, 'must be a whole number (digits)')
    .transform(BigInt)
    .pipe(z.bigint().min(BigInt(MIN_N)).max(COMBINATORIAL_MAX_N))
    .default(DEFAULT_MAX_N),
  // Units are sized to take about UNIT_SECONDS on the thread that gets them (leases/unit-size.ts);
  // UNIT_SIZE, when set, forces fixed units of that many positions instead (stress tests).
  UNIT_SECONDS: decimal(30, 1, 86_400),
  UNIT_SIZE: optionalInteger(1000, 1e12),
  LEASE_TIMEOUT: duration(60_000),
  MAX_ATTEMPTS: integer(3, 1, 100),
  // Trust (coordinator/trust/): who is independent, who is trusted, how votes decide.
  REPLICATION: integer(2, 2, 5),
  SPOT_CHECK_RATE: decimal(0.1, 0, 1),
  TRUST_AFTER: integer(10, 1, 1_000_000),
  WORKER_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
  TRUSTED_NETWORKS: addressRanges,
  TRUSTED_PROXIES: addressRanges,
  NETWORK_PREFIX_V4: integer(24, 0, 32),
  NETWORK_PREFIX_V6: integer(56, 0, 128),
  MAX_CONNECTIONS_PER_NETWORK: integer(64, 0),
  QUARANTINE_TIME: duration(3_600_000),
  DISPUTE_TIMEOUT: duration(600_000),
  RESULT_TTL: duration(24 * 3_600_000),
  MAX_ACTIVE_JOBS: integer(100, 0),
  SUBMIT_RATE_LIMIT: integer(120, 0),
  MAX_VOLUNTEERS: integer(1000, 0),
  // Abuse limits: leases sized to measured throughput, idle and refused sockets, slow readers.
  NEW_VOLUNTEER_LEASES: integer(2, 1, 256),
  MAX_THREADS_PER_VOLUNTEER: integer(32, 1, 256),
  LEASE_HOLD_FACTOR: integer(10, 1, 10_000),
  LEASE_HOLD_MIN: duration(60_000),
  HELLO_TIMEOUT: duration(5_000),
  // Load shedding (socket/load-shedder.ts): lease requests wait while the loop is this late; 0 never sheds.
  SHED_LAG: duration(20),
  SOCKET_BACKLOG_LIMIT: integer(524_288, 1024),
  API_TOKEN: z.string().min(1).optional(),
  API_BASE_URL: z.url().optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  LOG_FORMAT: z.enum(['pretty', 'json']).optional(),
});

export type Config = z.output<typeof ConfigSchema>;

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/** Parses the environment; empty strings count as unset. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const present = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined && value !== ''));
  const parsed = ConfigSchema.safeParse(present);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => `  ${issue.path.join('.')}: ${issue.message}`);
    throw new ConfigError(`invalid configuration:\n${lines.join('\n')}`);
  }
  return parsed.data;
}

/** For entry points: the configuration, or a message on stderr and exit code 2. */
export function loadConfigOrExit(env: NodeJS.ProcessEnv = process.env): Config {
  try {
    return loadConfig(env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    console.error(error.message);
    process.exit(2);
  }
}
