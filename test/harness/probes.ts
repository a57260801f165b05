import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { KinesisClient, ListStreamsCommand } from '@aws-sdk/client-kinesis';
import { ListQueuesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { EMULATOR_CREDENTIALS, EMULATOR_REGION } from './kinds.js';

/** One readiness question: a real API call that only a working emulator answers. */
export type Probe = (endpoint: string, signal: AbortSignal) => Promise<void>;

function probeConfig(endpoint: string) {
  return {
    endpoint,
    region: EMULATOR_REGION,
    credentials: { ...EMULATOR_CREDENTIALS },
    maxAttempts: 1,
    requestHandler: new NodeHttpHandler({ connectionTimeout: 1_000, requestTimeout: 5_000 }),
  };
}

/** SQS `ListQueues` (ElasticMQ, moto, LocalStack). */
export const probeSqs: Probe = async (endpoint, signal) => {
  const client = new SQSClient(probeConfig(endpoint));
  try {
    await client.send(new ListQueuesCommand({}), { abortSignal: signal });
  } finally {
    client.destroy();
  }
};

/** DynamoDB `ListTables` (DynamoDB Local). */
export const probeDynamoDb: Probe = async (endpoint, signal) => {
  const client = new DynamoDBClient(probeConfig(endpoint));
  try {
    await client.send(new ListTablesCommand({}), { abortSignal: signal });
  } finally {
    client.destroy();
  }
};

/** Kinesis `ListStreams` over HTTP/1.1 (kinesis-local). */
export const probeKinesis: Probe = async (endpoint, signal) => {
  const client = new KinesisClient(probeConfig(endpoint));
  try {
    await client.send(new ListStreamsCommand({}), { abortSignal: signal });
  } finally {
    client.destroy();
  }
};
