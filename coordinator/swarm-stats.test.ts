import { expect, test } from 'vitest';
import { RateMeter } from './swarm-stats.js';

test('the rate counts what was accepted in the last 5 s, and forgets older units', () => {
  let clock = 1_000_000;
  const rate = new RateMeter(() => clock);
  expect(rate.perSecond()).toBe(0);
  rate.add(1000);
  clock += 1000;
  rate.add(500);
  rate.add(500);
  expect(rate.perSecond()).toBe(400);
  clock += 4050;
  expect(rate.perSecond()).toBe(200);
  clock += 1000;
  expect(rate.perSecond()).toBe(0);
  // A bucket reused after a full turn of the ring starts from zero.
  rate.add(250);
  expect(rate.perSecond()).toBe(50);
});
