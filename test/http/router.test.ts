import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { text } from '../../src/http/respond.js';
import { createRouter } from '../../src/http/router.js';

const handler = () => text(200, '');

describe('createRouter', () => {
  const router = createRouter();
  router.add('GET', '/healthz', handler);
  router.add('POST', '/s3', handler);
  router.add('POST', '/s3/*', handler);
  router.add('POST', '/s3/deep/*', handler);
  router.add('*', '/any', handler);

  it.each([
    ['GET', '/healthz', 'found', '/healthz', ''],
    ['HEAD', '/healthz', 'found', '/healthz', ''],
    ['POST', '/s3', 'found', '/s3', ''],
    ['POST', '/s3/orders', 'found', '/s3/*', 'orders'],
    ['POST', '/s3/a/b', 'found', '/s3/*', 'a/b'],
    ['POST', '/s3/deep/x', 'found', '/s3/deep/*', 'x'],
    ['DELETE', '/any', 'found', '/any', ''],
    ['POST', '/healthz', 'method-not-allowed', undefined, undefined],
    ['GET', '/s3/orders', 'method-not-allowed', undefined, undefined],
    ['GET', '/nothing', 'not-found', undefined, undefined],
    ['GET', '/healthz/', 'not-found', undefined, undefined],
    ['POST', '/s3x', 'not-found', undefined, undefined],
  ])('%s %s → %s', (method, path, kind, pattern, rest) => {
    const match = router.match(method, path);
    expect(match.kind).toBe(kind);
    if (match.kind === 'found') {
      expect(match.route.pattern).toBe(pattern);
      expect(match.rest).toBe(rest);
    }
  });

  it('a prefix route matches every longer path under it, and rest rebuilds the path', () => {
    const r = createRouter();
    r.add('POST', '/sns/*', handler);
    fc.assert(
      fc.property(fc.string({ minLength: 1 }), (tail) => {
        const match = r.match('POST', `/sns/${tail}`);
        expect(match.kind).toBe('found');
        if (match.kind === 'found') expect(`/sns/${match.rest}`).toBe(`/sns/${tail}`);
      }),
    );
  });

  it('removing a route makes its path unknown again', () => {
    const r = createRouter();
    const remove = r.add('GET', '/x', handler);
    remove();
    expect(r.match('GET', '/x').kind).toBe('not-found');
    r.add('GET', '/x', handler);
    expect(r.match('GET', '/x').kind).toBe('found');
  });
});
