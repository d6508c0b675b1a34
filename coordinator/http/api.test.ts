/** The REST contract against a real coordinator on port 0: status codes, bodies, limits. */
import { describe, expect, test } from 'vitest';
import { startTestCoordinator, submit } from '../../test/support/harness.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

async function post(apiUrl: string, body: string, headers: Record<string, string> = {}) {
  const response = await fetch(`${apiUrl}/api/count-primes`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body,
  });
  return { status: response.status, headers: response.headers, body: (await response.json()) as Record<string, unknown> };
}

async function jobCount(apiUrl: string): Promise<number> {
  const { jobs } = (await (await fetch(`${apiUrl}/api/jobs?limit=100`)).json()) as { jobs: unknown[] };
  return jobs.length;
}

describe('POST /api/count-primes', () => {
  test('accepts a valid body with 202, a job id, PENDING and a Location', async () => {
    await using coordinator = await startTestCoordinator();
    const response = await post(coordinator.apiUrl, JSON.stringify({ n: 200_000, chunks: 16 }));
    expect(response.status).toBe(202);
    expect(response.body).toEqual({ job_id: expect.stringMatching(UUID), status: 'PENDING' });
    expect(response.headers.get('location')).toBe(`/api/jobs/${String(response.body['job_id'])}`);
    const job = (await (await fetch(`${coordinator.apiUrl}/api/jobs/${String(response.body['job_id'])}`)).json()) as object;
    expect(job).toMatchObject({ state: 'PENDING', progress: { completed: 0, total: 16 }, n: 200_000, chunks: 16 });
    expect(job).not.toHaveProperty('result');
  });

  test('method: auto sieves below the crossover and counts combinatorially from it; views say which ran', async () => {
    await using coordinator = await startTestCoordinator();
    const view = async (body: object) => {
      const response = await post(coordinator.apiUrl, JSON.stringify(body));
      expect(response.status).toBe(202);
      return (await (await fetch(`${coordinator.apiUrl}/api/jobs/${String(response.body['job_id'])}`)).json()) as Record<string, unknown>;
    };
    expect(await view({ n: 200_000, chunks: 4 })).toMatchObject({ method: 'sieve', n: 200_000, chunks: 4 });
    expect(await view({ n: 10 ** 12, chunks: 4 })).toMatchObject({ method: 'combinatorial', n: 10 ** 12, chunks: 4, progress: { completed: 0, total: 4 } });
    expect(await view({ n: 10 ** 12, chunks: 4, method: 'sieve' })).toMatchObject({ method: 'sieve', n: 10 ** 12 });
    expect(await view({ n: 200_000, chunks: 4, method: 'combinatorial' })).toMatchObject({ method: 'combinatorial', n: 200_000 });
    // Exact digits both ways; a string at or below 2^53 - 1 comes back as a number.
    expect(await view({ n: '1000000000000000000', chunks: 128 })).toMatchObject({ method: 'combinatorial', n: '1000000000000000000', chunks: 128 });
    expect(await view({ n: '9007199254740993', chunks: 2, method: 'combinatorial' })).toMatchObject({ n: '9007199254740993' });
    expect(await view({ n: '9007199254740991', chunks: 2, method: 'sieve' })).toMatchObject({ method: 'sieve', n: 9007199254740991 });
    // Tiny n: as many parts as the plan has units.
    expect(await view({ n: 10, chunks: 8, method: 'combinatorial' })).toMatchObject({ n: 10, chunks: 1, progress: { total: 1 } });
  });

  const invalid: [string, string, { field: string; message: string }[]][] = [
    ['n below 10,000', '{"n": 9999, "chunks": 4}', [{ field: 'n', message: 'n must be an integer >= 10000' }]],
    [
      'n above 2^53 - 1 as a JSON number',
      '{"n": 9007199254740992, "chunks": 4}',
      [{ field: 'n', message: 'n above 9007199254740991 (2^53 - 1) must be sent as a decimal string, e.g. "n": "1000000000000000000": a JSON number that large is not exact' }],
    ],
    ['n 1e18 as a JSON number', '{"n": 1e18, "chunks": 4}', [{ field: 'n', message: 'n above 9007199254740991 (2^53 - 1) must be sent as a decimal string, e.g. "n": "1000000000000000000": a JSON number that large is not exact' }]],
    ['n above MAX_N as a string', '{"n": "1000000000000000001", "chunks": 4}', [{ field: 'n', message: 'n must be an integer <= 1000000000000000000' }]],
    [
      'the sieve above 2^53 - 1',
      '{"n": "9007199254740992", "chunks": 4, "method": "sieve"}',
      [{ field: 'n', message: 'the sieve counts n up to 9007199254740991 (2^53 - 1); use "method": "combinatorial" (or "auto") for larger n' }],
    ],
    ['n below 10,000 for auto', '{"n": 10, "chunks": 4, "method": "auto"}', [{ field: 'n', message: 'n must be an integer >= 10000' }]],
    ['n 0 for the combinatorial method', '{"n": 0, "chunks": 4, "method": "combinatorial"}', [{ field: 'n', message: 'n must be an integer >= 1' }]],
    ['an unknown method', '{"n": 10000, "chunks": 4, "method": "guess"}', [{ field: 'method', message: 'method must be one of "auto", "sieve", "combinatorial"' }]],
    ['n not an integer', '{"n": 10000.5, "chunks": 4}', [{ field: 'n', message: 'n must be an integer' }]],
    ['n a string not of digits', '{"n": "2e5", "chunks": 4}', [{ field: 'n', message: 'n as a string must be decimal digits only, e.g. "1000000000000000000"' }]],
    ['n null', '{"n": null, "chunks": 4}', [{ field: 'n', message: 'n must be a number, or a decimal string such as "1000000000000000000"' }]],
    ['n missing', '{"chunks": 4}', [{ field: 'n', message: 'n is required' }]],
    ['chunks 0', '{"n": 10000, "chunks": 0}', [{ field: 'chunks', message: 'chunks must be an integer >= 1' }]],
    ['chunks 129', '{"n": 10000, "chunks": 129}', [{ field: 'chunks', message: 'chunks must be an integer <= 128' }]],
    ['chunks not an integer', '{"n": 10000, "chunks": 2.5}', [{ field: 'chunks', message: 'chunks must be an integer' }]],
    ['chunks missing', '{"n": 10000}', [{ field: 'chunks', message: 'chunks is required' }]],
    ['an unknown field', '{"n": 10000, "chunks": 2, "chunk": 3}', [{ field: 'chunk', message: 'chunk is not a known field' }]],
    ['an array body', '[10000, 2]', [{ field: 'body', message: 'body must be a JSON object' }]],
    ['a number body', '10000', [{ field: 'body', message: 'body must be a JSON object' }]],
    ['a string body', '"n=10000"', [{ field: 'body', message: 'body must be a JSON object' }]],
    ['a null body', 'null', [{ field: 'body', message: 'body must be a JSON object' }]],
    [
      'an empty body',
      '',
      [
        { field: 'n', message: 'n is required' },
        { field: 'chunks', message: 'chunks is required' },
      ],
    ],
    ['malformed JSON', '{"n": 10000, "chunks": }', [{ field: 'body', message: 'body must be valid JSON' }]],
  ];

  test.each(invalid)('refuses %s with 400 naming the field and rule, creating nothing', async (_what, body, details) => {
    await using coordinator = await startTestCoordinator();
    const response = await post(coordinator.apiUrl, body);
    expect(response.status).toBe(400);
    expect(response.body['error']).toBe(body.startsWith('{"n": 10000, "chunks": }') ? 'malformed_json' : 'validation_error');
    expect(response.body['details']).toEqual(details);
    expect(await jobCount(coordinator.apiUrl)).toBe(0);
  });

  test('reports every offending field at once', async () => {
    await using coordinator = await startTestCoordinator();
    const response = await post(coordinator.apiUrl, '{"n": 5, "chunks": 500}');
    expect(response.status).toBe(400);
    expect(response.body['details']).toEqual([
      { field: 'n', message: 'n must be an integer >= 10000' },
      { field: 'chunks', message: 'chunks must be an integer <= 128' },
    ]);
  });

  test('MAX_N lowers the upper bound', async () => {
    await using coordinator = await startTestCoordinator({ MAX_N: '1000000' });
    const response = await post(coordinator.apiUrl, '{"n": 1000001, "chunks": 1}');
    expect(response.status).toBe(400);
    expect(response.body['details']).toEqual([{ field: 'n', message: 'n must be an integer <= 1000000' }]);
    expect((await post(coordinator.apiUrl, '{"n": 1000000, "chunks": 1}')).status).toBe(202);
  });

  test('bodies over 16 KB get 413 and create nothing', async () => {
    await using coordinator = await startTestCoordinator();
    const response = await post(coordinator.apiUrl, JSON.stringify({ n: 10_000, chunks: 1, pad: 'x'.repeat(17 * 1024) }));
    expect(response.status).toBe(413);
    expect(response.body['error']).toBe('payload_too_large');
    expect(await jobCount(coordinator.apiUrl)).toBe(0);
  });

  test('MAX_ACTIVE_JOBS answers 429 with Retry-After', async () => {
    await using coordinator = await startTestCoordinator({ MAX_ACTIVE_JOBS: '1' });
    expect((await submit(coordinator.apiUrl, { n: 10_000, chunks: 1 })).status).toBe(202);
    const response = await post(coordinator.apiUrl, '{"n": 10000, "chunks": 1}');
    expect(response.status).toBe(429);
    expect(response.body['error']).toBe('too_many_active_jobs');
    expect(response.headers.get('retry-after')).toBe('5');
    expect(await jobCount(coordinator.apiUrl)).toBe(1);
  });

  test('the per-client submission rate limit answers 429 with Retry-After', async () => {
    await using coordinator = await startTestCoordinator({ SUBMIT_RATE_LIMIT: '2' });
    for (let i = 0; i < 2; i++) expect((await submit(coordinator.apiUrl, { n: 10_000, chunks: 1 })).status).toBe(202);
    const response = await post(coordinator.apiUrl, '{"n": 10000, "chunks": 1}');
    expect(response.status).toBe(429);
    expect(response.body['error']).toBe('rate_limited');
    expect(Number(response.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(await jobCount(coordinator.apiUrl)).toBe(2);
  });

  test.each([
    ['text/plain', 'text/plain;charset=UTF-8'],
    ['a form', 'application/x-www-form-urlencoded'],
    ['no content type', undefined],
  ])('a POST sent as %s (what a cross-site form or fetch sends without preflight) gets 415 and creates nothing', async (_what, type) => {
    await using coordinator = await startTestCoordinator();
    const response = await fetch(`${coordinator.apiUrl}/api/count-primes`, {
      method: 'POST',
      headers: { origin: 'http://evil.example', ...(type === undefined ? {} : { 'content-type': type }) },
      body: type === undefined ? undefined : '{"n": 10000, "chunks": 1}',
    });
    expect(response.status).toBe(415);
    expect(await response.json()).toEqual({
      error: 'unsupported_media_type',
      message: 'request bodies must be JSON: send Content-Type: application/json',
      details: [
        {
          field: 'content-type',
          message: `content-type must be application/json, not ${type?.split(';')[0] ?? 'missing'}`,
        },
      ],
    });
    expect(await jobCount(coordinator.apiUrl)).toBe(0);
  });

  test('application/json with a charset is accepted', async () => {
    await using coordinator = await startTestCoordinator();
    const response = await post(coordinator.apiUrl, '{"n": 10000, "chunks": 1}', { 'content-type': 'application/json; charset=utf-8' });
    expect(response.status).toBe(202);
  });

  test('API_TOKEN guards POST and DELETE; reads stay open', async () => {
    await using coordinator = await startTestCoordinator({ API_TOKEN: 's3cret' });
    const refused = await post(coordinator.apiUrl, '{"n": 10000, "chunks": 1}');
    expect(refused.status).toBe(401);
    expect(refused.body['error']).toBe('unauthorized');
    for (const authorization of ['Bearer wrong', 'Bearer s3creT', 'Bearer s3cret2', 'Bearer s3cre', 's3cret', 'bearer s3cret', '']) {
      expect((await post(coordinator.apiUrl, '{"n": 10000, "chunks": 1}', { authorization })).status).toBe(401);
    }
    const accepted = await post(coordinator.apiUrl, '{"n": 10000, "chunks": 1}', { authorization: 'Bearer s3cret' });
    expect(accepted.status).toBe(202);
    const url = `${coordinator.apiUrl}/api/jobs/${String(accepted.body['job_id'])}`;
    expect((await fetch(url)).status).toBe(200);
    expect((await fetch(url, { method: 'DELETE' })).status).toBe(401);
    expect((await fetch(url, { method: 'DELETE', headers: { authorization: 'Bearer s3cret' } })).status).toBe(200);
  });
});

describe('jobs, cancellation and service endpoints', () => {
  test('unknown job ids answer 404 with a JSON error', async () => {
    await using coordinator = await startTestCoordinator();
    for (const id of ['00000000-0000-4000-8000-000000000000', 'not-a-uuid']) {
      const response = await fetch(`${coordinator.apiUrl}/api/jobs/${id}`);
      expect(response.status).toBe(404);
      expect(await response.json()).toEqual({ error: 'not_found', message: `no job with id ${id}` });
    }
  });

  test('DELETE revokes a running job, then answers 409; unknown ids 404', async () => {
    await using coordinator = await startTestCoordinator();
    const { body } = await submit(coordinator.apiUrl, { n: 10_000, chunks: 1 });
    const url = `${coordinator.apiUrl}/api/jobs/${(body as { job_id: string }).job_id}`;
    const cancelled = await fetch(url, { method: 'DELETE' });
    expect(cancelled.status).toBe(200);
    const view = (await cancelled.json()) as Record<string, unknown>;
    expect(view).toMatchObject({ state: 'REVOKED', error: 'cancelled by request' });
    expect(Date.parse(String(view['finished_at']))).toBeGreaterThanOrEqual(Date.parse(String(view['created_at'])));
    expect((await fetch(url, { method: 'DELETE' })).status).toBe(409);
    expect((await fetch(`${coordinator.apiUrl}/api/jobs/nope`, { method: 'DELETE' })).status).toBe(404);
  });

  test('GET /, /health, /metrics, /openapi.json and /docs', async () => {
    await using coordinator = await startTestCoordinator();
    expect(await (await fetch(`${coordinator.apiUrl}/`)).json()).toMatchObject({
      name: 'distributed-prime-counter',
      docs: '/docs',
      limits: { min_n: 10_000, max_n: '1000000000000000000', max_chunks: 128 },
    });
    expect(await (await fetch(`${coordinator.apiUrl}/health`)).json()).toMatchObject({ status: 'ok', workers: 0, threads: 0 });
    const openapi = (await (await fetch(`${coordinator.apiUrl}/openapi.json`)).json()) as { paths: Record<string, unknown> };
    expect(Object.keys(openapi.paths)).toEqual(
      expect.arrayContaining(['/api/count-primes', '/api/jobs/{job_id}', '/health']),
    );
    const docs = await fetch(`${coordinator.apiUrl}/docs/`);
    expect(docs.status).toBe(200);
    expect(await docs.text()).toContain('swagger-ui');
    const metrics = await (await fetch(`${coordinator.apiUrl}/metrics`)).text();
    expect(metrics).toContain('dpc_volunteers 0');
    expect(metrics).toContain('dpc_active_jobs 0');
    const missing = await fetch(`${coordinator.apiUrl}/nowhere`);
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({ error: 'not_found' });
  });

  test('a wrong method on a known path answers 405 with Allow', async () => {
    await using coordinator = await startTestCoordinator();
    const cases: [string, string, string][] = [
      ['PUT', '/api/jobs', 'GET, HEAD, POST'],
      ['GET', '/api/count-primes', 'POST'],
      ['POST', '/api/jobs/00000000-0000-4000-8000-000000000000', 'GET, HEAD, DELETE'],
      ['DELETE', '/health', 'GET, HEAD'],
    ];
    for (const [method, path, allow] of cases) {
      const response = await fetch(`${coordinator.apiUrl}${path}`, { method });
      expect({ method, path, status: response.status, allow: response.headers.get('allow') }).toEqual({ method, path, status: 405, allow });
      expect(await response.json()).toMatchObject({ error: 'method_not_allowed' });
    }
  });

  test('a limit that is not a whole number from 1 to 100 answers 400 naming it', async () => {
    await using coordinator = await startTestCoordinator();
    for (const limit of ['0', 'abc', '101', '-1', '2.5', '']) {
      const response = await fetch(`${coordinator.apiUrl}/api/jobs?limit=${limit}`);
      expect({ limit, status: response.status }).toEqual({ limit, status: 400 });
      expect(await response.json()).toEqual({
        error: 'validation_error',
        message: 'the query is invalid',
        details: [{ field: 'limit', message: 'limit must be an integer from 1 to 100' }],
      });
    }
    expect((await fetch(`${coordinator.apiUrl}/api/jobs?limit=100`)).status).toBe(200);
  });

  test('the docs show the bearer scheme only when API_TOKEN is set', async () => {
    const openApi = async (env: Record<string, string>) => {
      await using coordinator = await startTestCoordinator(env);
      return JSON.stringify(await (await fetch(`${coordinator.apiUrl}/openapi.json`)).json());
    };
    const open = await openApi({});
    expect(open).not.toContain('bearer');
    expect(open).not.toContain('"401"');
    expect(open).toContain('finished_at');
    const guarded = await openApi({ API_TOKEN: 's3cret' });
    expect(guarded).toContain('"securitySchemes":{"bearer"');
    expect(guarded).toContain('"401"');
  });

  test('CORS allows the configured origins only', async () => {
    await using coordinator = await startTestCoordinator();
    const allowed = await fetch(`${coordinator.apiUrl}/health`, { headers: { origin: 'http://localhost:3000' } });
    expect(allowed.headers.get('access-control-allow-origin')).toBe('http://localhost:3000');
    const other = await fetch(`${coordinator.apiUrl}/health`, { headers: { origin: 'http://evil.example' } });
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
  });
});
