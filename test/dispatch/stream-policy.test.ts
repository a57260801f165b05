import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { createDestinationSender } from '../../src/dispatch/destinations.js';
import { processStreamBatch } from '../../src/dispatch/stream-policy.js';
import { silentLogger } from '../../src/log.js';
import type { PipelineRecord } from '../../src/records.js';
import { createFakeClock } from '../support/fake-clock.js';
import { BASE_TIME, SHARD_ID, STREAM_ARN, streamRecord, streamRecords } from '../support/records.js';
import { DESTINATION, FUNCTION_ARN, outcomes, streamHarness } from './stream-harness.js';

const run = (h: ReturnType<typeof streamHarness>, batch: readonly PipelineRecord[], signal = new AbortController().signal) =>
  h.clock.run(processStreamBatch(batch, h.deps, signal));

const doneIndexes = (h: ReturnType<typeof streamHarness>, all: readonly PipelineRecord[]) =>
  h.done.map((d) => ({ how: d.how, records: d.records.map((r) => all.indexOf(r)) }));

describe('processStreamBatch (services-kinesis-errors)', () => {
  it('a successful batch is invoked once and done as processed', async () => {
    const batch = streamRecords(5);
    const h = streamHarness({ respond: () => outcomes.success() });
    await run(h, batch);
    expect(h.calls).toEqual([batch]);
    expect(h.done).toEqual([{ records: batch, how: 'processed' }]);
    expect(h.sent).toEqual([]);
  });

  it('a function error is retried, with the same records, until it succeeds (maximumRetryAttempts -1), backing off on the clock', async () => {
    const batch = streamRecords(3);
    const h = streamHarness({ respond: (_r, call) => (call <= 3 ? outcomes.functionError() : outcomes.success()) });
    await run(h, batch);
    expect(h.calls).toEqual([batch, batch, batch, batch]);
    expect(h.done).toEqual([{ records: batch, how: 'processed' }]);
    expect(h.clock.sleeps).toEqual([100, 200, 400]);
  });

  it.each([0, 1, 2, 5])(
    'maximumRetryAttempts %i: exactly N+1 invocations, then RetryAttemptsExhausted with the exact on-failure record (kinesis-on-failure-destination)',
    async (retries) => {
      const batch = [
        streamRecord({ index: 0, arrivalTime: BASE_TIME - 2_000 }),
        streamRecord({ index: 1, arrivalTime: BASE_TIME - 1_500 }),
        streamRecord({ index: 2, arrivalTime: BASE_TIME - 1_000 }),
      ];
      const h = streamHarness({
        policy: { maximumRetryAttempts: retries, onFailureDestination: DESTINATION },
        respond: () => outcomes.functionError(),
      });
      await run(h, batch);
      expect(h.calls).toHaveLength(retries + 1);
      expect(h.done).toEqual([{ records: batch, how: 'RetryAttemptsExhausted' }]);
      expect(h.sent).toHaveLength(1);
      expect(h.sent[0]).toEqual({
        destination: DESTINATION,
        document: {
          requestContext: {
            requestId: h.results.at(-1)?.requestId,
            functionArn: FUNCTION_ARN,
            condition: 'RetryAttemptsExhausted',
            approximateInvokeCount: retries + 1,
          },
          responseContext: { statusCode: 200, executedVersion: '$LATEST', functionError: 'Unhandled' },
          version: '1.0',
          timestamp: new Date(h.clock.now()).toISOString(),
          KinesisBatchInfo: {
            shardId: SHARD_ID,
            startSequenceNumber: batch[0]?.sequenceNumber,
            endSequenceNumber: batch[2]?.sequenceNumber,
            approximateArrivalOfFirstRecord: new Date(BASE_TIME - 2_000).toISOString(),
            approximateArrivalOfLastRecord: new Date(BASE_TIME - 1_000).toISOString(),
            batchSize: 3,
            streamArn: STREAM_ARN,
          },
        },
      });
    },
  );

  it('DynamoDB streams send DDBStreamBatchInfo (services-dynamodb-errors)', async () => {
    const batch = streamRecords(2, { source: 'dynamodb' });
    const ddbArn = 'arn:aws:dynamodb:us-east-1:000000000000:table/t/stream/2026-01-01T00:00:00.000';
    const h = streamHarness({
      source: 'dynamodb',
      policy: { maximumRetryAttempts: 0, onFailureDestination: DESTINATION },
      respond: () => outcomes.functionError(),
    });
    await run(h, batch, new AbortController().signal);
    const document = h.sent[0]?.document as Record<string, unknown>;
    expect(Object.keys(document).sort()).toEqual(['DDBStreamBatchInfo', 'requestContext', 'responseContext', 'timestamp', 'version']);
    expect(document['DDBStreamBatchInfo']).toEqual({
      shardId: SHARD_ID,
      startSequenceNumber: batch[0]?.sequenceNumber,
      endSequenceNumber: batch[1]?.sequenceNumber,
      approximateArrivalOfFirstRecord: new Date(batch[0]?.arrivalTime ?? 0).toISOString(),
      approximateArrivalOfLastRecord: new Date(batch[1]?.arrivalTime ?? 0).toISOString(),
      batchSize: 2,
      streamArn: STREAM_ARN,
    });
    expect(ddbArn).toContain('stream');
  });

  it('without a destination, an exhausted batch is discarded and the shard moves on', async () => {
    const batch = streamRecords(2);
    const h = streamHarness({ policy: { maximumRetryAttempts: 1 }, respond: () => outcomes.functionError() });
    await run(h, batch);
    expect(h.calls).toHaveLength(2);
    expect(h.done).toEqual([{ records: batch, how: 'RetryAttemptsExhausted' }]);
    expect(h.sent).toEqual([]);
  });

  it('bisectBatchOnFunctionError isolates one poison record in a batch of 8; splitting does not count as a retry', async () => {
    const batch = streamRecords(8);
    const poison = batch[5];
    const h = streamHarness({
      policy: { maximumRetryAttempts: 2, bisectBatchOnFunctionError: true, onFailureDestination: DESTINATION },
      respond: (records) => (records.includes(poison as PipelineRecord) ? outcomes.functionError() : outcomes.success()),
    });
    await run(h, batch);
    expect(h.callIndexes(batch)).toEqual([
      [0, 1, 2, 3, 4, 5, 6, 7], // fails: split
      [0, 1, 2, 3],
      [4, 5, 6, 7], // fails: split
      [4, 5], // fails: split
      [4],
      [5], // the first attempt of the poison record alone ...
      [5], // ... retry 1
      [5], // ... retry 2, then exhausted
      [6, 7],
    ]);
    expect(doneIndexes(h, batch)).toEqual([
      { how: 'processed', records: [0, 1, 2, 3] },
      { how: 'processed', records: [4] },
      { how: 'RetryAttemptsExhausted', records: [5] },
      { how: 'processed', records: [6, 7] },
    ]);
    const document = h.sent[0]?.document as { requestContext: { approximateInvokeCount: number }; KinesisBatchInfo: { batchSize: number; startSequenceNumber: string } };
    expect(document.KinesisBatchInfo.batchSize).toBe(1);
    expect(document.KinesisBatchInfo.startSequenceNumber).toBe(poison?.sequenceNumber);
    // Invocations that carried the poison record: 8, 4, 2 records, then 3 alone.
    expect(document.requestContext.approximateInvokeCount).toBe(6);
  });

  it('bisect with maximumRetryAttempts 0 still isolates the poison record (splits are free), then discards it', async () => {
    const batch = streamRecords(8);
    const poison = batch[2] as PipelineRecord;
    const h = streamHarness({
      policy: { maximumRetryAttempts: 0, bisectBatchOnFunctionError: true },
      respond: (records) => (records.includes(poison) ? outcomes.functionError() : outcomes.success()),
    });
    await run(h, batch);
    expect(h.callIndexes(batch)).toEqual([[0, 1, 2, 3, 4, 5, 6, 7], [0, 1, 2, 3], [0, 1], [2, 3], [2], [3], [4, 5, 6, 7]]);
    expect(doneIndexes(h, batch)).toEqual([
      { how: 'processed', records: [0, 1] },
      { how: 'RetryAttemptsExhausted', records: [2] },
      { how: 'processed', records: [3] },
      { how: 'processed', records: [4, 5, 6, 7] },
    ]);
  });

  it('an invalid batch response is a function error: it bisects too', async () => {
    const batch = streamRecords(2);
    const h = streamHarness({
      policy: { maximumRetryAttempts: 0, bisectBatchOnFunctionError: true },
      respond: (records) => (records.length > 1 ? outcomes.invalid() : outcomes.success()),
    });
    await run(h, batch);
    expect(h.callIndexes(batch)).toEqual([[0, 1], [0], [1]]);
  });

  it('a partial response checkpoints just before the lowest failed record and retries from it (services-kinesis-batchfailurereporting)', async () => {
    const batch = streamRecords(10);
    const h = streamHarness({
      respond: (records, call) => (call === 1 ? outcomes.partial([records[7] as PipelineRecord, records[3] as PipelineRecord].sort((a, b) => batch.indexOf(a) - batch.indexOf(b))) : outcomes.success()),
    });
    await run(h, batch);
    expect(h.callIndexes(batch)).toEqual([
      [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
      [3, 4, 5, 6, 7, 8, 9],
    ]);
    expect(doneIndexes(h, batch)).toEqual([
      { how: 'processed', records: [0, 1, 2] },
      { how: 'processed', records: [3, 4, 5, 6, 7, 8, 9] },
    ]);
  });

  it('a partial response with the first record failed counts as a retry; exhausted retries discard from that record', async () => {
    const batch = streamRecords(4);
    const h = streamHarness({
      policy: { maximumRetryAttempts: 1, onFailureDestination: DESTINATION },
      respond: (records) => outcomes.partial([records[records.length - 2] as PipelineRecord]),
    });
    await run(h, batch);
    // call 1: [0..3] fails at 2 -> 0,1 done; call 2 (retry 1): [2,3] fails at 2 -> retries 2 > 1: discard [2,3].
    expect(h.callIndexes(batch)).toEqual([[0, 1, 2, 3], [2, 3]]);
    expect(doneIndexes(h, batch)).toEqual([
      { how: 'processed', records: [0, 1] },
      { how: 'RetryAttemptsExhausted', records: [2, 3] },
    ]);
    const document = h.sent[0]?.document as { requestContext: { approximateInvokeCount: number }; responseContext: unknown };
    expect(document.requestContext.approximateInvokeCount).toBe(2);
    expect(document.responseContext).toEqual({ statusCode: 200, executedVersion: '$LATEST', functionError: '' });
  });

  it('a batch over the payload limit (RequestEntityTooLarge) is bisected even without bisectBatchOnFunctionError, and splits are free', async () => {
    const batch = streamRecords(8);
    const h = streamHarness({
      policy: { maximumRetryAttempts: 0, bisectBatchOnFunctionError: false },
      respond: (records) => (records.length > 2 ? outcomes.tooLarge() : outcomes.success()),
    });
    await run(h, batch);
    expect(h.callIndexes(batch)).toEqual([[0, 1, 2, 3, 4, 5, 6, 7], [0, 1, 2, 3], [0, 1], [2, 3], [4, 5, 6, 7], [4, 5], [6, 7]]);
    expect(h.done.every((d) => d.how === 'processed')).toBe(true);
    expect(h.done.flatMap((d) => d.records)).toEqual(batch);
  });

  it('a single record over the payload limit is retried as a failure, then discarded with statusCode 413', async () => {
    const batch = streamRecords(1);
    const h = streamHarness({
      policy: { maximumRetryAttempts: 1, onFailureDestination: DESTINATION },
      respond: () => outcomes.tooLarge(),
    });
    await run(h, batch);
    expect(h.calls).toHaveLength(2);
    expect((h.sent[0]?.document as { responseContext: unknown }).responseContext).toEqual({
      statusCode: 413,
      executedVersion: '$LATEST',
      functionError: '',
    });
  });

  it('errors before the function ran (InvokerError) are retried without counting as retries or invocations', async () => {
    const batch = streamRecords(2);
    const h = streamHarness({
      policy: { maximumRetryAttempts: 0, onFailureDestination: DESTINATION },
      respond: (_r, call) => (call <= 5 ? outcomes.invokerError() : call === 6 ? outcomes.functionError() : outcomes.success()),
    });
    await run(h, batch);
    // 5 unreachable attempts, then one function error: with 0 retries that is the end.
    expect(h.calls).toHaveLength(6);
    expect(h.done).toEqual([{ records: batch, how: 'RetryAttemptsExhausted' }]);
    expect((h.sent[0]?.document as { requestContext: { approximateInvokeCount: number } }).requestContext.approximateInvokeCount).toBe(1);
    expect(h.clock.sleeps).toEqual([100, 200, 400, 800, 1600]);
  });

  it('an unreachable function retries until the records are older than maximumRecordAgeInSeconds, then RecordAgeExceeded', async () => {
    const clock = createFakeClock(BASE_TIME);
    const batch = streamRecords(2);
    const h = streamHarness({
      clock,
      policy: { maximumRetryAttempts: 0, maximumRecordAgeInSeconds: 60, onFailureDestination: DESTINATION },
      respond: () => outcomes.invokerError(),
      retryDelayMs: () => 10_000,
    });
    await run(h, batch);
    expect(h.done).toEqual([{ records: batch, how: 'RecordAgeExceeded' }]);
    const document = h.sent[0]?.document as { requestContext: { condition: string; approximateInvokeCount: number }; responseContext: { statusCode: number } };
    expect(document.requestContext.condition).toBe('RecordAgeExceeded');
    expect(document.requestContext.approximateInvokeCount).toBe(0);
    expect(document.responseContext.statusCode).toBe(0);
    expect(clock.now() - BASE_TIME).toBeGreaterThan(60_000);
    expect(h.calls.length).toBe(7);
  });

  it('maximumRecordAgeInSeconds discards only the expired prefix (RecordAgeExceeded); the rest is invoked', async () => {
    const clock = createFakeClock(BASE_TIME);
    const batch = [
      ...[0, 1, 2].map((index) => streamRecord({ index, arrivalTime: BASE_TIME - 120_000 })),
      ...[3, 4].map((index) => streamRecord({ index, arrivalTime: BASE_TIME - 10_000 })),
    ];
    const h = streamHarness({
      clock,
      policy: { maximumRecordAgeInSeconds: 60, onFailureDestination: DESTINATION },
      respond: () => outcomes.success(),
    });
    await run(h, batch);
    expect(h.callIndexes(batch)).toEqual([[3, 4]]);
    expect(doneIndexes(h, batch)).toEqual([
      { how: 'RecordAgeExceeded', records: [0, 1, 2] },
      { how: 'processed', records: [3, 4] },
    ]);
    const document = h.sent[0]?.document as { requestContext: { condition: string; approximateInvokeCount: number }; KinesisBatchInfo: { batchSize: number } };
    expect(document.requestContext).toMatchObject({ condition: 'RecordAgeExceeded', approximateInvokeCount: 0 });
    expect(document.KinesisBatchInfo.batchSize).toBe(3);
  });

  it('a failing batch loses its oldest records to age one by one while it is retried', async () => {
    const clock = createFakeClock(BASE_TIME);
    // Arrivals 50 s, 40 s, 10 s ago; age limit 60 s; retries every 15 s.
    const batch = [50, 40, 10].map((ago, index) => streamRecord({ index, arrivalTime: BASE_TIME - ago * 1000 }));
    const h = streamHarness({
      clock,
      policy: { maximumRecordAgeInSeconds: 60 },
      respond: (_records, call) => (call < 4 ? outcomes.functionError() : outcomes.success()),
      retryDelayMs: () => 15_000,
    });
    await run(h, batch);
    // t=0 [0,1,2]; t=15 record 0 is 65 s old -> [1,2]; t=30 record 1 is 70 s old -> [2]; t=45 [2] (55 s old) succeeds.
    expect(h.callIndexes(batch)).toEqual([[0, 1, 2], [1, 2], [2], [2]]);
    expect(doneIndexes(h, batch)).toEqual([
      { how: 'RecordAgeExceeded', records: [0] },
      { how: 'RecordAgeExceeded', records: [1] },
      { how: 'processed', records: [2] },
    ]);
  });

  it('the destination send is retried until the destination accepts it: nothing is lost', async () => {
    const bodies: string[] = [];
    let failures = 0;
    const sender = createDestinationSender(
      {
        async sendToQueue(arn, body) {
          if (failures < 3) {
            failures += 1;
            throw Object.assign(new Error('ServiceUnavailable'), { name: 'ServiceUnavailable' });
          }
          bodies.push(`${arn} ${body}`);
        },
        async publishToTopic() {
          throw new Error('not a topic');
        },
      },
      silentLogger,
      { minTimeoutMs: 0, maxTimeoutMs: 0 },
    );
    const batch = streamRecords(2);
    const h = streamHarness({
      policy: { maximumRetryAttempts: 0, onFailureDestination: DESTINATION },
      respond: () => outcomes.functionError(),
      sendToDestination: sender,
    });
    await run(h, batch);
    expect(failures).toBe(3);
    expect(bodies).toHaveLength(1);
    const [arn, ...json] = (bodies[0] ?? '').split(' ');
    expect(arn).toBe(DESTINATION);
    expect(JSON.parse(json.join(' '))).toMatchObject({ requestContext: { condition: 'RetryAttemptsExhausted' } });
    expect(h.done).toEqual([{ records: batch, how: 'RetryAttemptsExhausted' }]);
  });

  it('the records of a batch whose destination send never succeeds are not done (abort leaves them for the next run)', async () => {
    const controller = new AbortController();
    const batch = streamRecords(2);
    const h = streamHarness({
      policy: { maximumRetryAttempts: 0, onFailureDestination: DESTINATION },
      respond: () => outcomes.functionError(),
      sendToDestination: (_d, _doc, signal) =>
        new Promise((_resolve, reject) => signal?.addEventListener('abort', () => reject(signal.reason), { once: true })),
    });
    const processing = processStreamBatch(batch, h.deps, controller.signal);
    await h.clock.advance(0);
    controller.abort(new Error('grace period over'));
    await expect(processing).rejects.toThrow('grace period over');
    expect(h.done).toEqual([]);
  });

  it('abort during a retry wait rejects and leaves the batch undone', async () => {
    const controller = new AbortController();
    const batch = streamRecords(2);
    const h = streamHarness({ respond: () => outcomes.functionError() });
    const processing = processStreamBatch(batch, h.deps, controller.signal);
    await h.clock.sleeping(1);
    controller.abort(new Error('stop now'));
    await expect(processing).rejects.toThrow('stop now');
    expect(h.calls).toHaveLength(1);
    expect(h.done).toEqual([]);
  });

  it('property: every record is done exactly once, in shard order, whatever the function does', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 12 }),
        fc.array(fc.constantFrom('success', 'error', 'partial', 'invalid', 'tooLarge', 'unreachable'), { minLength: 1, maxLength: 40 }),
        fc.integer({ min: 0, max: 3 }),
        fc.boolean(),
        fc.integer({ min: 0, max: 11 }),
        async (size, script, retries, bisect, failAt) => {
          const batch = streamRecords(size);
          const h = streamHarness({
            policy: { maximumRetryAttempts: retries, bisectBatchOnFunctionError: bisect, onFailureDestination: DESTINATION },
            respond: (records, call) => {
              const step = script[(call - 1) % script.length];
              if (call > 200) return outcomes.success();
              switch (step) {
                case 'error':
                  return outcomes.functionError();
                case 'partial':
                  return outcomes.partial([records[Math.min(failAt, records.length - 1)] as PipelineRecord]);
                case 'invalid':
                  return outcomes.invalid();
                case 'tooLarge':
                  return outcomes.tooLarge();
                case 'unreachable':
                  return outcomes.invokerError();
                default:
                  return outcomes.success();
              }
            },
          });
          await run(h, batch);
          const doneRecords = h.done.flatMap((d) => d.records);
          expect(doneRecords).toEqual(batch);
          // Every discarded part went to the destination, once.
          expect(h.sent).toHaveLength(h.done.filter((d) => d.how !== 'processed').length);
        },
      ),
      { numRuns: 200 },
    );
  });
});
