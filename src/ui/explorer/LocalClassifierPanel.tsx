import { memo, useMemo } from 'react';
import { inspectValidationImage } from '../../bridge/explorer';
import { imageKey, useExplorerStore } from '../../state/explorer/explorerStore';
import { uniformEntropy } from '../../state/explorer/selectors';
import { Thumbnail } from '../assets/Thumbnail';
import { StepLineChart } from '../charts/StepLineChart';
import { OKABE_ITO } from '../palette';
import { EXPLORER_TEXT } from './texts';

const SHARPNESS_SERIES = [
  { key: 'meanMaxProb', name: 'mean top probability of q', colour: OKABE_ITO.blue },
  { key: 'uniformMax', name: 'uniform q (1/m)', colour: OKABE_ITO.blue, dashed: true },
  { key: 'meanEntropy', name: 'mean entropy of q (nats)', colour: OKABE_ITO.vermillion, axis: 'right' as const },
  { key: 'uniformEntropy', name: 'uniform q (ln m)', colour: OKABE_ITO.vermillion, dashed: true, axis: 'right' as const },
];

function Candidate({ valIndex, name, chosen }: { valIndex: number; name: string; chosen: boolean }) {
  const pixels = useExplorerStore((s) => s.images[imageKey('val', valIndex)]);
  return (
    <button type="button" className="explorer__candidate" aria-pressed={chosen} onClick={() => inspectValidationImage(valIndex)} data-testid="explorer-candidate">
      <Thumbnail pixels={pixels} size={28} title={`${name}: validation image ${valIndex}`} />
    </button>
  );
}

/** The teacher's q next to the student's p for one validation image, and the sharpness of q over the run. */
export const LocalClassifierPanel = memo(function LocalClassifierPanel() {
  const local = useExplorerStore((s) => s.local);
  const localStep = useExplorerStore((s) => s.localStep);
  const candidates = useExplorerStore((s) => s.candidates);
  const valIndex = useExplorerStore((s) => s.valIndex);
  const names = useExplorerStore((s) => s.affinity?.studentClasses);
  const sharpness = useExplorerStore((s) => s.sharpness);
  const rows = useMemo(() => sharpness.map((p) => ({ ...p, uniformMax: 1 / Math.max(1, p.classesInScope), uniformEntropy: uniformEntropy(p.classesInScope) })), [sharpness]);
  const nameOf = (c: number) => names?.[c] ?? `class ${c}`;
  return (
    <section className="explorer__section" data-testid="explorer-local" aria-labelledby="explorer-local-title">
      <h4 id="explorer-local-title" className="chart__title">
        {EXPLORER_TEXT.local}
        {localStep !== null && <span className="explorer__step"> (step {localStep})</span>}
      </h4>
      <p className="chart__caption">{EXPLORER_TEXT.localCaption}</p>
      <div className="explorer__candidates">
        {candidates.map((c) => (
          <Candidate key={c.valIndex} valIndex={c.valIndex} name={nameOf(c.label)} chosen={c.valIndex === valIndex} />
        ))}
      </div>
      {!local ? (
        <p className="chart__caption">{EXPLORER_TEXT.localEmpty}</p>
      ) : (
        <table className="explorer__bars" data-testid="explorer-local-bars" data-val-index={local.valIndex}>
          <caption className="visually-hidden">q and p of validation image {local.valIndex}, a {nameOf(local.label)}</caption>
          <thead>
            <tr>
              <th scope="col">class</th>
              <th scope="col">teacher q</th>
              <th scope="col">student p</th>
            </tr>
          </thead>
          <tbody>
            {local.q.map((q, c) => (
              <tr key={c} className={c === local.label ? 'explorer__row--true' : undefined} data-testid="explorer-local-row">
                <th scope="row">{nameOf(c)}{c === local.label ? ' ✓' : ''}</th>
                <td>
                  <span className="explorer__bar explorer__bar--q" style={{ width: `${Math.round(q * 100)}%` }} aria-hidden="true" />
                  <span className="explorer__num">{q.toFixed(2)}</span>
                </td>
                <td>
                  <span className="explorer__bar explorer__bar--p" style={{ width: `${Math.round(local.p[c] * 100)}%` }} aria-hidden="true" />
                  <span className="explorer__num">{local.p[c].toFixed(2)}</span>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <h4 className="chart__title">{EXPLORER_TEXT.sharpness}</h4>
      {rows.length === 0 ? (
        <p className="chart__caption">{EXPLORER_TEXT.sharpnessEmpty}</p>
      ) : (
        // A ResponsiveContainer takes its parent's height: the plot needs one of its own here.
        <div data-testid="explorer-sharpness" className="chart__body" style={{ height: 220 }}>
          <StepLineChart rows={rows} series={SHARPNESS_SERIES} left={{ label: 'top probability', domain: [0, 1] }} right={{ label: 'entropy (nats)', domain: [0, 'auto'] }} boundary={null} />
        </div>
      )}
    </section>
  );
});
