/**
 * The REST client: finds the API at run time from /config.json (so one build works on any
 * host and port) and parses every response with the shared schemas.
 */
import { z } from 'zod';
import {
  ErrorBodySchema,
  JobAcceptedSchema,
  JobListSchema,
  JobViewSchema,
  ServiceInfoSchema,
  type CountPrimesRequest,
  type RangeJobRequest,
  type ErrorBody,
  type JobAccepted,
  type JobView,
  type ServiceInfo,
} from '../../../../shared/api.js';

const PageConfigSchema = z.object({
  apiBaseUrl: z.string().nullable(),
  apiPort: z.number().int().min(0).max(65535),
});

export interface ApiEndpoint {
  /** Base URL without a trailing slash; REST paths are appended to it. */
  baseUrl: string;
  /** Socket.IO connects to this origin on `socketPath` (keeps any path prefix of API_BASE_URL). */
  socketOrigin: string;
  socketPath: string;
}

/** Why a call failed: the coordinator could not be reached, or it answered with an error body. */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  constructor(
    message: string,
    readonly status: number | undefined,
    readonly body: ErrorBody | undefined,
  ) {
    super(message);
  }

  get unreachable(): boolean {
    return this.status === undefined;
  }
}

const REQUEST_TIMEOUT_MS = 10_000;

export async function discoverEndpoint(): Promise<ApiEndpoint> {
  const config = PageConfigSchema.parse(await fetchJson(new URL('/config.json', location.href).href));
  const base = new URL(config.apiBaseUrl ?? `${location.protocol}//${location.hostname}:${config.apiPort}`);
  const prefix = base.pathname.replace(/\/+$/, '');
  return { baseUrl: `${base.origin}${prefix}`, socketOrigin: base.origin, socketPath: `${prefix}/socket.io/` };
}

export class ApiClient {
  constructor(readonly endpoint: ApiEndpoint) {}

  async serviceInfo(): Promise<ServiceInfo> {
    return ServiceInfoSchema.parse(await this.call('/'));
  }

  async recentJobs(limit: number): Promise<JobView[]> {
    return JobListSchema.parse(await this.call(`/api/jobs?limit=${limit}`)).jobs;
  }

  async job(jobId: string): Promise<JobView> {
    return JobViewSchema.parse(await this.call(`/api/jobs/${encodeURIComponent(jobId)}`));
  }

  async submit(request: CountPrimesRequest): Promise<JobAccepted> {
    return JobAcceptedSchema.parse(
      await this.call('/api/count-primes', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify(request),
      }),
    );
  }

  /** POST /api/jobs: a range kind over [from, to]. */
  async submitRange(request: RangeJobRequest): Promise<JobAccepted> {
    return JobAcceptedSchema.parse(
      await this.call('/api/jobs', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify(request),
      }),
    );
  }

  /** DELETE /api/jobs/{id}: the job as cancelled (REVOKED). `token` when the coordinator has an API_TOKEN. */
  async cancel(jobId: string, token?: string): Promise<JobView> {
    return JobViewSchema.parse(
      await this.call(`/api/jobs/${encodeURIComponent(jobId)}`, {
        method: 'DELETE',
        ...(token ? { headers: { Authorization: `Bearer ${token}` } } : {}),
      }),
    );
  }

  private call(path: string, init?: RequestInit): Promise<unknown> {
    return fetchJson(`${this.endpoint.baseUrl}${path}`, init);
  }
}

async function fetchJson(url: string, init?: RequestInit): Promise<unknown> {
  let response: Response;
  try {
    response = await fetch(url, { ...init, signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
  } catch (error) {
    throw new ApiError(`cannot reach ${new URL(url).host}: ${error instanceof Error ? error.message : String(error)}`, undefined, undefined);
  }
  const body: unknown = await response.json().catch(() => undefined);
  if (!response.ok) {
    const parsed = ErrorBodySchema.safeParse(body);
    const message = parsed.success ? parsed.data.message : `HTTP ${response.status}`;
    throw new ApiError(message, response.status, parsed.success ? parsed.data : undefined);
  }
  return body;
}
