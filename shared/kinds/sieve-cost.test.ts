import { describe, expect, it } from 'vitest';
import { sieveCallSeconds, sieveNumbersForSeconds, sieveSeconds, sieveUnitSeconds } from './sieve-cost.js';

describe('the sieve cost model', () => {
  it('costs ranges past 2^53, where adding one to a float does nothing, and across the decade at 1e19', () => {
    const top = 2 ** 64 - 1;
    expect(sieveSeconds(top - 1e8, top)).toBeGreaterThan(0);
    expect(sieveSeconds(9.9e18, 1.01e19)).toBeGreaterThan(sieveSeconds(9.9e18, 9.99e18));
    expect(sieveNumbersForSeconds(top - 1e10, 30, 1e10)).toBeGreaterThan(1);
  });

  it("never cuts a unit so short that the call's fixed cost dominates it (near 2^64, a window of sieving primes)", () => {
    const nearTop = 2 ** 64 - 1e10;
    const numbers = sieveNumbersForSeconds(nearTop, 0.25, 1e10);
    expect(numbers).toBeGreaterThan(1e9);
    expect(sieveSeconds(nearTop, nearTop + numbers - 1)).toBeGreaterThanOrEqual(3.9 * sieveCallSeconds(nearTop + numbers));
  });

  it('grows with the position: the same numbers cost more further out', () => {
    expect(sieveUnitSeconds(1e18, 1e18 + 1e9)).toBeGreaterThan(sieveUnitSeconds(1e9, 2e9));
  });
});
