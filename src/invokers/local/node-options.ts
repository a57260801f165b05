/**
 * The V8 heap a Lambda Node.js environment gets for its memory size, and the flags its
 * runtime starts `node` with. The runtime's bootstrap (`/var/runtime/bootstrap`) gives a
 * tenth of the memory to the young generation (two semi-spaces, each half of it) and the rest
 * to the old generation, and exposes `global.gc`:
 *
 *     new_space = MEMORY / 10;  semi_space = new_space / 2;  old_space = MEMORY - new_space
 *     node --expose-gc --max-http-header-size 81920 \
 *          --max-semi-space-size=$semi_space --max-old-space-size=$old_space ...
 *
 * (integer division, sizes in MB: 128 MB gives a 6 MB semi-space and a 116 MB old space). A
 * handler that calls `global.gc()` or receives large HTTP headers behaves here as it does there.
 */
export interface LambdaHeap {
  readonly semiSpaceMb: number;
  readonly youngGenerationMb: number;
  readonly oldSpaceMb: number;
}

export function lambdaHeap(memorySizeMb: number): LambdaHeap {
  const youngGenerationMb = Math.floor(memorySizeMb / 10);
  return { semiSpaceMb: Math.floor(youngGenerationMb / 2), youngGenerationMb, oldSpaceMb: memorySizeMb - youngGenerationMb };
}

/** `node`'s flags in a Lambda Node.js environment of `memorySizeMb` (see above). */
export function lambdaNodeFlags(memorySizeMb: number): string[] {
  const heap = lambdaHeap(memorySizeMb);
  return [
    '--expose-gc',
    '--max-http-header-size=81920',
    `--max-semi-space-size=${heap.semiSpaceMb}`,
    `--max-old-space-size=${heap.oldSpaceMb}`,
  ];
}
