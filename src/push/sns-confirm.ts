import { get as httpGet } from 'node:http';
import { get as httpsGet } from 'node:https';
import { SluiceError } from '../errors.js';
import { snsServiceHost } from './sns-signature.js';

/**
 * The origins a `SubscribeURL` may point at: SNS itself in the region
 * (`https://sns.<region>.amazonaws.com`) and the configured SNS endpoint (an emulator,
 * LocalStack), compared as scheme, host and port.
 */
export function subscribeUrlOrigins(region: string, snsEndpoint: string | undefined): string[] {
  const origins = [`https://${snsServiceHost(region)}`];
  if (snsEndpoint !== undefined) {
    try {
      origins.push(new URL(snsEndpoint).origin);
    } catch {
      // An endpoint that is not a URL allows nothing more.
    }
  }
  return origins;
}

/**
 * True when `url` may be visited to confirm a subscription: its origin is one of `origins`.
 * Anything else is never fetched, so a forged confirmation cannot make sluice request an
 * arbitrary URL.
 * @see https://docs.aws.amazon.com/sns/latest/dg/SendMessageToHttp.confirm.html
 */
export function isAllowedSubscribeUrl(url: string, origins: readonly string[]): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') return false;
  if (parsed.username !== '' || parsed.password !== '') return false;
  return origins.includes(parsed.origin);
}

/** Confirms a subscription by GETting its `SubscribeURL` (call only after {@link isAllowedSubscribeUrl}); rejects unless 2xx. */
export function confirmSubscription(url: string, options: { signal?: AbortSignal; timeoutMs?: number } = {}): Promise<void> {
  const get = url.startsWith('https:') ? httpsGet : httpGet;
  return new Promise((resolve, reject) => {
    const request = get(url, { timeout: options.timeoutMs ?? 10_000, ...(options.signal ? { signal: options.signal } : {}) }, (response) => {
      response.resume();
      const status = response.statusCode ?? 0;
      if (status >= 200 && status < 300) resolve();
      else reject(new SluiceError('SubscriptionNotConfirmed', `GET SubscribeURL answered ${status}`, { retryable: true }));
    });
    request.on('timeout', () => request.destroy(new SluiceError('SubscriptionNotConfirmed', 'GET SubscribeURL timed out', { retryable: true })));
    request.on('error', reject);
  });
}
