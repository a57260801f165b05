import { readFileSync } from 'node:fs';

/**
 * The local addresses of every listening TCP socket on `port`, read from Linux's /proc/net/tcp and tcp6
 * (e.g. `127.0.0.1`, `::ffff:127.0.0.1`, `0.0.0.0`, `::`).
 */
export function listeningAddresses(port: number): string[] {
  const found: string[] = [];
  for (const [file, decode] of [
    ['/proc/net/tcp', decodeIpv4],
    ['/proc/net/tcp6', decodeIpv6],
  ] as const) {
    for (const line of readFileSync(file, 'utf8').split('\n').slice(1)) {
      const fields = line.trim().split(/\s+/);
      const local = fields[1];
      const state = fields[3];
      if (local === undefined || state !== '0A') continue; // 0A = LISTEN
      const [addressHex, portHex] = local.split(':');
      if (addressHex === undefined || portHex === undefined || Number.parseInt(portHex, 16) !== port) continue;
      found.push(decode(addressHex));
    }
  }
  return found;
}

/** True for 127.0.0.0/8, ::1 and ::ffff:127.x.x.x. */
export function isLoopbackAddress(address: string): boolean {
  return address.startsWith('127.') || address === '::1' || address.startsWith('::ffff:127.');
}

function decodeIpv4(hex: string): string {
  const bytes = Buffer.from(hex, 'hex').reverse();
  return [...bytes].join('.');
}

function decodeIpv6(hex: string): string {
  // Four 32-bit words, each in host (little-endian) byte order.
  const words = [0, 1, 2, 3].map((i) => Buffer.from(hex.slice(i * 8, i * 8 + 8), 'hex').reverse());
  const bytes = Buffer.concat(words);
  if (bytes.subarray(0, 10).every((b) => b === 0) && bytes[10] === 0xff && bytes[11] === 0xff) {
    return `::ffff:${[...bytes.subarray(12)].join('.')}`;
  }
  if (bytes.subarray(0, 15).every((b) => b === 0)) return bytes[15] === 1 ? '::1' : '::';
  const groups = [0, 1, 2, 3, 4, 5, 6, 7].map((i) => bytes.readUInt16BE(i * 2).toString(16));
  return groups.join(':');
}
