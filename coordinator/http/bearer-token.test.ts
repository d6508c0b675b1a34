/** The token check compares fixed-length digests, so every header costs the same comparison. */
import { describe, expect, test } from 'vitest';
import { bearerTokenCheck } from './bearer-token.js';

describe('bearerTokenCheck', () => {
  const matches = bearerTokenCheck('s3cret');

  test('accepts exactly "Bearer <token>"', () => {
    expect(matches('Bearer s3cret')).toBe(true);
  });

  test.each(['Bearer s3cre', 'Bearer s3cret ', 'Bearer S3cret', 'bearer s3cret', 's3cret', '', 'Bearer ' + 'x'.repeat(10_000)])(
    'refuses %j without throwing, whatever its length',
    (header) => {
      expect(matches(header)).toBe(false);
    },
  );

  test('refuses a missing header', () => {
    expect(matches(undefined)).toBe(false);
  });
});
