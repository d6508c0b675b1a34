/** How a job view reads in words, for the CLI and the page, whatever its kind. */
import type { JobView } from './api.js';

const grouped = new Intl.NumberFormat('en-US');

/** Digits grouped by thousands; decimal strings (values above 2^53 - 1) too. */
export function groupDigits(value: number | string): string {
  return typeof value === 'number' ? grouped.format(value) : value.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/** How many numbers the job covers: n, or the width of [from, to]. */
export function jobWidth(view: Pick<JobView, 'n' | 'from' | 'to'>): number {
  if (view.from !== undefined && view.to !== undefined) return Number(BigInt(view.to) - BigInt(view.from) + 1n);
  return Number(view.n ?? 0);
}

/** What was asked: "primes up to 1,000,000", "twin primes in [10, 100]". */
export function jobQuestion(view: Pick<JobView, 'n' | 'kind' | 'from' | 'to'>): string {
  if (view.kind === undefined || view.from === undefined || view.to === undefined) return `primes up to ${groupDigits(view.n ?? 0)}`;
  const range = `[${groupDigits(view.from)}, ${groupDigits(view.to)}]`;
  switch (view.kind) {
    case 'prime-count':
      return `primes in ${range}`;
    case 'twin-count':
      return `twin primes in ${range}`;
    case 'max-gap':
      return `largest prime gap in ${range}`;
  }
}

/** The answer in words: "78,498", "gap 72 from 31,397 to 31,469", "fewer than two primes". */
export function jobAnswer(result: NonNullable<JobView['result']>): string {
  if (result.twin_count !== undefined) return groupDigits(result.twin_count);
  if (result.max_gap !== undefined) {
    if (result.max_gap === null || result.gap_start == null || result.gap_end == null) return 'none: fewer than two primes';
    return `${groupDigits(result.max_gap)} from ${groupDigits(result.gap_start)} to ${groupDigits(result.gap_end)}`;
  }
  return groupDigits(result.prime_count ?? 0);
}
