/**
 * The kinds a volunteer's threads can compute, what it says in its hello. Kept apart from the
 * kernels (kernels.ts) so the page's main thread knows the names without loading any kernel.
 * Every volunteer runs the Wasm sieve kernel, which covers 0..2^64 - 1, so it computes them all.
 */
export const COMPUTABLE_KINDS = ['sieve-count', 'combinatorial', 'prime-count', 'twin-count', 'max-gap'] as const;
export type ComputableKind = (typeof COMPUTABLE_KINDS)[number];
