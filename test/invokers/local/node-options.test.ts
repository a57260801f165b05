import { describe, expect, it } from 'vitest';
import { lambdaHeap, lambdaNodeFlags } from '../../../src/invokers/local/node-options.js';

describe('lambdaNodeFlags: the flags of Lambda\'s Node.js runtime bootstrap', () => {
  it.each([
    [128, { semiSpaceMb: 6, youngGenerationMb: 12, oldSpaceMb: 116 }],
    [1024, { semiSpaceMb: 51, youngGenerationMb: 102, oldSpaceMb: 922 }],
    [10240, { semiSpaceMb: 512, youngGenerationMb: 1024, oldSpaceMb: 9216 }],
  ])('memorySize %i: new space a tenth (integer MB), semi-space half of it, old space the rest', (memorySize, heap) => {
    expect(lambdaHeap(memorySize)).toEqual(heap);
  });

  it('exposes gc, allows 80 KB of HTTP headers and sizes the heap', () => {
    expect(lambdaNodeFlags(128)).toEqual(['--expose-gc', '--max-http-header-size=81920', '--max-semi-space-size=6', '--max-old-space-size=116']);
  });
});
