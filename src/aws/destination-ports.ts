import { GetQueueUrlCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import type { Config } from '../config/types.js';
import type { DestinationPorts } from '../dispatch/destinations.js';
import { SluiceError } from '../errors.js';
import { clientConfig } from './client-config.js';

/** Destination ports over the real SQS and SNS clients (LocalStack, emulators or AWS). */
export function createAwsDestinationPorts(config: Pick<Config, 'endpoint' | 'region'>, env: NodeJS.ProcessEnv = process.env): DestinationPorts {
  let sqs: SQSClient | undefined;
  let sns: SNSClient | undefined;
  const queueUrls = new Map<string, Promise<string>>();

  function queueUrl(client: SQSClient, arn: string): Promise<string> {
    let url = queueUrls.get(arn);
    if (!url) {
      const [, , , , account, name] = arn.split(':');
      if (!name) throw new SluiceError('InvalidDestination', `not an SQS queue ARN: ${arn}`);
      url = client
        .send(new GetQueueUrlCommand({ QueueName: name, ...(account ? { QueueOwnerAWSAccountId: account } : {}) }))
        .then((r) => {
          if (!r.QueueUrl) throw new SluiceError('InvalidDestination', `no URL for queue ${arn}`, { retryable: true });
          return r.QueueUrl;
        });
      url.catch(() => queueUrls.delete(arn));
      queueUrls.set(arn, url);
    }
    return url;
  }

  return {
    async sendToQueue(queueArn, body, signal) {
      sqs ??= new SQSClient(clientConfig('sqs', config, env));
      const url = await queueUrl(sqs, queueArn);
      await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: body }), signal ? { abortSignal: signal } : {});
    },
    async publishToTopic(topicArn, message, signal) {
      sns ??= new SNSClient(clientConfig('sns', config, env));
      await sns.send(new PublishCommand({ TopicArn: topicArn, Message: message }), signal ? { abortSignal: signal } : {});
    },
  };
}
