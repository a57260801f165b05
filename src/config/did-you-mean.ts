import { distance } from 'fastest-levenshtein';

/**
 * `did you mean "batchSize"?` when one of `candidates` is close to `word`
 * (same letters in another case, or a few edits away), else undefined.
 */
export function didYouMean(word: string, candidates: readonly string[]): string | undefined {
  const lower = word.toLowerCase();
  let best: { candidate: string; score: number } | undefined;
  for (const candidate of candidates) {
    const score = candidate.toLowerCase() === lower ? 0 : distance(lower, candidate.toLowerCase());
    if (best === undefined || score < best.score) best = { candidate, score };
  }
  if (best === undefined || best.candidate === word) return undefined;
  const allowed = Math.max(2, Math.floor(Math.max(word.length, best.candidate.length) / 3));
  return best.score <= allowed ? `did you mean "${best.candidate}"?` : undefined;
}
