import { describe, expect, it } from 'vitest';
import { countForWire, parseCountText } from './count-text.js';

describe('n as typed', () => {
  it.each([
    ['1000000000000000000', 10n ** 18n],
    ['1 000 000', 1_000_000n],
    ['1,000,000_000', 1_000_000_000n],
    ['1e18', 10n ** 18n],
    ['1E18', 10n ** 18n],
    ['2.5e9', 2_500_000_000n],
    ['1.000000000000000001e18', 10n ** 18n + 1n],
    ['10^18', 10n ** 18n],
    ['2^64', 2n ** 64n],
    ['3*10^9', 3_000_000_000n],
    ['  42 ', 42n],
    ['9007199254740993', 9_007_199_254_740_993n],
  ])('%s -> %s', (text, value) => {
    expect(parseCountText(text)).toEqual({ ok: true, value });
  });

  it.each(['', '1.5', '2.5e0', '-5', 'ten', '1e', '10^', '0x10', '1e18.5'])('refuses %j', (text) => {
    expect(parseCountText(text).ok).toBe(false);
  });

  it('sends numbers up to 2^53 - 1 and strings above', () => {
    expect(countForWire(9_007_199_254_740_991n)).toBe(9_007_199_254_740_991);
    expect(countForWire(9_007_199_254_740_992n)).toBe('9007199254740992');
    expect(countForWire(10n ** 18n)).toBe('1000000000000000000');
  });
});
