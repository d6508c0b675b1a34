/** The REST API as seen from a terminal: every answer parsed with the shared schemas. */
import type { z } from 'zod';
import { ErrorBodySchema, JobAcceptedSchema, JobListSchema, JobViewSchema, type ErrorBody, type JobAccepted } from '../shared/api.js';

// Loose: a newer coordinator may add fields to a job view.
const JobViewLoose = JobViewSchema.loose();
export type JobViewSeen = z.infer<typeof JobViewLoose>;
const JobListLoose = JobListSchema.extend({ jobs: JobViewLoose.array() });

const REQUEST_TIMEOUT_MS = 15_000;

/** A call that failed: `status` is undefined when the coordinator could not be reached. */
export class RequestError extends Error {
  override readonly name = 'RequestError';
  constructor(
    message: string,
    readonly status: number | undefined,
    readonly body: ErrorBody | undefined,
  ) {
    super(message);
  }
}

export class CoordinatorClient {
  constructor(
    readonly baseUrl: string,
    private readonly token: string | undefined,
  ) {}

  /** POST /api/count-primes and, once the range kinds exist, their own bodies. */
  async submit(path: string, body: Record<string, unknown>): Promise<JobAccepted> {
    return JobAcceptedSchema.parse(await this.call('POST', path, body));
  }

  async job(jobId: string): Promise<JobViewSeen> {
    return JobViewLoose.parse(await this.call('GET', `/api/jobs/${encodeURIComponent(jobId)}`));
  }

  async jobs(limit: number): Promise<JobViewSeen[]> {
    return JobListLoose.parse(await this.call('GET', `/api/jobs?limit=${limit}`)).jobs;
  }

  async cancel(jobId: string): Promise<JobViewSeen> {
    return JobViewLoose.parse(await this.call('DELETE', `/api/jobs/${encodeURIComponent(jobId)}`));
  }

  private async call(method: string, path: string, body?: unknown): Promise<unknown> {
    const headers: Record<string, string> = {};
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (this.token !== undefined && method !== 'GET') headers['authorization'] = `Bearer ${this.token}`;
    let response: Response;
    try {
      response = await fetch(`${this.baseUrl}${path}`, {
        method,
        headers,
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      });
    } catch (error) {
      throw new RequestError(`cannot reach the coordinator at ${this.baseUrl}: ${reason(error)}`, undefined, undefined);
    }
    const parsed: unknown = await response.json().catch(() => undefined);
    if (response.ok) return parsed;
    const errorBody = ErrorBodySchema.safeParse(parsed);
    if (!errorBody.success) throw new RequestError(`${method} ${path}: HTTP ${response.status}`, response.status, undefined);
    const details = (errorBody.data.details ?? []).map((issue) => `\n  ${issue.field}: ${issue.message}`).join('');
    throw new RequestError(`${errorBody.data.message}${details}`, response.status, errorBody.data);
  }
}

/** fetch says "fetch failed"; the cause (refused, DNS, timeout) is underneath. */
function reason(error: unknown): string {
  const cause = (error as { cause?: unknown } | null)?.cause;
  const code = (cause as { code?: unknown } | undefined)?.code;
  if (error instanceof Error && error.name === 'TimeoutError') return `no answer within ${REQUEST_TIMEOUT_MS / 1000} s`;
  if (cause instanceof Error) return typeof code === 'string' && !cause.message.includes(code) ? `${code} ${cause.message}` : cause.message;
  return error instanceof Error ? error.message : String(error);
}
