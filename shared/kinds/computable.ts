/**
 * The kinds a volunteer's threads can compute, what it says in its hello. Kept apart from the
 * kernels (kernels.ts) so the page's main thread knows the names without loading any kernel.
 */
export const COMPUTABLE_KINDS = ['sieve-count', 'combinatorial'] as const;
export type ComputableKind = (typeof COMPUTABLE_KINDS)[number];
