import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { s3Record } from '../../src/events/s3.js';
import { matchS3Records, s3EventTypeMatches, s3KeyMatches } from '../../src/push/s3-match.js';

describe('s3EventTypeMatches (https://docs.aws.amazon.com/AmazonS3/latest/userguide/notification-how-to-event-types-and-destinations.html)', () => {
  it.each([
    ['s3:ObjectCreated:*', 'ObjectCreated:Put', true],
    ['s3:ObjectCreated:*', 'ObjectCreated:CompleteMultipartUpload', true],
    ['s3:ObjectCreated:*', 's3:ObjectCreated:Copy', true],
    ['s3:ObjectCreated:*', 'ObjectCreated', false],
    ['s3:ObjectCreated:*', 'ObjectCreatedX:Put', false],
    ['s3:ObjectCreated:*', 'ObjectRemoved:Delete', false],
    ['s3:ObjectCreated:Put', 'ObjectCreated:Put', true],
    ['s3:ObjectCreated:Put', 'ObjectCreated:Post', false],
    ['s3:ObjectRemoved:*', 'ObjectRemoved:DeleteMarkerCreated', true],
    ['s3:ReducedRedundancyLostObject', 'ReducedRedundancyLostObject', true],
    ['s3:LifecycleExpiration:*', 'LifecycleExpiration:Delete', true],
    ['s3:ObjectRestore:*', 'ObjectRestore:Completed', true],
  ])('%s matches %s: %s', (configured, eventName, expected) => {
    expect(s3EventTypeMatches(configured, eventName)).toBe(expected);
  });

  const word = fc.stringMatching(/^[A-Za-z]{1,12}$/);
  it('a wildcard matches exactly the event names of its type', () => {
    fc.assert(
      fc.property(word, word, word, (type, otherType, detail) => {
        expect(s3EventTypeMatches(`s3:${type}:*`, `${type}:${detail}`)).toBe(true);
        expect(s3EventTypeMatches(`s3:${type}:*`, `${otherType}:${detail}`)).toBe(type === otherType);
      }),
    );
  });
  it('without a wildcard only the exact name matches, with or without the s3: prefix', () => {
    fc.assert(
      fc.property(word, word, word, (type, detail, other) => {
        expect(s3EventTypeMatches(`s3:${type}:${detail}`, `${type}:${detail}`)).toBe(true);
        expect(s3EventTypeMatches(`s3:${type}:${detail}`, `s3:${type}:${detail}`)).toBe(true);
        expect(s3EventTypeMatches(`s3:${type}:${detail}`, `${type}:${other}`)).toBe(detail === other);
      }),
    );
  });
});

describe('s3KeyMatches (https://docs.aws.amazon.com/AmazonS3/latest/userguide/notification-how-to-filtering.html)', () => {
  it.each([
    [undefined, 'anything', true],
    [{ prefix: 'images/' }, 'images/cat.jpg', true],
    [{ prefix: 'images/' }, 'Images/cat.jpg', false],
    [{ suffix: '.jpg' }, 'images/cat.jpg', true],
    [{ suffix: '.jpg' }, 'images/cat.JPG', false],
    [{ prefix: 'images/', suffix: '.jpg' }, 'images/cat.png', false],
    [{ prefix: 'my photos/' }, 'my photos/a.jpg', true],
  ])('%o on %s: %s', (filter, key, expected) => {
    expect(s3KeyMatches(filter, key)).toBe(expected);
  });

  it('matches exactly the keys that start with the prefix and end with the suffix', () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), fc.string(), (prefix, middle, suffix) => {
        expect(s3KeyMatches({ prefix, suffix }, `${prefix}${middle}${suffix}`)).toBe(true);
        expect(s3KeyMatches({ prefix: `${prefix}\u0000` }, `${prefix}${middle}`)).toBe(middle.startsWith('\u0000'));
      }),
    );
  });
});

describe('matchS3Records', () => {
  const record = (bucket: string, key: string, eventName = 'ObjectCreated:Put') =>
    s3Record({ eventName, bucket, key, region: 'us-east-1', time: new Date('2024-05-01T10:00:00.000Z') });

  it('filters on bucket, event type and the decoded key', () => {
    const source = { bucket: 'uploads', events: ['s3:ObjectCreated:*'], filter: { prefix: 'my photos/', suffix: '.jpg' } };
    const keep = record('uploads', 'my photos/a b+c.jpg');
    expect(keep.s3.object.key).toBe('my+photos/a+b%2Bc.jpg');
    const records = [keep, record('other', 'my photos/x.jpg'), record('uploads', 'my photos/x.png'), record('uploads', 'my photos/y.jpg', 'ObjectRemoved:Delete')];
    expect(matchS3Records(source, records)).toEqual([keep]);
  });
});
