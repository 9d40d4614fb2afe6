import { memo, useMemo } from 'react';
import { tripletKey, useExplorerStore } from '../../state/explorer/explorerStore';
import { CLASS_COLOURS } from '../palette';
import { StepLineChart, type SeriesSpec } from '../charts/StepLineChart';
import { EXPLORER_TEXT } from './texts';

/** p_S (and the frozen teacher's p_T) of the followed triplets over the run's reporting steps. */
export const FollowChart = memo(function FollowChart() {
  const followed = useExplorerStore((s) => s.followed);
  const history = useExplorerStore((s) => s.history);
  const { rows, series } = useMemo(() => {
    const byStep = new Map<number, Record<string, number>>();
    const series: SeriesSpec[] = [];
    followed.forEach((t, i) => {
      const key = tripletKey(t);
      const colour = CLASS_COLOURS[i % CLASS_COLOURS.length];
      series.push({ key: `s${i}`, name: `p_S ${key}`, colour }, { key: `t${i}`, name: `p_T ${key}`, colour, dashed: true });
      for (const p of history[key] ?? []) {
        const row = byStep.get(p.step) ?? { step: p.step };
        row[`s${i}`] = p.pS;
        row[`t${i}`] = p.pT;
        byStep.set(p.step, row);
      }
    });
    return { rows: [...byStep.values()].sort((a, b) => a.step - b.step), series };
  }, [followed, history]);
  if (followed.length === 0) return null;
  return (
    <figure className="explorer__section" data-testid="explorer-follow-chart">
      <figcaption className="chart__caption">{EXPLORER_TEXT.followChart}</figcaption>
      <StepLineChart rows={rows} series={series} left={{ label: 'p' }} boundary={null} />
    </figure>
  );
});
