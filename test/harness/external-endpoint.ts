import { isIP } from 'node:net';
import { SluiceError } from '../../src/errors.js';

/**
 * The endpoint in `SLUICE_TEST_ENDPOINT` (e.g. `http://localhost:4566`, a running LocalStack), or undefined
 * when unset. Only loopback hosts are accepted unless `SLUICE_TEST_ALLOW_REMOTE=1`: tests talk to this machine.
 */
export function externalTestEndpoint(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const raw = env['SLUICE_TEST_ENDPOINT']?.trim();
  if (raw === undefined || raw === '') return undefined;
  let url: URL;
  try {
    url = new URL(raw);
  } catch (err) {
    throw new SluiceError('TestEndpointInvalid', `SLUICE_TEST_ENDPOINT=${JSON.stringify(raw)} is not a URL (e.g. http://localhost:4566)`, {
      cause: err,
    });
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new SluiceError('TestEndpointInvalid', `SLUICE_TEST_ENDPOINT=${JSON.stringify(raw)} must be http:// or https://`);
  }
  if (!isLoopbackHost(url.hostname) && env['SLUICE_TEST_ALLOW_REMOTE'] !== '1') {
    throw new SluiceError(
      'TestEndpointNotLoopback',
      `SLUICE_TEST_ENDPOINT=${JSON.stringify(raw)} is not on this machine (host ${JSON.stringify(url.hostname)}); ` +
        'tests only talk to loopback (localhost, 127.0.0.0/8, ::1). Set SLUICE_TEST_ALLOW_REMOTE=1 to allow it.',
    );
  }
  return url.origin + url.pathname.replace(/\/+$/, '');
}

/** `localhost` (and `*.localhost`), `127.0.0.0/8`, `::1` and IPv4-mapped loopback. */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  if (host === 'localhost' || host.endsWith('.localhost')) return true;
  if (isIP(host) === 4) return host.startsWith('127.');
  if (isIP(host) === 6) {
    return host === '::1' || /^(0+:){7}0*1$/.test(host) || /^::ffff:(127\.|7f[0-9a-f]{2}:)/.test(host);
  }
  return false;
}
