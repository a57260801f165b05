import { createExampleResources } from '../localstack/create-resources.js';
import { localStackEndpoint, waitForLocalStack } from '../localstack/wait-for-localstack.js';
import { ExitCode, stringOption, type Command } from './command.js';
import { loggerForCli, logOptions } from './load.js';

/** The services the example resources live in, as `/_localstack/health` names them. */
const EXAMPLE_SERVICES = ['dynamodb', 'kinesis', 's3', 'sns', 'sqs'] as const;
const USAGE = 'sluice localstack create-resources [--endpoint URL] [--region REGION] [--log-level LEVEL] [--log-format json|pretty]';

/**
 * `sluice localstack create-resources`: creates the example resources of
 * `localstack/sluice.yaml` (waiting for LocalStack first when the endpoint is
 * LocalStack's) and logs what it created (queue URLs, ARNs).
 */
export const localstackCommand: Command = {
  name: 'localstack',
  summary: 'create-resources: make the queues, stream, table, topic and bucket of localstack/sluice.yaml',
  usage: USAGE,
  allowPositionals: true,
  options: {
    ...logOptions,
    endpoint: { type: 'string' },
    region: { type: 'string' },
  },
  async run(args, io) {
    const [action, ...extra] = args.positionals;
    if (action !== 'create-resources' || extra.length > 0) {
      io.stderr.write(`usage: ${USAGE}\n`);
      return ExitCode.usage;
    }
    const env = io.env;
    const endpoint = stringOption(args, 'endpoint') ?? env['AWS_ENDPOINT_URL'] ?? localStackEndpoint({}, env) ?? 'http://localhost:4566';
    try {
      new URL(endpoint);
    } catch {
      io.stderr.write(`--endpoint must be a URL such as http://localhost:4566, got "${endpoint}"\n`);
      return ExitCode.usage;
    }
    const region = stringOption(args, 'region') ?? env['AWS_REGION'] ?? env['AWS_DEFAULT_REGION'] ?? 'us-east-1';
    const logger = loggerForCli(args, io);
    const controller = new AbortController();
    const onSignal = (): void => controller.abort();
    process.once('SIGTERM', onSignal);
    process.once('SIGINT', onSignal);
    try {
      // LocalStack when on its port, or when it is the LOCALSTACK_HOST named in the environment.
      const origin = new URL(endpoint).origin;
      const localstack = [localStackEndpoint({ endpoint }, {}), localStackEndpoint({}, env)].includes(origin);
      if (localstack) await waitForLocalStack({ endpoint: origin, services: EXAMPLE_SERVICES, logger, signal: controller.signal });
      const created = await createExampleResources({ endpoint, region, env, signal: controller.signal });
      logger.info({ endpoint, ...created }, 'example resources ready');
      logger.flush();
      return ExitCode.ok;
    } catch (err) {
      io.stderr.write(`cannot create the example resources at ${endpoint}: ${err instanceof Error ? err.message : String(err)}\n`);
      return ExitCode.failed;
    } finally {
      process.off('SIGTERM', onSignal);
      process.off('SIGINT', onSignal);
    }
  },
};
