import type { Domain } from '../model.js';

/** Forgets finished jobs older than `ttlMs` (RESULT_TTL); they answer 404 afterwards. */
export function expireResults(d: Domain, ttlMs: number): string[] {
  const deleted = d.store.deleteFinishedBefore(d.now() - ttlMs);
  for (const id of deleted) d.jobs.delete(id);
  return deleted;
}
