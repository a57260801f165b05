import { execFileSync } from 'node:child_process';
import { createSign } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** An RSA key and a self-signed certificate for `localhost` (TLS of the test server and SNS signing alike). */
export interface SigningIdentity {
  readonly key: string;
  readonly cert: string;
}

/** Generates the identity with the openssl CLI (Node cannot create certificates itself). */
export function createSigningIdentity(): SigningIdentity {
  const dir = mkdtempSync(join(tmpdir(), 'sluice-sns-cert-'));
  try {
    execFileSync(
      'openssl',
      [
        'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-sha256', '-days', '1',
        '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem'),
        '-subj', '/CN=localhost', '-addext', 'subjectAltName=DNS:localhost',
      ],
      { stdio: 'pipe' },
    );
  } catch (err) {
    throw new Error(`the SNS signature tests need the openssl CLI (apt-get install openssl): ${String(err)}`, { cause: err });
  }
  try {
    return { key: readFileSync(join(dir, 'key.pem'), 'utf8'), cert: readFileSync(join(dir, 'cert.pem'), 'utf8') };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export interface CertificateServer {
  readonly port: number;
  /** Paths requested so far. */
  readonly requests: string[];
  /** `https://<host>:<port>/SimpleNotificationService-test.pem`. */
  certUrl(host: string): string;
  close(): Promise<void>;
}

/** A loopback https server that serves the identity's certificate as SNS serves signing certificates. */
export async function startCertificateServer(identity: SigningIdentity): Promise<CertificateServer> {
  const requests: string[] = [];
  const server: Server = createServer({ key: identity.key, cert: identity.cert }, (req, res) => {
    requests.push(req.url ?? '');
    if (req.url === '/SimpleNotificationService-test.pem') {
      res.writeHead(200, { 'content-type': 'application/x-pem-file' }).end(identity.cert);
    } else {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    port,
    requests,
    certUrl: (host) => `https://${host}:${port}/SimpleNotificationService-test.pem`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/**
 * Signs an SNS HTTP message as SNS does, written here from the SNS documentation
 * independently of the code under test: "key\nvalue\n" for Message, MessageId, Subject (when
 * present), Timestamp, TopicArn, Type (Notification) or Message, MessageId, SubscribeURL,
 * Timestamp, Token, TopicArn, Type (confirmations).
 * @see https://docs.aws.amazon.com/sns/latest/dg/sns-verify-signature-of-message.html
 */
export function signSnsMessage(message: Record<string, string>, key: string, version: '1' | '2'): Record<string, string> {
  const keys =
    message['Type'] === 'Notification'
      ? ['Message', 'MessageId', 'Subject', 'Timestamp', 'TopicArn', 'Type']
      : ['Message', 'MessageId', 'SubscribeURL', 'Timestamp', 'Token', 'TopicArn', 'Type'];
  let text = '';
  for (const k of keys) if (message[k] !== undefined) text += `${k}\n${message[k]}\n`;
  const signer = createSign(version === '1' ? 'RSA-SHA1' : 'RSA-SHA256');
  signer.update(text, 'utf8');
  return { ...message, SignatureVersion: version, Signature: signer.sign(key, 'base64') };
}

export const TOPIC_ARN = 'arn:aws:sns:us-east-1:000000000000:orders';

/** A Notification body (unsigned) with the given certificate URL. */
export function notification(certUrl: string, overrides: Record<string, string> = {}): Record<string, string> {
  return {
    Type: 'Notification',
    MessageId: '22b80b92-fdea-4c2c-8f9d-bdfb0c7bf324',
    TopicArn: TOPIC_ARN,
    Subject: 'My First Message',
    Message: 'Hello world!',
    Timestamp: '2024-05-02T00:54:06.655Z',
    SigningCertURL: certUrl,
    UnsubscribeURL: 'https://sns.us-east-1.amazonaws.com/?Action=Unsubscribe&SubscriptionArn=arn:aws:sns:us-east-1:000000000000:orders:c9135db0',
    ...overrides,
  };
}

/** A SubscriptionConfirmation body (unsigned). */
export function confirmation(certUrl: string, subscribeUrl: string, type: 'SubscriptionConfirmation' | 'UnsubscribeConfirmation' = 'SubscriptionConfirmation'): Record<string, string> {
  return {
    Type: type,
    MessageId: '165545c9-2a5c-472c-8df2-7ff2be2b3b1b',
    Token: '2336412f37fb687f5d51e6e241d09c805a5a57b30d712f794cc5f6a988666d92768dd60a747ba6f3beb71854e285d6ad02428b09ceece29417f1f02d609c582afbacc99c583a916b9981dd2728f4ae6fdb82efd087cc3b7849e05798d2d2785c03b0879594eeac82c01f235d0e717736',
    TopicArn: TOPIC_ARN,
    Message: `You have chosen to subscribe to the topic ${TOPIC_ARN}.`,
    SubscribeURL: subscribeUrl,
    Timestamp: '2024-05-02T00:54:06.655Z',
    SigningCertURL: certUrl,
  };
}
