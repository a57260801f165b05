import { externalTestEndpoint } from './external-endpoint.js';
import type { TestTargetKind } from './kinds.js';

/**
 * The SQS implementations to run SQS tests against, for `describe.each(sqsEmulators())`: ElasticMQ and moto,
 * two independent implementations, or only `localstack` when `SLUICE_TEST_ENDPOINT` is set.
 */
export function sqsEmulators(env: NodeJS.ProcessEnv = process.env): TestTargetKind[] {
  return externalTestEndpoint(env) === undefined ? ['elasticmq', 'moto'] : ['localstack'];
}
