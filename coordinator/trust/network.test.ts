import { describe, expect, test } from 'vitest';
import { AddressSet, clientAddress, networkOf, parseCidr, type NetworkRules } from './network.js';

const rules: NetworkRules = { prefixV4: 24, prefixV6: 56, trustedProxies: new AddressSet(['10.0.0.1', 'fd00::/8']) };

describe('networks', () => {
  test('IPv4 addresses are cut to /24 by default, down to single addresses when configured', () => {
    expect(networkOf('203.0.113.77', rules)).toBe('203.0.113.0/24');
    expect(networkOf('203.0.113.200', rules)).toBe('203.0.113.0/24');
    expect(networkOf('203.0.114.1', rules)).toBe('203.0.114.0/24');
    expect(networkOf('127.0.0.2', { prefixV4: 32, prefixV6: 128 })).toBe('127.0.0.2/32');
    expect(networkOf('127.0.0.3', { prefixV4: 32, prefixV6: 128 })).toBe('127.0.0.3/32');
    expect(networkOf('192.168.77.9', { prefixV4: 16, prefixV6: 56 })).toBe('192.168.0.0/16');
  });

  test('IPv6 addresses are cut to /56, and IPv4-mapped addresses count as IPv4', () => {
    expect(networkOf('2001:db8:1234:56ff:1::1', rules)).toBe('2001:db8:1234:5600:0:0:0:0/56');
    expect(networkOf('2001:db8:1234:5601::9', rules)).toBe('2001:db8:1234:5600:0:0:0:0/56');
    expect(networkOf('2001:db8:1234:5701::9', rules)).toBe('2001:db8:1234:5700:0:0:0:0/56');
    expect(networkOf('::ffff:198.51.100.7', rules)).toBe('198.51.100.0/24');
    expect(networkOf('::1', { prefixV4: 32, prefixV6: 128 })).toBe('0:0:0:0:0:0:0:1/128');
  });

  test('X-Forwarded-For counts only when the direct peer is a trusted proxy', () => {
    expect(clientAddress('198.51.100.7', '203.0.113.9', rules)).toBe('198.51.100.7');
    expect(clientAddress('10.0.0.1', '203.0.113.9', rules)).toBe('203.0.113.9');
    // A client may prepend anything; the right-most hop not ours is what our proxy saw.
    expect(clientAddress('10.0.0.1', '1.2.3.4, 203.0.113.9', rules)).toBe('203.0.113.9');
    expect(clientAddress('::ffff:10.0.0.1', '203.0.113.9, fd00::5', rules)).toBe('203.0.113.9');
    expect(clientAddress('10.0.0.1', 'garbage', rules)).toBe('10.0.0.1');
  });

  test('address sets take CIDRs, bare addresses and * for everyone; bad ranges are refused', () => {
    const set = new AddressSet(['192.168.0.0/16', '2001:db8::/32', '127.0.0.1']);
    expect(set.has('192.168.3.4')).toBe(true);
    expect(set.has('::ffff:192.168.3.4')).toBe(true);
    expect(set.has('192.169.0.1')).toBe(false);
    expect(set.has('2001:db8:ffff::1')).toBe(true);
    expect(set.has('127.0.0.1')).toBe(true);
    expect(set.has('127.0.0.2')).toBe(false);
    expect(new AddressSet(['*']).has('203.0.113.1')).toBe(true);
    expect(() => parseCidr('10.0.0.0/33')).toThrow('bad prefix');
    expect(() => parseCidr('example.org')).toThrow('not an address');
  });
});
