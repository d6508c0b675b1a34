import { expect, test } from 'vitest';
import { heartbeatPeriodMs } from './renew-leases.js';

test('volunteers heartbeat every 30 s at the default 60 s lease timeout', () => {
  expect(heartbeatPeriodMs(60_000)).toBe(30_000);
  expect(heartbeatPeriodMs(600_000)).toBe(570_000);
});

test('short lease timeouts keep a heartbeat every third of the timeout (250 ms at least)', () => {
  expect(heartbeatPeriodMs(45_000)).toBe(15_000);
  expect(heartbeatPeriodMs(3_000)).toBe(1_000);
  expect(heartbeatPeriodMs(300)).toBe(250);
});

test('a renewal always has 30 s, or two thirds of the timeout when shorter, to arrive before the deadline', () => {
  for (const timeout of [1_000, 5_000, 20_000, 45_000, 46_000, 60_000, 90_000, 3_600_000]) {
    // A lease granted just after a heartbeat is renewed one period later, at the latest.
    expect(timeout - heartbeatPeriodMs(timeout)).toBeGreaterThanOrEqual(Math.min(30_000, Math.ceil((timeout * 2) / 3)));
  }
});
