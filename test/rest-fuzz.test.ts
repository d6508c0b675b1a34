/** Random and malformed requests: every one gets a 4xx JSON error and nothing is created. */
import { expect, test } from 'vitest';
import { health, startTestCoordinator } from './support/harness.js';

/** mulberry32: a small seeded PRNG so a failure can be replayed from the printed seed. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface FuzzRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: string | Uint8Array;
}

function generator(random: () => number) {
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const randomString = (max: number) =>
    Array.from({ length: Math.floor(random() * max) }, () => String.fromCharCode(32 + Math.floor(random() * 95))).join('');
  const badNumbers = [9999, 0, -1, 1.5, 10000.25, 2 ** 53, 1e300, -1e20, Number.MIN_VALUE];
  const badValues = () => pick<unknown>([null, true, 'x', '2e5', [], {}, [10000], { n: 1 }, randomString(20), ...badNumbers]);
  const goodN = () => 10_000 + Math.floor(random() * 1e9);
  const goodChunks = () => 1 + Math.floor(random() * 128);

  function invalidJsonBody(): unknown {
    switch (Math.floor(random() * 6)) {
      case 0:
        return { n: badValues(), chunks: goodChunks() };
      case 1:
        return { n: goodN(), chunks: pick([0, 129, 1.5, -3, 1e9, null, '4', []]) };
      case 2:
        return { n: goodN(), chunks: goodChunks(), [randomString(8) || 'extra']: badValues() };
      case 3:
        return pick([{}, { n: goodN() }, { chunks: goodChunks() }]);
      case 4:
        return badValues();
      default: {
        let nested: unknown = { n: goodN() };
        for (let i = 0; i < 1 + random() * 50; i++) nested = { nested };
        return nested;
      }
    }
  }

  return (): FuzzRequest => {
    switch (Math.floor(random() * 7)) {
      case 0:
      case 1:
        return {
          method: 'POST',
          path: '/api/count-primes',
          headers: { 'content-type': pick(['application/json', 'text/plain', 'application/x-www-form-urlencoded', '']) },
          body: JSON.stringify(invalidJsonBody()),
        };
      case 2: {
        const bytes = new Uint8Array(Math.floor(random() * 300));
        for (let i = 0; i < bytes.length; i++) bytes[i] = Math.floor(random() * 256);
        if (bytes.length > 0 && bytes[0] === 0x7b) bytes[0] = 0x20;
        return { method: 'POST', path: '/api/count-primes', headers: { 'content-type': 'application/json' }, body: bytes };
      }
      case 3:
        return {
          method: 'POST',
          path: '/api/count-primes',
          headers: { 'content-type': 'application/json' },
          body: `{"n": ${goodN()}, "chunks": ${goodChunks()}, "pad": "${'y'.repeat(16_500 + Math.floor(random() * 5000))}"}`,
        };
      case 4:
        return {
          method: 'POST',
          path: '/api/count-primes',
          headers: { 'content-type': 'application/json' },
          body: pick(['{', '{"n": }', '{"n": 10000, "chunks": 2', "{'n': 10000}", 'NaN', '{"n": 1e}', '\u0000']),
        };
      case 5:
        return {
          method: pick(['GET', 'DELETE']),
          path: `/api/jobs/${encodeURIComponent(pick([randomString(40) || 'x', '../../etc/passwd', '%00', 'x'.repeat(2000), crypto.randomUUID()]))}`,
          headers: {},
        };
      default:
        return {
          method: pick(['PUT', 'PATCH', 'GET', 'DELETE']),
          path: pick(['/api/count-primes', '/api/jobs', '/api', `/${randomString(10).replace(/[^a-z]/g, '')}x`]),
          headers: {},
          body: undefined,
        };
    }
  };
}

test('1,200 random and malformed requests: all 4xx with a JSON error, none creates a job', async () => {
  await using coordinator = await startTestCoordinator({ SUBMIT_RATE_LIMIT: '0' });
  const seed = Number(process.env['FUZZ_SEED'] ?? Date.now() % 1_000_000);
  const next = generator(prng(seed));
  const failures: string[] = [];
  for (let batch = 0; batch < 60; batch++) {
    await Promise.all(
      Array.from({ length: 20 }, async () => {
        const request = next();
        if (request.method === 'GET' && request.path === '/api/jobs') request.path = '/api/jobs/none';
        const response = await fetch(`${coordinator.apiUrl}${request.path}`, {
          method: request.method,
          headers: request.headers,
          ...(request.body === undefined ? {} : { body: request.body }),
        });
        const text = await response.text();
        let error: unknown;
        try {
          error = (JSON.parse(text) as { error?: unknown }).error;
        } catch {
          error = undefined;
        }
        if (response.status < 400 || response.status >= 500 || typeof error !== 'string') {
          failures.push(`${request.method} ${request.path.slice(0, 60)} -> ${response.status} ${text.slice(0, 120)}`);
        }
      }),
    );
  }
  expect({ seed, failures }).toEqual({ seed, failures: [] });
  expect(coordinator.domain.jobs.size).toBe(0);
  expect(await health(coordinator.apiUrl)).toMatchObject({ status: 'ok' });
});
