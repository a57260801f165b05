import { NodeHttpHandler } from '@smithy/node-http-handler';

/**
 * Per-call abort signals on SDK clients that build each command's middleware stack once.
 *
 * An SDK v3 client rebuilds a command's whole middleware stack on every `send` that passes
 * options, `{ abortSignal }` included; only a `send` without options uses the stack cached
 * under `cacheMiddleware: true`. sluice gives every hot-path call a signal (shutdown cuts open
 * long polls and pending reads), so the rebuild ran on every ReceiveMessage, DeleteMessageBatch
 * and GetRecords: about 14% of the sluice-side CPU of an SQS drain (1,551 vs 1,328 µs per
 * ReceiveMessage + DeleteMessageBatch pair against ElasticMQ, 5 loops, median of 3 rounds).
 *
 * No SDK option carries a signal past a cached stack, hence this module: `withCachedSend`
 * moves the signal from the options onto the command's input, under a symbol the serializers
 * never read; a middleware at the innermost step copies it onto the outgoing request (each
 * retry's too); and `SignalHttpHandler` hands it to the SDK's own Node HTTP handler, which
 * aborts the request exactly as it does for `{ abortSignal }`.
 */
const SIGNAL = Symbol('sluice.abortSignal');

type Tagged = { [SIGNAL]?: AbortSignal };
type HandleOptions = NonNullable<Parameters<NodeHttpHandler['handle']>[1]>;

/** The SDK's Node HTTP handler, aborting a request with the signal its command was sent with. */
export class SignalHttpHandler extends NodeHttpHandler {
  override handle(request: Parameters<NodeHttpHandler['handle']>[0], options: HandleOptions = {}): ReturnType<NodeHttpHandler['handle']> {
    const signal = (request as Tagged)[SIGNAL];
    return super.handle(request, signal === undefined ? options : { ...options, abortSignal: signal });
  }
}

/** What `withCachedSend` needs of a client (every SDK v3 client has it). */
export interface CachedSendClient {
  readonly config: { readonly cacheMiddleware?: boolean | undefined; readonly requestHandler?: unknown };
  readonly middlewareStack: object;
  send(command: unknown, options?: unknown): Promise<unknown>;
}

type Args = { readonly input: object; readonly request?: unknown };
/** The overload of `middlewareStack.add` used here (the SDK's own types need `@smithy/types`, not a direct dependency). */
interface DeserializeStack {
  add(
    middleware: (next: (args: Args) => Promise<unknown>) => (args: Args) => Promise<unknown>,
    options: { step: 'deserialize'; priority: 'low'; name: string },
  ): void;
}

/** Client options for `withCachedSend`: the stack cache on, and the signal-aware handler. */
export function cachedSendOptions(handlerOptions: ConstructorParameters<typeof NodeHttpHandler>[0] = {}): {
  readonly cacheMiddleware: true;
  readonly requestHandler: SignalHttpHandler;
} {
  return { cacheMiddleware: true, requestHandler: new SignalHttpHandler(handlerOptions) };
}

/**
 * Makes `client.send(command, { abortSignal })` use the cached middleware stack. The client
 * must have been created with `cachedSendOptions()` (checked: a client without them would
 * silently lose its signals).
 */
export function withCachedSend<C extends CachedSendClient>(client: C): C {
  if (client.config.cacheMiddleware !== true || !(client.config.requestHandler instanceof SignalHttpHandler)) {
    throw new TypeError('withCachedSend: create the client with cachedSendOptions()');
  }
  (client.middlewareStack as DeserializeStack).add(
    (next) => (args) => {
      const signal = (args.input as Tagged)[SIGNAL];
      if (signal !== undefined && typeof args.request === 'object' && args.request !== null) (args.request as Tagged)[SIGNAL] = signal;
      return next(args);
    },
    { step: 'deserialize', priority: 'low', name: 'sluiceAbortSignal' },
  );
  const send = client.send.bind(client);
  const sendWithSignal = (command: unknown, options?: unknown): Promise<unknown> => {
    const { abortSignal, ...rest } = (options ?? {}) as { abortSignal?: AbortSignal };
    // Enumerable, so that it survives a middleware that copies the input; serializers read only modelled members.
    if (abortSignal !== undefined) Object.assign((command as { input: object }).input, { [SIGNAL]: abortSignal });
    return Object.keys(rest).length === 0 ? send(command) : send(command, rest);
  };
  Object.defineProperty(client, 'send', { value: sendWithSignal, configurable: true, writable: true });
  return client;
}
