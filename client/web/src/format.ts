/** Number and time formatting for people (en-US grouping, compact for big rates). */
const grouped = new Intl.NumberFormat('en-US');
const compact = new Intl.NumberFormat('en-US', { notation: 'compact', maximumFractionDigits: 1 });

/** Exact digits, grouped: counts above 2^53 - 1 arrive as decimal strings. */
export const formatCount = (value: number | string): string => grouped.format(typeof value === 'string' ? BigInt(value) : value);

export const formatCompact = (value: number): string => compact.format(value);

export const formatRate = (perSecond: number): string => `${compact.format(Math.round(perSecond))}/s`;

export function formatSeconds(seconds: number): string {
  if (seconds < 1) return `${Math.round(seconds * 1000)} ms`;
  if (seconds < 120) return `${seconds.toFixed(seconds < 10 ? 2 : 1)} s`;
  return `${Math.floor(seconds / 60)} min ${Math.round(seconds % 60)} s`;
}

export const shortId = (jobId: string): string => jobId.slice(0, 8);
