import { createPublicKey, createVerify, type KeyObject } from 'node:crypto';
import { get } from 'node:https';
import { partitionOf } from '../events/arn.js';
import type { SnsHttpMessage } from '../events/sns.js';
import { SluiceError } from '../errors.js';

/**
 * The string SNS signs: `key\nvalue\n` for each signed field, in this order.
 * Notification: Message, MessageId, Subject (only when present), Timestamp, TopicArn, Type.
 * SubscriptionConfirmation / UnsubscribeConfirmation: Message, MessageId, SubscribeURL,
 * Timestamp, Token, TopicArn, Type.
 * @see https://docs.aws.amazon.com/sns/latest/dg/sns-verify-signature-of-message.html
 */
export function snsStringToSign(message: SnsHttpMessage): string {
  const fields: [string, string | undefined][] =
    message.Type === 'Notification'
      ? [
          ['Message', message.Message],
          ['MessageId', message.MessageId],
          ['Subject', message.Subject],
          ['Timestamp', message.Timestamp],
          ['TopicArn', message.TopicArn],
          ['Type', message.Type],
        ]
      : [
          ['Message', message.Message],
          ['MessageId', message.MessageId],
          ['SubscribeURL', message.SubscribeURL],
          ['Timestamp', message.Timestamp],
          ['Token', message.Token],
          ['TopicArn', message.TopicArn],
          ['Type', message.Type],
        ];
  return fields.map(([key, value]) => (value === undefined ? '' : `${key}\n${value}\n`)).join('');
}

/** Signature algorithms by `SignatureVersion`: 1 is SHA1withRSA, 2 SHA256withRSA. */
export const SNS_SIGNATURE_ALGORITHMS: Readonly<Record<string, string>> = { '1': 'RSA-SHA1', '2': 'RSA-SHA256' };

/** SNS's own host in a region: `sns.<region>.amazonaws.com` (`.com.cn` in the China partition). */
export function snsServiceHost(region: string): string {
  return `sns.${region}.amazonaws.com${partitionOf(region) === 'aws-cn' ? '.cn' : ''}`;
}

/** True when `url` is an https URL on one of `hosts` (hostnames, case-insensitive) naming a `.pem` file. */
export function isAllowedCertificateUrl(url: string, hosts: readonly string[]): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  if (parsed.protocol !== 'https:' || parsed.username !== '' || parsed.password !== '') return false;
  if (!parsed.pathname.endsWith('.pem')) return false;
  const host = parsed.hostname.toLowerCase();
  return hosts.some((allowed) => allowed.toLowerCase() === host);
}

export type SignatureVerdict = { readonly valid: true } | { readonly valid: false; readonly reason: string };

export interface SnsSignatureVerifierOptions {
  /** Hostnames signing certificates may be fetched from (over https only). */
  readonly certificateHosts: readonly string[];
  /** Extra CA certificates to trust when fetching (a test's self-signed server). */
  readonly ca?: string | Buffer;
  /** Per-fetch timeout; default 5 s. */
  readonly timeoutMs?: number;
}

export interface SnsSignatureVerifier {
  /** Checks the message's signature; a certificate is fetched only from an allowed host, once per URL. */
  verify(message: SnsHttpMessage, signal?: AbortSignal): Promise<SignatureVerdict>;
  /** Certificate URLs fetched so far (successfully or not), for tests and diagnostics. */
  readonly fetched: readonly string[];
}

const MAX_CERTIFICATE_BYTES = 64 * 1024;
const MAX_CACHED = 64;

/**
 * Verifies SNS message signatures as the SNS documentation describes: the `SigningCertURL`
 * must be an https URL on an allowed host (never anything else, so a forged message cannot
 * make sluice fetch an arbitrary URL), the certificate's public key must verify `Signature`
 * over {@link snsStringToSign} with the algorithm `SignatureVersion` names. Certificates are
 * cached by URL; a failed fetch is not cached.
 * @see https://docs.aws.amazon.com/sns/latest/dg/sns-verify-signature-of-message.html
 */
export function createSnsSignatureVerifier(options: SnsSignatureVerifierOptions): SnsSignatureVerifier {
  const cache = new Map<string, Promise<KeyObject>>();
  const fetched: string[] = [];

  function certificate(url: string, signal: AbortSignal | undefined): Promise<KeyObject> {
    let key = cache.get(url);
    if (!key) {
      fetched.push(url);
      key = fetchText(url, options, signal).then((pem) => createPublicKey(pem));
      key.catch(() => cache.delete(url));
      if (cache.size >= MAX_CACHED) cache.delete(cache.keys().next().value as string);
      cache.set(url, key);
    }
    return key;
  }

  return {
    fetched,
    async verify(message, signal) {
      const algorithm = SNS_SIGNATURE_ALGORITHMS[message.SignatureVersion];
      if (algorithm === undefined) return { valid: false, reason: `unsupported SignatureVersion ${JSON.stringify(message.SignatureVersion)}` };
      if (!isAllowedCertificateUrl(message.SigningCertURL, options.certificateHosts)) {
        return { valid: false, reason: `SigningCertURL ${JSON.stringify(message.SigningCertURL)} is not an https .pem URL on an allowed host (${options.certificateHosts.join(', ')})` };
      }
      let key: KeyObject;
      try {
        key = await certificate(message.SigningCertURL, signal);
      } catch (err) {
        return { valid: false, reason: `cannot get the signing certificate: ${err instanceof Error ? err.message : String(err)}` };
      }
      const verifier = createVerify(algorithm);
      verifier.update(snsStringToSign(message), 'utf8');
      let valid = false;
      try {
        valid = verifier.verify(key, message.Signature, 'base64');
      } catch (err) {
        return { valid: false, reason: `signature check failed: ${err instanceof Error ? err.message : String(err)}` };
      }
      return valid ? { valid: true } : { valid: false, reason: 'the signature does not match the message' };
    },
  };
}

function fetchText(url: string, options: SnsSignatureVerifierOptions, signal: AbortSignal | undefined): Promise<string> {
  return new Promise((resolve, reject) => {
    const request = get(
      url,
      { timeout: options.timeoutMs ?? 5_000, ...(options.ca ? { ca: options.ca } : {}), ...(signal ? { signal } : {}) },
      (response) => {
        if (response.statusCode !== 200) {
          response.resume();
          reject(new SluiceError('CertificateUnavailable', `GET ${url} answered ${response.statusCode ?? 'nothing'}`, { retryable: true }));
          return;
        }
        const chunks: Buffer[] = [];
        let size = 0;
        response.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > MAX_CERTIFICATE_BYTES) {
            response.destroy();
            reject(new SluiceError('CertificateUnavailable', `${url} is larger than ${MAX_CERTIFICATE_BYTES} bytes`));
            return;
          }
          chunks.push(chunk);
        });
        response.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
        response.on('error', reject);
      },
    );
    request.on('timeout', () => request.destroy(new SluiceError('CertificateUnavailable', `GET ${url} timed out`, { retryable: true })));
    request.on('error', reject);
  });
}
