/**
 * REST request and response bodies. These schemas validate requests on the server, validate
 * the form in the browser, and are the source of the OpenAPI document.
 */
import { z } from 'zod';
import { U64JsonSchema } from './kinds/u64-json.js';
import { U64_MAX } from './sieve/range.js';

export const MIN_N = 10_000;
export const ABSOLUTE_MAX_N = Number.MAX_SAFE_INTEGER;
export const MIN_CHUNKS = 1;
export const MAX_CHUNKS = 128;

export const JobState = {
  Pending: 'PENDING',
  Started: 'STARTED',
  Progress: 'PROGRESS',
  Success: 'SUCCESS',
  Failure: 'FAILURE',
  Revoked: 'REVOKED',
} as const;
export type JobState = (typeof JobState)[keyof typeof JobState];
export const JOB_STATES = Object.values(JobState) as [JobState, ...JobState[]];
export const TERMINAL_STATES: ReadonlySet<JobState> = new Set([
  JobState.Success,
  JobState.Failure,
  JobState.Revoked,
]);

/** Order in which states may be entered; a job never moves to a lower rank. */
export const STATE_RANK: Record<JobState, number> = {
  PENDING: 0,
  STARTED: 1,
  PROGRESS: 2,
  SUCCESS: 3,
  FAILURE: 3,
  REVOKED: 3,
};

function integerField(field: string, min: number, max: number) {
  return z
    .number({ error: (issue) => (issue.input === undefined ? `${field} is required` : `${field} must be a number`) })
    // Bounds first, each aborting, so 2^53 is reported as too large rather than as a non-integer.
    .min(min, { error: `${field} must be an integer >= ${min}`, abort: true })
    .max(max, { error: `${field} must be an integer <= ${max}`, abort: true })
    .int({ error: `${field} must be an integer` })
    .describe(`${field}: an integer from ${min} to ${max}`);
}

/** The submit body; `maxN` is the configured MAX_N (never above 2^53 - 1). */
export function countPrimesRequestSchema(maxN: number = ABSOLUTE_MAX_N) {
  return z.strictObject(
    {
      n: integerField('n', MIN_N, Math.min(maxN, ABSOLUTE_MAX_N)),
      chunks: integerField('chunks', MIN_CHUNKS, MAX_CHUNKS),
    },
    { error: (issue) => (issue.code === 'unrecognized_keys' ? `unknown field` : 'body must be a JSON object') },
  );
}
export const CountPrimesRequestSchema = countPrimesRequestSchema();
export type CountPrimesRequest = z.infer<typeof CountPrimesRequestSchema>;

/** The kinds `POST /api/jobs` runs over a range [from, to] (shared/kinds/). */
export const RANGE_JOB_KINDS = ['prime-count', 'twin-count', 'max-gap'] as const;
export type RangeJobKind = (typeof RANGE_JOB_KINDS)[number];

/** Positions are JS numbers: a range holds at most 2^53 - 1 numbers. */
export const MAX_RANGE_WIDTH = Number.MAX_SAFE_INTEGER;

/** A request's 64-bit integer: a JSON number up to 2^53 - 1, or a decimal string up to 2^64 - 1. */
export function parseU64Field(value: unknown): bigint | undefined {
  if (typeof value === 'number') return Number.isSafeInteger(value) && value >= 0 ? BigInt(value) : undefined;
  if (typeof value !== 'string' || !/^(0|[1-9][0-9]{0,19})$/.test(value)) return undefined;
  const parsed = BigInt(value);
  return parsed <= U64_MAX ? parsed : undefined;
}

function u64Field(field: string) {
  return z
    .union([z.number(), z.string()], {
      error: (issue) =>
        issue.input === undefined ? `${field} is required` : `${field} must be an integer: a JSON number, or a decimal string`,
    })
    .superRefine((value, ctx) => {
      if (parseU64Field(value) !== undefined) return;
      const message =
        typeof value === 'number' && Number.isInteger(value) && value > Number.MAX_SAFE_INTEGER
          ? `${field} is above 2^53 - 1, where JSON numbers lose digits: send it as a decimal string, e.g. "18446744073709551615"`
          : typeof value === 'number'
            ? `${field} must be an integer >= 0`
            : `${field} must be a decimal string of digits from "0" to "18446744073709551615" (2^64 - 1)`;
      ctx.addIssue({ code: 'custom', message, abort: true });
    })
    .describe(`${field}: an integer from 0 to 2^64 - 1; a JSON number up to 2^53 - 1, a decimal string at any size`);
}

/** The body of `POST /api/jobs`: a range kind over [from, to] in `chunks` chunks. */
export const RangeJobRequestSchema = z
  .strictObject(
    {
      kind: z
        .enum(RANGE_JOB_KINDS, { error: `kind must be one of ${RANGE_JOB_KINDS.join(', ')}` })
        .describe('prime-count: primes in [from, to]; twin-count: pairs (p, p + 2) in it; max-gap: its largest gap between consecutive primes'),
      from: u64Field('from'),
      to: u64Field('to'),
      chunks: integerField('chunks', MIN_CHUNKS, MAX_CHUNKS),
    },
    { error: (issue) => (issue.code === 'unrecognized_keys' ? `unknown field` : 'body must be a JSON object') },
  )
  .superRefine((body, ctx) => {
    const [from, to] = [parseU64Field(body.from), parseU64Field(body.to)];
    if (from === undefined || to === undefined) return;
    if (to < from) {
      ctx.addIssue({ code: 'custom', path: ['to'], message: 'to must be >= from' });
    } else if (to - from >= BigInt(MAX_RANGE_WIDTH)) {
      ctx.addIssue({ code: 'custom', path: ['to'], message: `[from, to] may hold at most 2^53 - 1 (${MAX_RANGE_WIDTH}) numbers: narrow the range or split it into several jobs` });
    } else if (to - from + 1n < BigInt(body.chunks)) {
      ctx.addIssue({ code: 'custom', path: ['chunks'], message: `chunks must not exceed the ${to - from + 1n} numbers of [from, to]` });
    }
  });
export type RangeJobRequest = z.infer<typeof RangeJobRequestSchema>;

export const JobAcceptedSchema = z.strictObject({
  job_id: z.string().uuid(),
  status: z.literal(JobState.Pending),
});
export type JobAccepted = z.infer<typeof JobAcceptedSchema>;

export const ProgressSchema = z.strictObject({
  completed: z.number().int().min(0),
  total: z.number().int().min(1),
});

/** A job's answer: the fields of its kind, and how long it took. Numbers above 2^53 - 1 are decimal strings. */
export const JobResultSchema = z.strictObject({
  /** count-primes and prime-count. */
  prime_count: z.number().int().min(0).optional(),
  /** twin-count. */
  twin_count: U64JsonSchema.optional(),
  /** max-gap: the largest gap q - p between consecutive primes in [from, to], the smallest such p, and q; null when [from, to] holds fewer than two primes. */
  max_gap: U64JsonSchema.nullable().optional(),
  gap_start: U64JsonSchema.nullable().optional(),
  gap_end: U64JsonSchema.nullable().optional(),
  duration_sec: z.number().min(0),
});

export const JobViewSchema = z.strictObject({
  job_id: z.string().uuid(),
  state: z.enum(JOB_STATES),
  /** count-primes jobs: primes up to n. */
  n: z.number().int().optional(),
  /** Jobs of POST /api/jobs: the kind and the range [from, to] (decimal strings above 2^53 - 1). */
  kind: z.enum(RANGE_JOB_KINDS).optional(),
  from: U64JsonSchema.optional(),
  to: U64JsonSchema.optional(),
  chunks: z.number().int(),
  progress: ProgressSchema,
  created_at: z.string(),
  /** When the job reached SUCCESS, FAILURE or REVOKED. */
  finished_at: z.string().optional(),
  result: JobResultSchema.optional(),
  /** Present on a job whose answer was checked independently of every volunteer before it succeeded. */
  verified: z.literal(true).optional(),
  verified_by: z.string().describe('what checked the answer, e.g. "combinatorial pi(n) on the coordinator"').optional(),
  error: z.string().optional(),
  waiting: z
    .string()
    .describe(
      'present while the job cannot progress until an independent volunteer comes, e.g. "waiting for a volunteer on another network (or a trusted worker) to confirm [1, 1000000]"',
    )
    .optional(),
});
export type JobView = z.infer<typeof JobViewSchema>;

export const JobListSchema = z.strictObject({ jobs: z.array(JobViewSchema) });
export type JobList = z.infer<typeof JobListSchema>;

export const ValidationIssueSchema = z.strictObject({ field: z.string(), message: z.string() });
export const ErrorBodySchema = z.strictObject({
  error: z.string(),
  message: z.string(),
  details: z.array(ValidationIssueSchema).optional(),
});
export type ErrorBody = z.infer<typeof ErrorBodySchema>;

export const HealthSchema = z.strictObject({
  status: z.literal('ok'),
  workers: z.number().int(),
  threads: z.number().int(),
  browsers: z.number().int(),
  nodes: z.number().int(),
  active_jobs: z.number().int(),
  uptime_sec: z.number(),
});
export type Health = z.infer<typeof HealthSchema>;

export const ServiceInfoSchema = z.strictObject({
  name: z.string(),
  version: z.string(),
  docs: z.string(),
  openapi: z.string(),
  health: z.string(),
  limits: z.strictObject({ min_n: z.number(), max_n: z.number(), max_chunks: z.number() }),
});
export type ServiceInfo = z.infer<typeof ServiceInfoSchema>;

/** Turns zod issues into `{field, message}` pairs, naming the offending field. */
export function validationDetails(error: z.ZodError): { field: string; message: string }[] {
  return error.issues.flatMap((issue) => {
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => ({ field: key, message: `${key} is not a known field` }));
    }
    const field = issue.path.map(String).join('.') || 'body';
    return [{ field, message: issue.message }];
  });
}
