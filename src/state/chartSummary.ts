/**
 * Text alternatives of the line charts, for screen readers: what a sighted reader takes from
 * a glance (how far the run got, where each curve is now, its lowest and highest point).
 */

export interface SummarySeries {
  key: string;
  name: string;
  /** How the axis writes a value (e.g. as a percentage). */
  format?: (v: number) => string;
}

const plain = (v: number) => String(Math.round(v * 1000) / 1000);

/**
 * One sentence for the x range, then one per series with points:
 * "12 points, step 5 to 60. validation: last 80%, lowest 20%, highest 85%."
 * `rows` hold `xKey` and a number (or nothing) per series key.
 */
export function lineSummary(rows: readonly object[], series: readonly SummarySeries[], xKey = 'step', xName = 'step'): string {
  if (rows.length === 0) return 'No points yet.';
  const value = (row: object, key: string): number | undefined => {
    const v = (row as Record<string, unknown>)[key];
    return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
  };
  const first = value(rows[0], xKey);
  const last = value(rows[rows.length - 1], xKey);
  const parts = [`${rows.length} point${rows.length === 1 ? '' : 's'}${first !== undefined && last !== undefined ? `, ${xName} ${first} to ${last}` : ''}.`];
  for (const s of series) {
    let lo = Infinity;
    let hi = -Infinity;
    let end: number | undefined;
    for (const row of rows) {
      const v = value(row, s.key);
      if (v === undefined) continue;
      lo = Math.min(lo, v);
      hi = Math.max(hi, v);
      end = v;
    }
    if (end === undefined) continue;
    const f = s.format ?? plain;
    parts.push(`${s.name}: last ${f(end)}, lowest ${f(lo)}, highest ${f(hi)}.`);
  }
  return parts.join(' ');
}
