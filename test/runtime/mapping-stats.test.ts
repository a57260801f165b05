import { describe, expect, it } from 'vitest';
import type { InvocationReport } from '../../src/dispatch/invoke-batch.js';
import { countInvocation, createMappingStats } from '../../src/runtime/mapping-stats.js';

describe('countInvocation: is the function loadable?', () => {
  const report = (outcome: InvocationReport['outcome']): InvocationReport => ({ mapping: 'm', event: {}, records: [], outcome, durationMs: 1 });
  const loadError = (errorType: string): InvocationReport['outcome'] => ({
    kind: 'failure',
    reason: 'FunctionError',
    message: `${errorType}: cannot load`,
    requestId: 'r',
    functionError: 'Unhandled',
    error: { errorType, errorMessage: 'cannot load' },
  });
  it.each([
    ['an import error marks it not loadable', [loadError('Runtime.ImportModuleError')], 'Runtime.ImportModuleError: cannot load'],
    ['a missing export too', [loadError('Runtime.HandlerNotFound')], 'Runtime.HandlerNotFound: cannot load'],
    ['an error the handler threw does not', [loadError('TypeError')], undefined],
    ['a success clears it', [loadError('Runtime.UserCodeSyntaxError'), { kind: 'success', response: null, requestId: 'r' }], undefined],
    [
      'an unreachable invoker neither sets nor clears it',
      [loadError('Runtime.UserCodeSyntaxError'), { kind: 'failure', reason: 'InvokerError', message: 'down', requestId: 'r' }],
      'Runtime.UserCodeSyntaxError: cannot load',
    ],
  ] as const)('%s', (_, outcomes, expected) => {
    const stats = createMappingStats();
    for (const outcome of outcomes) countInvocation(stats, report(outcome));
    expect(stats.functionNotLoadable).toBe(expected);
  });
});
