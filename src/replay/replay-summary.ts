import type { MappingHandle } from '../runtime/start-mappings.js';
import type { MappingStats } from '../runtime/mapping-stats.js';

export interface MappingSummary extends MappingStats {
  readonly mapping: string;
  /** Every record was processed, filtered out, or handled by the mapping's failure policy. */
  readonly ok: boolean;
  readonly error?: string;
}

/** The per-mapping outcome of a replay, and whether the replay as a whole succeeded. */
export async function summarize(handles: readonly MappingHandle[]): Promise<{ mappings: MappingSummary[]; ok: boolean }> {
  const mappings = await Promise.all(
    handles.map(async (h): Promise<MappingSummary> => {
      const error = await h.done.then(
        () => undefined,
        (err: unknown) => (err instanceof Error ? err.message : String(err)),
      );
      const ok = error === undefined && h.stats.malformed.length === 0 && h.stats.abandoned === 0;
      return { mapping: h.mapping.name, ...h.stats, ok, ...(error === undefined ? {} : { error }) };
    }),
  );
  return { mappings, ok: mappings.every((m) => m.ok) };
}

/** Human-readable summary lines, one per mapping. */
export function formatSummary(summary: { mappings: readonly MappingSummary[]; ok: boolean }): string {
  const lines = summary.mappings.map((m) => {
    const parts = [
      `${m.records} records`,
      `${m.invocations} invocations`,
      `${m.processed} processed`,
      m.filtered ? `${m.filtered} filtered out` : '',
      m.functionErrors ? `${m.functionErrors} function errors` : '',
      m.discarded ? `${m.discarded} discarded by the failure policy` : '',
      m.deadLettered ? `${m.deadLettered} dead-lettered` : '',
      m.abandoned ? `${m.abandoned} abandoned (kept failing)` : '',
      m.malformed.length ? `${m.malformed.length} malformed lines` : '',
    ].filter(Boolean);
    const mark = m.ok ? 'ok  ' : 'FAIL';
    const tail = m.error ? `\n       error: ${m.error}` : '';
    const malformed = m.malformed.map((p) => `\n       ${p.file}:${p.line}: ${p.message}`).join('');
    return `${mark} ${m.mapping}: ${parts.join(', ')}${tail}${malformed}`;
  });
  lines.push(summary.ok ? 'replay finished: every record handled' : 'replay finished with records not handled');
  return lines.join('\n');
}
