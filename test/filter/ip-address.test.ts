import { describe, expect, it } from 'vitest';
import { ipInRange, parseCidr, parseIp } from '../../src/filter/ip-address.js';

describe('parseIp', () => {
  it.each([
    { text: '10.0.0.1', family: 4, value: 0x0a000001n },
    { text: '255.255.255.255', family: 4, value: 0xffffffffn },
    { text: '::', family: 6, value: 0n },
    { text: '::1', family: 6, value: 1n },
    { text: '2001:db8::', family: 6, value: 0x20010db8n << 96n },
    { text: '2001:DB8:0:0:0:0:0:1', family: 6, value: (0x20010db8n << 96n) | 1n },
    { text: '::ffff:10.0.0.1', family: 6, value: (0xffffn << 32n) | 0x0a000001n },
    { text: '1:2:3:4:5:6:7:8', family: 6, value: 0x00010002000300040005000600070008n },
  ])('$text', ({ text, family, value }) => {
    expect(parseIp(text)).toEqual({ family, value });
  });

  it.each(['256.0.0.1', '010.0.0.1', '1.2.3', '1.2.3.4.5', 'a.b.c.d', '', '1::2::3', '1:2:3:4:5:6:7:8:9', '1:2:3:4:5:6:7', '12345::', '::ffff:1.2.3', 'example.com', '1:2:3:4:5:6:7::8:9'])(
    'rejects %j',
    (text) => {
      expect(parseIp(text)).toBeUndefined();
    },
  );
});

describe('parseCidr', () => {
  it('computes the inclusive range', () => {
    expect(parseCidr('10.0.0.0/24')).toEqual({ family: 4, low: 0x0a000000n, high: 0x0a0000ffn });
    expect(parseCidr('10.1.2.3/8')).toEqual({ family: 4, low: 0x0a000000n, high: 0x0affffffn });
    expect(parseCidr('0.0.0.0/0')).toEqual({ family: 4, low: 0n, high: 0xffffffffn });
  });

  it.each([
    ['10.0.0.0', "exactly one '/' is required"],
    ['10.0.0.0/8/8', "exactly one '/' is required"],
    ['10.0.0.0/x', 'mask bits must be a non-negative integer'],
    ['10.0.0.0/-1', 'mask bits must be a non-negative integer'],
    ['10.0.0.0/32', 'IPv4 mask bits must be less than 32'],
    ['::/128', 'IPv6 mask bits must be less than 128'],
    ['host/8', 'is not an IP address'],
  ])('rejects %j', (text, message) => {
    expect(parseCidr(text)).toContain(message);
  });

  it('tests membership by family', () => {
    const v6 = parseCidr('2001:db8::/32');
    if (typeof v6 === 'string') throw new Error(v6);
    expect(ipInRange('2001:db8:1::', v6)).toBe(true);
    expect(ipInRange('2001:db9::', v6)).toBe(false);
    expect(ipInRange('32.1.13.184', v6)).toBe(false);
  });
});
