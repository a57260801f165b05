/**
 * `npm run bench -- filter [--records=100000] [--rounds=7]`: evaluations per second of
 * a compiled 3-field FilterCriteria pattern over SQS records with JSON bodies (the
 * filter view parses each body), against a hand-written predicate that parses the
 * body and runs the same test, measured in the same run. Prints both rates and the
 * ratio sluice / baseline (1.0 = as fast as the hand-written code).
 */
import { compilePattern } from '../../src/filter/compile-pattern.js';
import { compileFilterCriteria, filterView } from '../../src/filter/index.js';
import type { PipelineRecord } from '../../src/records.js';
import { option } from './_options.js';

const PATTERN = '{"body":{"status":["active"],"amount":[{"numeric":[">",100]}],"region":[{"prefix":"eu-"}]}}';

/** A deterministic mix: about a sixth of the records match all three fields. */
function makeRecords(count: number): PipelineRecord[] {
  const statuses = ['active', 'inactive', 'active', 'pending'];
  const regions = ['eu-west-1', 'us-east-1', 'eu-central-1', 'ap-south-1'];
  let seed = 42;
  const random = (): number => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed / 2147483648;
  };
  const records: PipelineRecord[] = [];
  for (let i = 0; i < count; i++) {
    const body = JSON.stringify({
      id: `order-${i}`,
      status: statuses[Math.floor(random() * statuses.length)],
      amount: Math.round(random() * 30000) / 100,
      region: regions[Math.floor(random() * regions.length)],
      customer: { name: `Customer ${i % 97}`, tier: i % 3 === 0 ? 'gold' : 'standard' },
      items: [{ sku: `SKU-${i % 13}`, qty: 1 + (i % 4) }],
    });
    const event = {
      messageId: `00000000-0000-0000-0000-${String(i).padStart(12, '0')}`,
      receiptHandle: `AQEB${i}`,
      body,
      attributes: { ApproximateReceiveCount: '1', SentTimestamp: '1545082649183', SenderId: 'AIDAIENQZJOLO23YVJ4VO', ApproximateFirstReceiveTimestamp: '1545082649185' },
      messageAttributes: {},
      md5OfBody: '00000000000000000000000000000000',
      eventSource: 'aws:sqs',
      eventSourceARN: 'arn:aws:sqs:eu-west-1:123456789012:orders',
      awsRegion: 'eu-west-1',
    };
    records.push({ source: 'sqs', itemIdentifier: event.messageId, event, sizeBytes: body.length, arrivalTime: 0 });
  }
  return records;
}

/** The same test written by hand, JSON.parse included. */
function baseline(record: PipelineRecord): boolean {
  const body = record.event['body'];
  if (typeof body !== 'string') return false;
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return false;
  }
  if (parsed === null || typeof parsed !== 'object') return false;
  const { status, amount, region } = parsed as Record<string, unknown>;
  return status === 'active' && typeof amount === 'number' && amount > 100 && typeof region === 'string' && region.startsWith('eu-');
}

/** The hand-written test alone, on an already-built view. */
function baselineOnView(view: Readonly<Record<string, unknown>>): boolean {
  const body = view['body'];
  if (body === null || typeof body !== 'object') return false;
  const { status, amount, region } = body as Record<string, unknown>;
  return status === 'active' && typeof amount === 'number' && amount > 100 && typeof region === 'string' && region.startsWith('eu-');
}

function rate<T>(items: readonly T[], test: (item: T) => boolean, rounds: number): number {
  const rates: number[] = [];
  for (let i = 0; i < rounds + 2; i++) {
    const start = performance.now();
    let matched = 0;
    for (const item of items) if (test(item)) matched++;
    if (matched < 0) throw new Error('unreachable');
    if (i >= 2) rates.push(items.length / ((performance.now() - start) / 1000));
  }
  return median(rates);
}

function run(records: readonly PipelineRecord[], filter: (r: PipelineRecord) => boolean): { matched: number; seconds: number } {
  const start = performance.now();
  let matched = 0;
  for (const record of records) if (filter(record)) matched++;
  return { matched, seconds: (performance.now() - start) / 1000 };
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}

export default async function filterBench(args: string[]): Promise<void> {
  const count = option(args, 'records', 100_000);
  const rounds = option(args, 'rounds', 7);
  const records = makeRecords(count);
  const sluice = compileFilterCriteria({ filters: [{ pattern: PATTERN }] }, 'sqs');

  // Warm both paths up, and check they agree record by record.
  for (let i = 0; i < 2; i++) {
    run(records, sluice);
    run(records, baseline);
  }
  const disagreements = records.filter((r) => sluice(r) !== baseline(r)).length;
  if (disagreements > 0) throw new Error(`sluice and the baseline disagree on ${disagreements} records`);

  const sluiceRates: number[] = [];
  const baselineRates: number[] = [];
  let matched = 0;
  for (let i = 0; i < rounds; i++) {
    // Alternate so that neither side always runs on a warmer (or noisier) machine.
    const s = run(records, sluice);
    const b = run(records, baseline);
    matched = s.matched;
    sluiceRates.push(count / s.seconds);
    baselineRates.push(count / b.seconds);
  }
  const sluiceRate = median(sluiceRates);
  const baselineRate = median(baselineRates);
  const format = (rate: number): string => `${Math.round(rate).toLocaleString('en-US')} evaluations/s`;
  console.log(`pattern:   ${PATTERN}`);
  console.log(`records:   ${count.toLocaleString('en-US')} SQS JSON bodies, ${matched.toLocaleString('en-US')} match; median of ${rounds} rounds`);
  console.log(`sluice:    ${format(sluiceRate)} (filterView incl. JSON.parse + compiled pattern)`);
  console.log(`baseline:  ${format(baselineRate)} (hand-written predicate incl. JSON.parse)`);
  console.log(`ratio:     ${(sluiceRate / baselineRate).toFixed(3)} (sluice / baseline)`);

  // The matching alone, views built beforehand: what the closure tree costs without JSON.parse.
  const views = records.map((r) => filterView(r) as Readonly<Record<string, unknown>>);
  const matcher = compilePattern(PATTERN, { source: 'sqs' }).match;
  const matcherRate = rate(views, matcher, rounds);
  const handRate = rate(views, baselineOnView, rounds);
  console.log(`matching only (views pre-built): sluice ${format(matcherRate)}, hand-written ${format(handRate)}, ratio ${(matcherRate / handRate).toFixed(3)}`);
}
