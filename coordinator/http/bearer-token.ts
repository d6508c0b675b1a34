import { createHash, timingSafeEqual } from 'node:crypto';

const digest = (value: string) => createHash('sha256').update(value).digest();

/**
 * A check of `Authorization` headers against `Bearer <token>` whose time does not depend on
 * how much of the header matches: both sides are hashed to fixed-length digests first, so
 * neither the length nor a matching prefix of the token leaks through timing.
 */
export function bearerTokenCheck(token: string): (header: string | undefined) => boolean {
  const expected = digest(`Bearer ${token}`);
  return (header) => timingSafeEqual(digest(header ?? ''), expected);
}
