/**
 * n as people type it: exact digits (with spaces, commas or underscores between groups),
 * scientific notation (`1e18`, `2.5e9`) and powers (`10^18`, `2^64`, `3*10^9`). Parsed in
 * BigInt arithmetic so every digit is exact; anything that is not a whole number is refused.
 */
export type CountText = { ok: true; value: bigint } | { ok: false; message: string };

const DIGITS = /^[0-9]+$/;
const SCIENTIFIC = /^([0-9]+)(?:\.([0-9]+))?[eE]\+?([0-9]{1,3})$/;
const POWER = /^(?:([0-9]+)\s*[*x×]\s*)?([0-9]+)\s*(?:\^|\*\*)\s*([0-9]{1,3})$/;
const NOT_WHOLE = 'n must be a whole number, e.g. 1000000, 1e18 or 10^18';

export function parseCountText(text: string): CountText {
  const trimmed = text.trim();
  if (trimmed === '') return { ok: false, message: 'n is required' };
  const grouped = trimmed.replaceAll(/[\s_,]/g, '');
  if (DIGITS.test(grouped)) return { ok: true, value: BigInt(grouped) };
  const scientific = SCIENTIFIC.exec(grouped);
  if (scientific) {
    const [, whole, fraction = '', exponent] = scientific;
    const shift = Number(exponent) - fraction.length;
    const mantissa = BigInt(whole! + fraction);
    if (shift >= 0) return { ok: true, value: mantissa * 10n ** BigInt(shift) };
    const divisor = 10n ** BigInt(-shift);
    return mantissa % divisor === 0n ? { ok: true, value: mantissa / divisor } : { ok: false, message: NOT_WHOLE };
  }
  const power = POWER.exec(trimmed.replaceAll(/[_,]/g, ''));
  if (power) {
    const [, factor = '1', base, exponent] = power;
    return { ok: true, value: BigInt(factor) * BigInt(base!) ** BigInt(exponent!) };
  }
  return { ok: false, message: NOT_WHOLE };
}

/** n for the API: a JSON number up to 2^53 - 1, a decimal string above (a number would lose digits). */
export function countForWire(value: bigint): number | string {
  return value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : value.toString();
}
