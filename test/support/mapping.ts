import type { Mapping, Source } from '../../src/config/types.js';

/** A fully defaulted mapping, as `loadConfig` would produce, with overrides. */
export function makeMapping(overrides: Partial<Omit<Mapping, 'source'>> & { source?: Source } = {}): Mapping {
  return {
    name: 'test-mapping',
    function: 'fn',
    source: { type: 'kinesis', stream: 'test' },
    enabled: true,
    batchSize: 100,
    maximumBatchingWindowInSeconds: 0,
    parallelizationFactor: 1,
    startingPosition: 'TRIM_HORIZON',
    bisectBatchOnFunctionError: false,
    maximumRetryAttempts: -1,
    maximumRecordAgeInSeconds: -1,
    maximumEventAgeInSeconds: 21_600,
    destinationConfig: {},
    functionResponseTypes: [],
    tumblingWindowInSeconds: 0,
    location: { file: 'test.yaml', line: 1, column: 1 },
    ...overrides,
  };
}
