/**
 * IPv4 / IPv6 literals and CIDR blocks, for the `cidr` operator and for exact string
 * values that are IP addresses (EventBridge compares those as addresses).
 * @see https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-create-pattern-operators.html#eb-filtering-ip-matching
 */

/** An address as a 128-bit (IPv6) or 32-bit (IPv4) unsigned integer. */
export interface IpAddress {
  readonly family: 4 | 6;
  readonly value: bigint;
}

/** An inclusive address range of one family. */
export interface IpRange {
  readonly family: 4 | 6;
  readonly low: bigint;
  readonly high: bigint;
}

const IPV4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;
const IPV6_CHARS = /^[0-9a-fA-F:.]+$/;

/** Parses an IPv4 or IPv6 literal; undefined when `text` is not one. */
export function parseIp(text: string): IpAddress | undefined {
  const v4 = parseIpv4(text);
  if (v4 !== undefined) return { family: 4, value: v4 };
  const v6 = parseIpv6(text);
  return v6 === undefined ? undefined : { family: 6, value: v6 };
}

function parseIpv4(text: string): bigint | undefined {
  const m = IPV4.exec(text);
  if (m === null) return undefined;
  let value = 0n;
  for (let i = 1; i <= 4; i++) {
    const text = m[i] ?? '';
    const octet = Number(text);
    // Leading zeros are ambiguous (octal in some parsers); Java, behind EventBridge, rejects them.
    if (octet > 255 || (text.length > 1 && text.startsWith('0'))) return undefined;
    value = (value << 8n) | BigInt(octet);
  }
  return value;
}

function parseIpv6(text: string): bigint | undefined {
  if (!text.includes(':') || !IPV6_CHARS.test(text)) return undefined;
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const head = halves[0] === undefined || halves[0] === '' ? [] : halves[0].split(':');
  const tail = halves[1] === undefined || halves[1] === '' ? [] : halves[1].split(':');
  // An embedded IPv4 address (`::ffff:10.0.0.1`) can only be the last group.
  const lastGroups = halves.length === 2 ? tail : head;
  const last = lastGroups[lastGroups.length - 1];
  let embeddedV4: bigint | undefined;
  if (last !== undefined && last.includes('.')) {
    embeddedV4 = parseIpv4(last);
    if (embeddedV4 === undefined) return undefined;
    lastGroups.pop();
  }
  const slots = embeddedV4 === undefined ? 8 : 6;
  const missing = slots - head.length - tail.length;
  if (halves.length === 1 ? missing !== 0 : missing < 1) return undefined;
  let value = 0n;
  for (const g of [...head, ...new Array<string>(missing).fill('0'), ...tail]) {
    if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return undefined;
    value = (value << 16n) | BigInt(Number.parseInt(g, 16));
  }
  return embeddedV4 === undefined ? value : (value << 32n) | embeddedV4;
}

/**
 * Parses `address/bits`. EventBridge (event-ruler) requires the slash and accepts mask
 * bits 0-31 for IPv4 and 0-127 for IPv6. Returns an error message when invalid.
 */
export function parseCidr(text: string): IpRange | string {
  const slashed = text.split('/');
  if (slashed.length !== 2) return `malformed CIDR "${text}": exactly one '/' is required`;
  const [addressText = '', bitsText = ''] = slashed;
  if (!/^\d+$/.test(bitsText)) return `malformed CIDR "${text}": mask bits must be a non-negative integer`;
  const address = parseIp(addressText);
  if (address === undefined) return `malformed CIDR "${text}": "${addressText}" is not an IP address`;
  const width = address.family === 4 ? 32 : 128;
  const bits = Number(bitsText);
  if (bits >= width) return `malformed CIDR "${text}": IPv${address.family} mask bits must be less than ${width}`;
  const hostBits = BigInt(width - bits);
  const hostMask = (1n << hostBits) - 1n;
  const low = address.value & ~hostMask;
  return { family: address.family, low, high: low | hostMask };
}

/** True when `text` is an IP literal inside `range`. */
export function ipInRange(text: string, range: IpRange): boolean {
  const ip = parseIp(text);
  return ip !== undefined && ip.family === range.family && ip.value >= range.low && ip.value <= range.high;
}
