/** The contract of POST /api/jobs (range kinds) against a real coordinator on port 0. */
import { describe, expect, test } from 'vitest';
import { startTestCoordinator } from '../../test/support/harness.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

async function post(apiUrl: string, body: string) {
  const response = await fetch(`${apiUrl}/api/jobs`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
  return { status: response.status, headers: response.headers, body: (await response.json()) as Record<string, unknown> };
}

async function view(apiUrl: string, jobId: unknown): Promise<Record<string, unknown>> {
  return (await (await fetch(`${apiUrl}/api/jobs/${String(jobId)}`)).json()) as Record<string, unknown>;
}

describe('POST /api/jobs', () => {
  test('accepts each kind with 202 {job_id, status: PENDING}; the view shows kind, from and to', async () => {
    await using coordinator = await startTestCoordinator();
    for (const kind of ['prime-count', 'twin-count', 'max-gap']) {
      const response = await post(coordinator.apiUrl, JSON.stringify({ kind, from: 100, to: 1000, chunks: 4 }));
      expect(response.status).toBe(202);
      expect(response.body).toEqual({ job_id: expect.stringMatching(UUID), status: 'PENDING' });
      expect(response.headers.get('location')).toBe(`/api/jobs/${String(response.body['job_id'])}`);
      const job = await view(coordinator.apiUrl, response.body['job_id']);
      expect(job).toMatchObject({ state: 'PENDING', kind, from: 100, to: 1000, chunks: 4, progress: { completed: 0, total: 4 } });
      if (kind === 'prime-count') expect(job['method']).toBe('sieve');
      else expect(job).not.toHaveProperty('method');
      expect(job).not.toHaveProperty('n');
      expect(job).not.toHaveProperty('result');
    }
  });

  test('prime-count takes a method; the view says which runs (a tiny range has as many chunks as units)', async () => {
    await using coordinator = await startTestCoordinator();
    const cases: [string, Record<string, unknown>][] = [
      ['{"kind": "prime-count", "from": 1000000, "to": 2000000, "chunks": 4, "method": "combinatorial"}', { method: 'combinatorial', chunks: 4 }],
      ['{"kind": "prime-count", "from": 100, "to": 1000, "chunks": 4, "method": "combinatorial"}', { method: 'combinatorial', chunks: 2 }],
      ['{"kind": "prime-count", "from": 5, "to": 7, "chunks": 3, "method": "combinatorial"}', { method: 'combinatorial', chunks: 2 }],
      ['{"kind": "prime-count", "from": 100, "to": 1000, "chunks": 4, "method": "auto"}', { method: 'sieve', chunks: 4 }],
      ['{"kind": "prime-count", "from": "1000000000000", "to": "10000000000000", "chunks": 8}', { method: 'combinatorial', chunks: 8 }],
      ['{"kind": "prime-count", "from": 0, "to": "1000000000000000000", "chunks": 128}', { method: 'combinatorial', to: '1000000000000000000', chunks: 128 }],
      // Above MAX_N (10^18 by default) only the sieve counts.
      ['{"kind": "prime-count", "from": "1000000000000000001", "to": "1000000000001000000", "chunks": 2}', { method: 'sieve', chunks: 2 }],
      ['{"kind": "prime-count", "from": "9223372036854775808", "to": "9223372036863164414", "chunks": 2, "method": "sieve"}', { method: 'sieve', chunks: 2 }],
    ];
    for (const [body, expected] of cases) {
      const response = await post(coordinator.apiUrl, body);
      expect(response.status).toBe(202);
      const job = await view(coordinator.apiUrl, response.body['job_id']);
      expect(job).toMatchObject({ state: 'PENDING', kind: 'prime-count', ...expected, progress: { completed: 0, total: expected['chunks'] } });
    }
  });

  test('with MAX_N raised to 2^63 - 1 the combinatorial method counts up to it, and no further', async () => {
    await using coordinator = await startTestCoordinator({ MAX_N: '9223372036854775807' });
    const accepted = await post(coordinator.apiUrl, '{"kind": "prime-count", "from": 0, "to": "9223372036854775807", "chunks": 128}');
    expect(accepted.status).toBe(202);
    expect(await view(coordinator.apiUrl, accepted.body['job_id'])).toMatchObject({ method: 'combinatorial', to: '9223372036854775807' });
    const refused = await post(coordinator.apiUrl, '{"kind": "prime-count", "from": 0, "to": "9223372036854775808", "chunks": 1, "method": "combinatorial"}');
    expect({ status: refused.status, details: refused.body['details'] }).toEqual({
      status: 400,
      details: [{ field: 'to', message: 'the combinatorial method counts up to 2^63 - 1 (9223372036854775807): use "method": "sieve" (or "auto") above it' }],
    });
  });

  test('values above 2^53 - 1 travel as decimal strings; small strings come back as numbers', async () => {
    await using coordinator = await startTestCoordinator();
    const top = await post(
      coordinator.apiUrl,
      '{"kind": "twin-count", "from": "18446744073709551515", "to": "18446744073709551615", "chunks": 2}',
    );
    expect(top.status).toBe(202);
    expect(await view(coordinator.apiUrl, top.body['job_id'])).toMatchObject({ from: '18446744073709551515', to: '18446744073709551615' });
    const small = await post(coordinator.apiUrl, '{"kind": "max-gap", "from": "0", "to": "9007199254740993", "chunks": 1}');
    expect(small.status).toBe(400);
    const mixed = await post(coordinator.apiUrl, '{"kind": "max-gap", "from": "10", "to": 9007199254740991, "chunks": 1}');
    expect(mixed.status).toBe(202);
    expect(await view(coordinator.apiUrl, mixed.body['job_id'])).toMatchObject({ from: 10, to: 9007199254740991 });
  });

  test('the widest range holds 2^53 - 1 numbers', async () => {
    await using coordinator = await startTestCoordinator();
    const widest = await post(coordinator.apiUrl, '{"kind": "prime-count", "from": "9223372036854775808", "to": "9223372036863164414", "chunks": 128}');
    expect(widest.status).toBe(202);
    const atTop = await post(coordinator.apiUrl, '{"kind": "prime-count", "from": "18437736874454810625", "to": "18446744073709551615", "chunks": 128}');
    expect(atTop.status).toBe(202);
    expect(await view(coordinator.apiUrl, atTop.body['job_id'])).toMatchObject({ progress: { completed: 0, total: 128 } });
  });

  const wide = '[from, to] may hold at most 2^53 - 1 (9007199254740991) numbers: narrow the range or split it into several jobs';
  const asString = (field: string) =>
    `${field} is above 2^53 - 1, where JSON numbers lose digits: send it as a decimal string, e.g. "18446744073709551615"`;
  const digits = (field: string) => `${field} must be a decimal string of digits from "0" to "18446744073709551615" (2^64 - 1)`;
  const invalid: [string, string, { field: string; message: string }[]][] = [
    ['kind missing', '{"from": 1, "to": 10, "chunks": 1}', [{ field: 'kind', message: 'kind must be one of prime-count, twin-count, max-gap' }]],
    ['an unknown kind', '{"kind": "sieve", "from": 1, "to": 10, "chunks": 1}', [{ field: 'kind', message: 'kind must be one of prime-count, twin-count, max-gap' }]],
    ['from missing', '{"kind": "twin-count", "to": 10, "chunks": 1}', [{ field: 'from', message: 'from is required' }]],
    ['from a JSON number above 2^53 - 1', '{"kind": "twin-count", "from": 9007199254740992, "to": "9007199254740999", "chunks": 1}', [{ field: 'from', message: asString('from') }]],
    ['to 2^64 - 1 as a JSON number', '{"kind": "twin-count", "from": 1, "to": 18446744073709551615, "chunks": 1}', [{ field: 'to', message: asString('to') }]],
    ['to above 2^64 - 1', '{"kind": "twin-count", "from": "18446744073709551600", "to": "18446744073709551616", "chunks": 1}', [{ field: 'to', message: digits('to') }]],
    ['from negative', '{"kind": "prime-count", "from": -1, "to": 10, "chunks": 1}', [{ field: 'from', message: 'from must be an integer >= 0' }]],
    ['from not an integer', '{"kind": "prime-count", "from": 1.5, "to": 10, "chunks": 1}', [{ field: 'from', message: 'from must be an integer >= 0' }]],
    ['from a negative string', '{"kind": "prime-count", "from": "-1", "to": 10, "chunks": 1}', [{ field: 'from', message: digits('from') }]],
    ['from with a leading zero', '{"kind": "prime-count", "from": "01", "to": 10, "chunks": 1}', [{ field: 'from', message: digits('from') }]],
    ['from null', '{"kind": "prime-count", "from": null, "to": 10, "chunks": 1}', [{ field: 'from', message: 'from must be an integer: a JSON number, or a decimal string' }]],
    ['to below from', '{"kind": "max-gap", "from": 11, "to": 10, "chunks": 1}', [{ field: 'to', message: 'to must be >= from' }]],
    ['a range of 2^53 numbers', '{"kind": "max-gap", "from": 0, "to": 9007199254740992, "chunks": 1}', [{ field: 'to', message: asString('to') }]],
    ['a range of 2^53 numbers as strings', '{"kind": "max-gap", "from": "0", "to": "9007199254740992", "chunks": 1}', [{ field: 'to', message: wide }]],
    ['the whole 64-bit range', '{"kind": "prime-count", "from": 0, "to": "18446744073709551615", "chunks": 128}', [{ field: 'to', message: wide }]],
    ['more chunks than numbers', '{"kind": "prime-count", "from": 5, "to": 7, "chunks": 4}', [{ field: 'chunks', message: 'chunks must not exceed the 3 numbers of [from, to]' }]],
    ['chunks 0', '{"kind": "prime-count", "from": 5, "to": 700, "chunks": 0}', [{ field: 'chunks', message: 'chunks must be an integer >= 1' }]],
    ['chunks 129', '{"kind": "prime-count", "from": 5, "to": 700, "chunks": 129}', [{ field: 'chunks', message: 'chunks must be an integer <= 128' }]],
    ['chunks missing', '{"kind": "prime-count", "from": 5, "to": 700}', [{ field: 'chunks', message: 'chunks is required' }]],
    ['an unknown field', '{"kind": "prime-count", "from": 5, "to": 700, "chunks": 1, "n": 3}', [{ field: 'n', message: 'n is not a known field' }]],
    ['an array body', '[1, 2]', [{ field: 'body', message: 'body must be a JSON object' }]],
    ['a method for twin-count', '{"kind": "twin-count", "from": 5, "to": 700, "chunks": 1, "method": "sieve"}', [{ field: 'method', message: 'method applies to kind prime-count only (twin-count always sieves): leave it out' }]],
    ['a method for max-gap', '{"kind": "max-gap", "from": 5, "to": 700, "chunks": 1, "method": "combinatorial"}', [{ field: 'method', message: 'method applies to kind prime-count only (max-gap always sieves): leave it out' }]],
    ['an unknown method', '{"kind": "prime-count", "from": 5, "to": 700, "chunks": 1, "method": "fast"}', [{ field: 'method', message: 'method must be one of auto, sieve, combinatorial' }]],
    ['the combinatorial method above MAX_N', '{"kind": "prime-count", "from": "9223372036854775000", "to": "9223372036854775807", "chunks": 1, "method": "combinatorial"}', [{ field: 'to', message: 'the combinatorial method counts up to 1000000000000000000 (MAX_N): use "method": "sieve" (or "auto") above it' }]],
    ['a range of 2^53 numbers above MAX_N', '{"kind": "prime-count", "from": "1000000000000000001", "to": "1009007199254740993", "chunks": 1}', [{ field: 'to', message: wide }]],
    ['the sieve over 2^53 numbers below 2^63', '{"kind": "prime-count", "from": 0, "to": "9007199254740992", "chunks": 1, "method": "sieve"}', [{ field: 'to', message: `${wide}, or use "method": "combinatorial" (or "auto")` }]],
    ['more chunks than numbers, combinatorially', '{"kind": "prime-count", "from": 5, "to": 7, "chunks": 4, "method": "combinatorial"}', [{ field: 'chunks', message: 'chunks must not exceed the 3 numbers of [from, to]' }]],
  ];

  test.each(invalid)('refuses %s with 400 naming the field, creating nothing', async (_what, body, details) => {
    await using coordinator = await startTestCoordinator();
    const response = await post(coordinator.apiUrl, body);
    expect({ status: response.status, body: response.body }).toEqual({
      status: 400,
      body: { error: 'validation_error', message: 'the request body is invalid', details },
    });
    const { jobs } = (await (await fetch(`${coordinator.apiUrl}/api/jobs`)).json()) as { jobs: unknown[] };
    expect(jobs).toEqual([]);
  });

  test('the OpenAPI document describes POST /api/jobs and its width limit', async () => {
    await using coordinator = await startTestCoordinator();
    const openapi = (await (await fetch(`${coordinator.apiUrl}/openapi.json`)).json()) as {
      paths: Record<string, Record<string, { description?: string; requestBody?: unknown }>>;
    };
    const submit = openapi.paths['/api/jobs']?.['post'];
    expect(submit?.description).toContain('at most 2^53 - 1 numbers');
    expect(submit?.description).toContain('pi(to) - pi(from - 1)');
    expect(JSON.stringify(submit?.requestBody)).toContain('twin-count');
    expect(JSON.stringify(submit?.requestBody)).toContain('"combinatorial"');
  });
});
