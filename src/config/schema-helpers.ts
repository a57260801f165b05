/**
 * Small zod builders shared by the config schema. Their messages are predicates
 * ("must be ..."): the issue mapper puts the key name in front.
 */
import { z } from 'zod';

/** Where an AWS limit is documented, for descriptions and messages. */
export const AWS_LIMIT = 'AWS limit';

const show = (value: unknown): string => (typeof value === 'string' ? JSON.stringify(value) : String(value));

/** An integer in `[min, max]`; the message names the bounds and where they come from. */
export function intBetween(min: number, max: number, limit: string = AWS_LIMIT) {
  const error = (issue: { readonly input?: unknown }): string =>
    `must be between ${min} and ${max} (${limit}), got ${show(issue.input)}`;
  return z.number().int().min(min, { error }).max(max, { error });
}

/** `-1` (no limit) or an integer in `[min, max]`, as Lambda's record age and retry settings. */
export function infiniteOrBetween(min: number, max: number, limit: string = AWS_LIMIT) {
  const error = (issue: { readonly input?: unknown }): string =>
    `must be -1 (infinite) or between ${min} and ${max} (${limit}), got ${show(issue.input)}`;
  return z
    .number()
    .int()
    .min(-1, { error })
    .max(max, { error })
    .refine((value) => value === -1 || value >= min, { error });
}

/** A string that is not empty. */
export function nonEmptyString() {
  return z.string().min(1, { error: 'must not be empty' });
}

/** An `http:` or `https:` URL. */
export function httpUrl() {
  return z.url({
    protocol: /^https?$/,
    error: (issue) => `must be an http(s) URL, got ${show(issue.input)}`,
  });
}

/** True when `Intl` knows the IANA time zone. */
export function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/** An IANA time zone name, checked with `Intl.DateTimeFormat`. */
export function timeZone() {
  return z.string().refine(isTimeZone, {
    error: (issue) => `must be an IANA time zone such as "Europe/Paris", got ${show(issue.input)}`,
  });
}

const ISO_TIME = /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/;

/** An ISO 8601 time string or epoch seconds. */
export function isoTimeOrEpochSeconds() {
  return z.union(
    [
      z.string().refine((text) => ISO_TIME.test(text) && !Number.isNaN(Date.parse(text)), {
        error: (issue) => `must be an ISO 8601 time such as "2024-05-01T00:00:00Z", got ${show(issue.input)}`,
      }),
      z.number().min(0, { error: 'must not be negative' }),
    ],
    { error: (issue) => `must be an ISO 8601 time or epoch seconds, got ${show(issue.input)}` },
  );
}

/** The ARN of an SQS queue or SNS topic (where Lambda sends discarded records). */
export const QUEUE_OR_TOPIC_ARN = /^arn:aws[a-z-]*:(?:sqs|sns):[a-z0-9-]+:\d{12}:[A-Za-z0-9_.-]{1,256}$/;
