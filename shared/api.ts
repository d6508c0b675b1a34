/**
 * REST request and response bodies. These schemas validate requests on the server, validate
 * the form in the browser, and are the source of the OpenAPI document.
 */
import { z } from 'zod';
import { U64JsonSchema } from './kinds/u64-json.js';
import { U64_MAX } from './sieve/range.js';

export const MIN_N = 10_000;
/** The largest n the sieve method counts (positions are JS numbers). */
export const ABSOLUTE_MAX_N = Number.MAX_SAFE_INTEGER;
/** MAX_N's default: the largest n any method accepts unless the operator says otherwise. */
export const DEFAULT_MAX_N = 10n ** 18n;
/** The largest n the combinatorial kernel computes (signed 64-bit products). */
export const COMBINATORIAL_MAX_N = (1n << 63n) - 1n;
/** The smallest n the combinatorial method accepts (it has no sieve's unit size to respect). */
export const COMBINATORIAL_MIN_N = 1;

/** How pi(n) is computed: `auto` picks the faster method for n (see `methodFor`). */
export const Method = { Auto: 'auto', Sieve: 'sieve', Combinatorial: 'combinatorial' } as const;
export type Method = (typeof Method)[keyof typeof Method];
export const METHODS = Object.values(Method) as [Method, ...Method[]];

/**
 * Where `auto` switches from sieving 1..n to the combinatorial method. Measured through the
 * system (scripts/bench-pi.ts --crossover: REST job, one worker, one thread, submission to
 * result, 8 chunks, medians of 5 on a loaded 2-core machine): sieve vs combinatorial 0.08 s vs
 * 0.13 s at 1e7, 0.09 s vs 0.08 s at 3e7, 0.20 s vs 0.11 s at 1e8, 1.27 s vs 0.12 s at 1e9.
 * Below ~3e7 both are a few units' trip through the system; above it the sieve's O(n) shows.
 */
export const AUTO_CROSSOVER_N = 30_000_000n;

/** The method `auto` runs for n. */
export function methodFor(method: Method, n: bigint): typeof Method.Sieve | typeof Method.Combinatorial {
  if (method !== Method.Auto) return method;
  return n < AUTO_CROSSOVER_N ? Method.Sieve : Method.Combinatorial;
}

const SAFE_INTEGER_TEXT = String(Number.MAX_SAFE_INTEGER);
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

/**
 * n on the wire: a JSON number when it is a safe integer, a decimal string at any size (the
 * only way to send n above 2^53 - 1, which a JSON number cannot carry exactly).
 */
function nField(maxN: bigint) {
  return z
    .union([z.number(), z.string()], {
      error: (issue) => (issue.input === undefined ? 'n is required' : 'n must be a number, or a decimal string such as "1000000000000000000"'),
    })
    .superRefine((value, ctx) => {
      if (typeof value === 'number') {
        if (!Number.isFinite(value) || !Number.isInteger(value)) return void ctx.addIssue({ code: 'custom', message: 'n must be an integer', abort: true });
        if (!Number.isSafeInteger(value)) {
          return void ctx.addIssue({
            code: 'custom',
            message: `n above ${SAFE_INTEGER_TEXT} (2^53 - 1) must be sent as a decimal string, e.g. "n": "1000000000000000000": a JSON number that large is not exact`,
            abort: true,
          });
        }
      } else if (!/^(0|[1-9][0-9]*)$/.test(value)) {
        return void ctx.addIssue({ code: 'custom', message: 'n as a string must be decimal digits only, e.g. "1000000000000000000"', abort: true });
      }
      // The lower bound depends on the method: checkCountPrimesRequest.
      if (BigInt(value) > maxN) ctx.addIssue({ code: 'custom', message: `n must be an integer <= ${maxN}`, abort: true });
    })
    .describe(
      `n: an integer up to ${maxN}, as a JSON number up to 2^53 - 1 (${SAFE_INTEGER_TEXT}) or as a decimal string at any size; ` +
        `at least ${MIN_N} unless method is "combinatorial" (then at least 1)`,
    );
}

/** The fields of the submit body, in order (the order validation details are listed in). */
export const COUNT_PRIMES_FIELDS = ['n', 'chunks', 'method'] as const;

/** The submit body; `maxN` is the configured MAX_N. */
export function countPrimesRequestSchema(maxN: bigint | number | string = DEFAULT_MAX_N) {
  const limit = BigInt(maxN);
  return z
    .strictObject(
      {
        n: nField(limit),
        chunks: integerField('chunks', MIN_CHUNKS, MAX_CHUNKS),
        method: z
          .enum(METHODS, { error: `method must be one of ${METHODS.map((m) => `"${m}"`).join(', ')}` })
          .optional()
          .describe(
            '"auto" (default): the faster method for n; "sieve": sieve 1..n in contiguous chunks (n up to 2^53 - 1); ' +
              '"combinatorial": pi(n) by the combinatorial method (Deleglise-Rivat), its work cut into `chunks` parts of about equal cost',
          ),
      },
      { error: (issue) => (issue.code === 'unrecognized_keys' ? `unknown field` : 'body must be a JSON object') },
    );
}

/**
 * The checks that join fields (n's lower bound and the sieve's limit depend on `method`),
 * on a body whose own fields may be wrong: they run whatever else failed, so every offending
 * field is named at once.
 */
function crossFieldDetails(body: unknown): { field: string; message: string }[] {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return [];
  const { n: rawN, method: rawMethod } = body as Record<string, unknown>;
  const n = typeof rawN === 'number' && Number.isSafeInteger(rawN) ? BigInt(rawN) : typeof rawN === 'string' && /^(0|[1-9][0-9]*)$/.test(rawN) ? BigInt(rawN) : undefined;
  if (n === undefined) return [];
  const method = METHODS.includes(rawMethod as Method) ? (rawMethod as Method) : Method.Auto;
  if (n < BigInt(COMBINATORIAL_MIN_N)) return [{ field: 'n', message: `n must be an integer >= ${method === Method.Combinatorial ? COMBINATORIAL_MIN_N : MIN_N}` }];
  if (method !== Method.Combinatorial && n < BigInt(MIN_N)) return [{ field: 'n', message: `n must be an integer >= ${MIN_N}` }];
  if (method === Method.Sieve && n > BigInt(ABSOLUTE_MAX_N)) {
    return [{ field: 'n', message: `the sieve counts n up to ${SAFE_INTEGER_TEXT} (2^53 - 1); use "method": "combinatorial" (or "auto") for larger n` }];
  }
  return [];
}

export type CountPrimesCheck =
  | { success: true; data: z.output<ReturnType<typeof countPrimesRequestSchema>> }
  | { success: false; details: { field: string; message: string }[] };

/** Validates a submit body (server and page alike): the schema, then the checks joining fields. */
export function checkCountPrimesRequest(schema: ReturnType<typeof countPrimesRequestSchema>, body: unknown): CountPrimesCheck {
  const parsed = schema.safeParse(body);
  const details = [...(parsed.success ? [] : validationDetails(parsed.error)), ...crossFieldDetails(body)];
  if (details.length > 0) return { success: false, details: sortDetails(details, COUNT_PRIMES_FIELDS) };
  if (!parsed.success) throw new Error('unreachable: a failed parse has details');
  return { success: true, data: parsed.data };
}

export const CountPrimesRequestSchema = countPrimesRequestSchema();
export type CountPrimesRequest = z.input<typeof CountPrimesRequestSchema>;

/** A count on the wire: a JSON number up to 2^53 - 1, a decimal string above. */
const countField = z
  .union([z.number().int().min(0).max(Number.MAX_SAFE_INTEGER), z.string().regex(/^[1-9][0-9]*$/)])
  .describe('a JSON number up to 2^53 - 1 (9007199254740991), a decimal string above it (exact digits)');

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

/**
 * The body of `POST /api/jobs`: a range kind over [from, to] in `chunks` chunks. The
 * combinatorial method counts prime-count ranges up to `combinatorialMaxN` (the operator's
 * MAX_N, as for `/api/count-primes`; at most 2^63 - 1, the kernel's limit).
 */
export function rangeJobRequestSchema(combinatorialMaxN: bigint = COMBINATORIAL_MAX_N) {
  const limitText = combinatorialMaxN === COMBINATORIAL_MAX_N ? `2^63 - 1 (${COMBINATORIAL_MAX_N})` : `${combinatorialMaxN} (MAX_N)`;
  return z
  .strictObject(
    {
      kind: z
        .enum(RANGE_JOB_KINDS, { error: `kind must be one of ${RANGE_JOB_KINDS.join(', ')}` })
        .describe('prime-count: primes in [from, to]; twin-count: pairs (p, p + 2) in it; max-gap: its largest gap between consecutive primes'),
      from: u64Field('from'),
      to: u64Field('to'),
      chunks: integerField('chunks', MIN_CHUNKS, MAX_CHUNKS),
      method: z
        .enum(METHODS, { error: `method must be one of ${METHODS.join(', ')}` })
        .optional()
        .describe(
          'prime-count only: "sieve" sieves [from, to]; "combinatorial" computes pi(to) - pi(from - 1) by the combinatorial ' +
            `method (to up to ${limitText}); "auto" (the default) picks the one its cost models say is faster, and the ` +
            'combinatorial method for a range of more than 2^53 - 1 numbers within its reach',
        ),
    },
    { error: (issue) => (issue.code === 'unrecognized_keys' ? `unknown field` : 'body must be a JSON object') },
  )
  .superRefine((body, ctx) => {
    const primeCount = body.kind === 'prime-count';
    if (body.method !== undefined && !primeCount) {
      ctx.addIssue({ code: 'custom', path: ['method'], message: `method applies to kind prime-count only (${body.kind} always sieves): leave it out` });
    }
    const [from, to] = [parseU64Field(body.from), parseU64Field(body.to)];
    if (from === undefined || to === undefined) return;
    const method = primeCount ? (body.method ?? Method.Auto) : Method.Sieve;
    const combinatorialReaches = primeCount && to <= combinatorialMaxN;
    if (to < from) {
      ctx.addIssue({ code: 'custom', path: ['to'], message: 'to must be >= from' });
    } else if (method === Method.Combinatorial && !combinatorialReaches) {
      ctx.addIssue({ code: 'custom', path: ['to'], message: `the combinatorial method counts up to ${limitText}: use "method": "sieve" (or "auto") above it` });
    } else if (to - from >= BigInt(MAX_RANGE_WIDTH) && (method === Method.Sieve || !combinatorialReaches)) {
      const otherwise = combinatorialReaches ? ', or use "method": "combinatorial" (or "auto")' : '';
      ctx.addIssue({ code: 'custom', path: ['to'], message: `[from, to] may hold at most 2^53 - 1 (${MAX_RANGE_WIDTH}) numbers: narrow the range or split it into several jobs${otherwise}` });
    } else if (to - from + 1n < BigInt(body.chunks)) {
      ctx.addIssue({ code: 'custom', path: ['chunks'], message: `chunks must not exceed the ${to - from + 1n} numbers of [from, to]` });
    }
  });
}
export const RangeJobRequestSchema = rangeJobRequestSchema();
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
  prime_count: countField.optional(),
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
  /** count-primes and prime-count jobs: which method ran (auto resolved). */
  method: z.enum([Method.Sieve, Method.Combinatorial]).optional(),
  /** count-primes jobs: primes up to n. */
  n: countField.optional(),
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
  limits: z.strictObject({ min_n: z.number(), max_n: countField, max_chunks: z.number() }),
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

/** Details listed in the body's field order (stable: one field's keep their order). */
function sortDetails(details: { field: string; message: string }[], fieldOrder: readonly string[]): { field: string; message: string }[] {
  const rank = (field: string): number => (fieldOrder.includes(field) ? fieldOrder.indexOf(field) : fieldOrder.length);
  return details
    .map((detail, i) => ({ detail, i }))
    .sort((a, b) => rank(a.detail.field) - rank(b.detail.field) || a.i - b.i)
    .map(({ detail }) => detail);
}
