import { createHash } from 'node:crypto';

/**
 * Deterministic identifiers for sample events: the same seed and label always
 * give the same id, so `sluice events` output is stable (and diffable) unless
 * the user changes `--seed`.
 */
export interface SampleIds {
  /** A version-4-shaped UUID. */
  uuid(label: string): string;
  /** `length` lower-case hex characters. */
  hex(label: string, length: number): string;
  /** `length` decimal digits. */
  digits(label: string, length: number): string;
  /** Base64 of `bytes` pseudo-random bytes. */
  base64(label: string, bytes: number): string;
}

/** Ids derived from SHA-256 of `seed` and each id's label. */
export function createSampleIds(seed: string): SampleIds {
  const bytes = (label: string, count: number): Buffer => {
    const blocks: Buffer[] = [];
    for (let block = 0; blocks.length * 32 < count; block += 1) {
      blocks.push(createHash('sha256').update(`${seed}\0${label}\0${block}`).digest());
    }
    return Buffer.concat(blocks).subarray(0, count);
  };
  const hex = (label: string, length: number): string => bytes(label, Math.ceil(length / 2)).toString('hex').slice(0, length);
  return {
    hex,
    uuid(label) {
      const h = hex(label, 32);
      const variant = ((parseInt(h.charAt(16), 16) & 0x3) | 0x8).toString(16);
      return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
    },
    digits(label, length) {
      return [...bytes(label, length)].map((byte) => String(byte % 10)).join('');
    },
    base64(label, count) {
      return bytes(label, count).toString('base64');
    },
  };
}
