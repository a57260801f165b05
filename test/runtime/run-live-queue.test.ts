import { describe, expect, it } from 'vitest';
import { warnAboutVisibilityTimeout } from '../../src/runtime/run-live-queue.js';
import { captureLogger } from '../pollers/sqs/sqs-kit.js';

const info = (visibilityTimeoutSeconds: number) => ({ queueUrl: 'u', queueArn: 'a', fifo: false, visibilityTimeoutSeconds });

describe('warnAboutVisibilityTimeout (services-sqs-configure: at least 6x the function timeout)', () => {
  it.each([
    ['shorter than the function timeout: warn (AWS refuses the mapping)', 5, 10, 40],
    ['under 6x: info', 30, 10, 30],
    ['6x or more: nothing', 60, 10, undefined],
    ['no function timeout known: nothing', 1, undefined, undefined],
  ])('%s', (_name, visibility, timeout, level) => {
    const logs = captureLogger('debug');
    warnAboutVisibilityTimeout(info(visibility), timeout, logs.logger);
    expect(logs.lines()[0]?.['level']).toBe(level);
  });
});
