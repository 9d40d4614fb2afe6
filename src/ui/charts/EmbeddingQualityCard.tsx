import { memo } from 'react';
import { formatInterval, formatNmi, formatPercent } from '../../state/selectors';
import { useLiveRun } from '../hooks/useLiveRun';
import { selectEmbeddingQuality } from './chartData';

/**
 * The student's embedding judged without its head, on the test split: NCM accuracy and the NMI
 * of a k-means clustering after stage 1 and at the end, and episodic N-way K-shot accuracy
 * with its 95 % interval.
 */
export const EmbeddingQualityCard = memo(function EmbeddingQualityCard() {
  const quality = useLiveRun(selectEmbeddingQuality);
  return (
    <figure className="chart" data-testid="embedding-quality" data-points={quality?.rows.length ?? 0}>
      <figcaption>
        <h3 className="chart__title">Embedding quality · test split</h3>
        <p className="chart__caption">
          The student’s embedding without its head. NMI: k-means clusters (k = classes) against the labels, 0 unrelated to 1 the classes. Episodic: random few-shot tasks, each
          classified by its support images alone.
        </p>
      </figcaption>
      {!quality ? (
        <div className="chart__body" style={{ height: 120 }}>
          <div className="chart__empty">Appears when the run finishes.</div>
        </div>
      ) : (
        <>
          <table className="quality">
            <thead>
              <tr>
                <th scope="col">Embedding</th>
                <th scope="col">NCM</th>
                <th scope="col">NMI</th>
              </tr>
            </thead>
            <tbody>
              {quality.rows.map((row) => (
                <tr key={row.when}>
                  <th scope="row">{row.label}</th>
                  <td data-testid={`embedding-ncm-${row.when}`}>{formatPercent(row.ncm)}</td>
                  <td data-testid={`embedding-nmi-${row.when}`}>{formatNmi(row.nmi)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {quality.episodic.length > 0 ? (
            <>
              <table className="quality">
                <thead>
                  <tr>
                    <th scope="col">Episodic, final</th>
                    <th scope="col">Accuracy ± 95 %</th>
                    <th scope="col">Tasks</th>
                  </tr>
                </thead>
                <tbody>
                  {quality.episodic.map((e) => (
                    <tr key={e.shots}>
                      <th scope="row">{e.label}</th>
                      <td data-testid={`episodic-${e.shots}-shot`}>{formatInterval(e.mean, e.halfWidth)}</td>
                      <td>{e.tasks}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
              <p className="chart__caption">{quality.episodic[0].queries} queries per class in every task; ± is the 95 % interval of the mean over the tasks.</p>
            </>
          ) : (
            <p className="chart__caption" data-testid="episodic-none">
              No episodic tasks: each needs 2 or more classes with at least 16 test images (1 shot + 15 queries).
            </p>
          )}
        </>
      )}
    </figure>
  );
});
