import { memo, useMemo } from 'react';
import { useExplorerStore } from '../../state/explorer/explorerStore';
import { affinitySentences } from '../../state/explorer/selectors';
import { EXPLORER_TEXT } from './texts';

/** Student classes × teacher classes: what each student class looks like to the teacher. */
export const AffinityHeatmap = memo(function AffinityHeatmap() {
  const affinity = useExplorerStore((s) => s.affinity);
  const sentences = useMemo(() => (affinity ? affinitySentences(affinity) : []), [affinity]);
  return (
    <section className="explorer__section" data-testid="explorer-affinity" aria-labelledby="explorer-affinity-title">
      <h4 id="explorer-affinity-title" className="chart__title">{EXPLORER_TEXT.affinity}</h4>
      {!affinity || affinity.matrix.length === 0 ? (
        <p className="chart__caption">{EXPLORER_TEXT.affinityEmpty}</p>
      ) : (
        <>
          <p className="chart__caption" data-testid="explorer-affinity-sentences">{sentences.join('; ')}.</p>
          <div className="explorer__scroll">
            <table className="explorer__heatmap">
              <thead>
                <tr>
                  <th scope="col">student \ teacher</th>
                  {affinity.teacherClasses.map((t) => (
                    <th scope="col" key={t}>{t}</th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {affinity.matrix.map((row, c) => (
                  <tr key={affinity.studentClasses[c]}>
                    <th scope="row">{affinity.studentClasses[c]}</th>
                    {row.map((v, t) => (
                      <td key={t} data-testid="explorer-affinity-cell" style={{ background: `rgba(0, 114, 178, ${v.toFixed(3)})`, color: v > 0.5 ? '#fff' : undefined }} title={`${affinity.studentClasses[c]} → ${affinity.teacherClasses[t]}: ${v.toFixed(3)}`}>
                        {v.toFixed(2)}
                      </td>
                    ))}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      )}
    </section>
  );
});
