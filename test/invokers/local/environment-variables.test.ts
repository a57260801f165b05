import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { FunctionConfig, LocalInvokerConfig } from '../../../src/config/types.js';
import { handlerName, lambdaEnvironment, newLogStreamName } from '../../../src/invokers/local/environment-variables.js';

const invoker: LocalInvokerConfig = {
  type: 'local',
  handler: '/srv/app/src/orders',
  modulePath: '/srv/app/src/orders.mjs',
  exportName: 'handlers.create',
  isolation: 'process',
};
const fn: FunctionConfig & { invoker: LocalInvokerConfig } = {
  name: 'orders',
  timeout: 3,
  memorySize: 128,
  environment: { TABLE: 'orders', AWS_REGION: 'mars-1' },
  invoker,
};

describe('lambdaEnvironment', () => {
  it('starts from the base, adds the function environment, and reserved variables win', () => {
    const env = lambdaEnvironment({ fn, region: 'eu-west-1', logStreamName: 'stream', base: { PATH: '/bin', TABLE: 'base' } });
    expect(env).toEqual({
      PATH: '/bin',
      TABLE: 'orders',
      AWS_LAMBDA_FUNCTION_NAME: 'orders',
      AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
      AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '128',
      AWS_LAMBDA_LOG_GROUP_NAME: '/aws/lambda/orders',
      AWS_LAMBDA_LOG_STREAM_NAME: 'stream',
      AWS_LAMBDA_INITIALIZATION_TYPE: 'on-demand',
      AWS_REGION: 'eu-west-1',
      AWS_DEFAULT_REGION: 'eu-west-1',
      AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs20.x',
      LAMBDA_TASK_ROOT: '/srv/app/src',
      _HANDLER: 'orders.handlers.create',
      TZ: ':UTC',
    });
  });

  it('never changes process.env', () => {
    const before = { ...process.env };
    lambdaEnvironment({ fn, region: 'eu-west-1', logStreamName: 'stream' });
    expect(process.env).toEqual(before);
  });
});

describe('handlerName', () => {
  it('is Lambda\'s handler string relative to the task root', () => {
    expect(handlerName(invoker)).toBe('orders.handlers.create');
  });
});

describe('newLogStreamName', () => {
  it('is YYYY/MM/DD/[$LATEST]<32 hex>, dated in UTC', () => {
    fc.assert(
      fc.property(fc.date({ min: new Date('2000-01-01T00:00:00Z'), max: new Date('2099-12-31T23:59:59Z'), noInvalidDate: true }), (date) => {
        const name = newLogStreamName(date.getTime());
        const [, y, m, d] = /^(\d{4})\/(\d{2})\/(\d{2})\/\[\$LATEST\][0-9a-f]{32}$/.exec(name) ?? [];
        expect([Number(y), Number(m), Number(d)]).toEqual([date.getUTCFullYear(), date.getUTCMonth() + 1, date.getUTCDate()]);
      }),
    );
  });

  it('differs per environment', () => {
    expect(newLogStreamName(0)).not.toBe(newLogStreamName(0));
  });
});
