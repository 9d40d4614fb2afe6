import { useMemo } from 'react';
import { lineSummary } from '../../state/chartSummary';
import type { AxisSpec, SeriesSpec } from './StepLineChart';

/** The text alternative of a step line chart (memoised on its rows; see state/chartSummary). */
export function useLineSummary(rows: readonly object[], series: readonly SeriesSpec[], left: AxisSpec, right?: AxisSpec, xKey = 'step', xName = 'step'): string {
  return useMemo(
    () => lineSummary(rows, series.map((s) => ({ key: s.key, name: s.name, format: (s.axis === 'right' ? right : left)?.format })), xKey, xName),
    [rows, series, left, right, xKey, xName],
  );
}
