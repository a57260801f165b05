import { describe, expect, it } from 'vitest';
import { didYouMean } from '../../src/config/did-you-mean.js';

describe('didYouMean', () => {
  const keys = ['batchSize', 'maximumBatchingWindowInSeconds', 'mappings', 'functions', 'source'];
  it.each([
    { word: 'batchsize', hint: 'did you mean "batchSize"?' },
    { word: 'bachSize', hint: 'did you mean "batchSize"?' },
    { word: 'mapping', hint: 'did you mean "mappings"?' },
    { word: 'maximumBatchingWindowInSecond', hint: 'did you mean "maximumBatchingWindowInSeconds"?' },
    { word: 'queueUrl', hint: undefined },
    { word: 'x', hint: undefined },
  ])('$word', ({ word, hint }) => {
    expect(didYouMean(word, keys)).toBe(hint);
  });

  it('has nothing to say without candidates', () => {
    expect(didYouMean('a', [])).toBeUndefined();
  });
});
