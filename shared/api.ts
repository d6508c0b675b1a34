/**
 * REST request and response bodies. These schemas validate requests on the server, validate
 * the form in the browser, and are the source of the OpenAPI document.
 */
import { z } from 'zod';

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

export const JobAcceptedSchema = z.strictObject({
  job_id: z.string().uuid(),
  status: z.literal(JobState.Pending),
});
export type JobAccepted = z.infer<typeof JobAcceptedSchema>;

export const ProgressSchema = z.strictObject({
  completed: z.number().int().min(0),
  total: z.number().int().min(1),
});

export const JobResultSchema = z.strictObject({
  prime_count: z.number().int().min(0),
  duration_sec: z.number().min(0),
});

export const JobViewSchema = z.strictObject({
  job_id: z.string().uuid(),
  state: z.enum(JOB_STATES),
  n: z.number().int(),
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
