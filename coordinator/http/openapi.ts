/** The OpenAPI document, generated from the same zod schemas that validate requests. */
import { OpenAPIRegistry, OpenApiGeneratorV31 } from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';
import {
  AUTO_CROSSOVER_N,
  ErrorBodySchema,
  HealthSchema,
  JobAcceptedSchema,
  JobListSchema,
  JobViewSchema,
  rangeJobRequestSchema,
  ServiceInfoSchema,
  countPrimesRequestSchema,
} from '../../shared/api.js';

/** `tokenRequired`: API_TOKEN is set, so POST and DELETE show the bearer scheme and their 401. */
export function buildOpenApiDocument(version: string, maxN: bigint, tokenRequired: boolean) {
  const registry = new OpenAPIRegistry();
  // Schemas are used inline: registering named components needs zod extended before the
  // shared schemas are created, and the shared module stays free of OpenAPI decoration.
  const error = ErrorBodySchema;
  const jobView = JobViewSchema;
  const request = countPrimesRequestSchema(maxN);
  const jobId = z.string().uuid().describe('The job id returned by POST /api/count-primes or POST /api/jobs');
  const errorResponse = (description: string) => ({ description, content: { 'application/json': { schema: error } } });
  // Without a token the docs show no padlocks and no 401: nothing asks for one.
  const guarded: { security: Record<string, string[]>[]; responses: Record<number, ReturnType<typeof errorResponse>> } = tokenRequired
    ? {
        security: [{ [registry.registerComponent('securitySchemes', 'bearer', { type: 'http', scheme: 'bearer' }).name]: [] }],
        responses: { 401: errorResponse('Missing or wrong bearer token') },
      }
    : { security: [], responses: {} };

  registry.registerPath({
    method: 'post',
    path: '/api/count-primes',
    summary: 'Submit a job that counts the primes in 1..n',
    description:
      '`method` "sieve" cuts 1..n into `chunks` contiguous chunks (the unit of progress) that volunteers sieve; ' +
      '"combinatorial" computes pi(n) by the combinatorial method, its units grouped into `chunks` parts of about equal ' +
      'cost (fewer for tiny n, one per unit); "auto" (the default) runs the sieve below ' +
      `${AUTO_CROSSOVER_N} and the combinatorial method from there. n up to 2^53 - 1 may be a JSON number; any n may be ` +
      'a decimal string, and n above 2^53 - 1 must be one (a JSON number above it gets a 400 saying so). ' +
      'Job views give `n` and `result.prime_count` the same way: JSON numbers up to 2^53 - 1, decimal strings above.' +
      (tokenRequired ? ' Needs `Authorization: Bearer <API_TOKEN>`.' : ''),
    security: guarded.security,
    request: { body: { content: { 'application/json': { schema: request } }, required: true } },
    responses: {
      202: { description: 'Accepted', content: { 'application/json': { schema: JobAcceptedSchema } } },
      400: errorResponse('Validation error: details name each offending field and its rule'),
      ...guarded.responses,
      413: errorResponse('Body over 16 KB'),
      415: errorResponse('Body not sent as Content-Type: application/json'),
      429: errorResponse('Too many active jobs, or too many submissions (see Retry-After)'),
    },
  });
  registry.registerPath({
    method: 'post',
    path: '/api/jobs',
    summary: 'Submit a job over a range [from, to]: count its primes, its twin primes, or find its largest prime gap',
    description:
      'kind `prime-count`: result.prime_count, the primes p with from <= p <= to. ' +
      'kind `twin-count`: result.twin_count, the pairs (p, p + 2), both prime, with from <= p and p + 2 <= to. ' +
      'kind `max-gap`: result.max_gap, gap_start and gap_end, the largest q - p over consecutive primes p < q both in [from, to] ' +
      '(the smallest p on ties); all three null when [from, to] holds fewer than two primes. ' +
      '0 <= from <= to <= 2^64 - 1, sent as JSON numbers up to 2^53 - 1 and as decimal strings at any size (a JSON number above ' +
      '2^53 - 1 is refused: it has lost digits already); results and the view follow the same rule. ' +
      'A range to sieve may hold at most 2^53 - 1 numbers (to - from + 1): wider ranges get a 400, split them into several jobs. ' +
      '[from, to] is cut into `chunks` contiguous chunks (at most one per number) like 1..n for count-primes. ' +
      'prime-count alone takes `method`: "sieve" sieves [from, to]; "combinatorial" answers pi(to) - pi(from - 1) by the ' +
      'combinatorial method (to up to 2^63 - 1, any width; its units grouped into `chunks` parts of about equal cost, fewer ' +
      'for tiny ranges, one per unit); "auto" (the default) runs the combinatorial method where its modelled cost, two pi(x) ' +
      "(one when from < 3), is below the sieve's, which grows with the width and the height (ranges wide for their height: " +
      `[0, n] from n = ${AUTO_CROSSOVER_N} as for count-primes, [10^12, 10^12 + w] from w ~ 5e8, [10^15, 10^15 + w] from w ~ 7e9), ` +
      'and always for more than 2^53 - 1 numbers below 2^63. The view says which ran in `method`; ' +
      '`method` with another kind, "combinatorial" above 2^63 - 1, and "sieve" over more than 2^53 - 1 numbers get a 400.' +
      (tokenRequired ? ' Needs `Authorization: Bearer <API_TOKEN>`.' : ''),
    security: guarded.security,
    request: { body: { content: { 'application/json': { schema: rangeJobRequestSchema(maxN) } }, required: true } },
    responses: {
      202: { description: 'Accepted', content: { 'application/json': { schema: JobAcceptedSchema } } },
      400: errorResponse('Validation error: details name each offending field (kind, from, to, chunks, method) and its rule'),
      ...guarded.responses,
      413: errorResponse('Body over 16 KB'),
      415: errorResponse('Body not sent as Content-Type: application/json'),
      429: errorResponse('Too many active jobs, or too many submissions (see Retry-After)'),
    },
  });
  registry.registerPath({
    method: 'get',
    path: '/api/jobs/{job_id}',
    summary: 'State, progress and result of a job',
    description:
      'States only move forward: PENDING -> STARTED (first work leased) -> PROGRESS (first result in) -> ' +
      'SUCCESS, FAILURE or REVOKED. progress.completed counts finished chunks. A count-primes job shows `n`; a job of ' +
      'POST /api/jobs shows `kind`, `from` and `to`, and its kind\'s result fields; count-primes and prime-count jobs show ' +
      'the `method` that ran ("sieve" or "combinatorial").',
    request: { params: z.object({ job_id: jobId }) },
    responses: {
      200: { description: 'The job', content: { 'application/json': { schema: jobView } } },
      404: errorResponse('No such job (or its result has expired)'),
    },
  });
  registry.registerPath({
    method: 'delete',
    path: '/api/jobs/{job_id}',
    summary: 'Cancel a job (state REVOKED; its leases are withdrawn from volunteers)',
    security: guarded.security,
    request: { params: z.object({ job_id: jobId }) },
    responses: {
      200: { description: 'The cancelled job', content: { 'application/json': { schema: jobView } } },
      ...guarded.responses,
      404: errorResponse('No such job'),
      409: errorResponse('The job has already ended'),
    },
  });
  registry.registerPath({
    method: 'get',
    path: '/api/jobs',
    summary: 'Recent jobs, newest first',
    request: { query: z.object({ limit: z.string().optional().describe('1..100, default 20') }) },
    responses: {
      200: { description: 'Jobs', content: { 'application/json': { schema: JobListSchema } } },
      400: errorResponse('limit is not a whole number from 1 to 100'),
    },
  });
  registry.registerPath({
    method: 'get',
    path: '/health',
    summary: 'Liveness and the connected volunteers',
    responses: { 200: { description: 'Healthy', content: { 'application/json': { schema: HealthSchema } } } },
  });
  registry.registerPath({
    method: 'get',
    path: '/',
    summary: 'Service information and limits',
    responses: { 200: { description: 'Service', content: { 'application/json': { schema: ServiceInfoSchema } } } },
  });

  return new OpenApiGeneratorV31(registry.definitions).generateDocument({
    openapi: '3.1.0',
    info: {
      title: 'Distributed Prime Counter',
      version,
      description:
        'Counts the primes up to n exactly, and primes, twin primes and the largest prime gap in ranges up to 2^64 - 1, on a swarm of volunteer browsers and headless workers.',
    },
  });
}

