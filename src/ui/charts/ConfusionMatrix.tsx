import { memo } from 'react';
import { formatPercent } from '../../state/selectors';
import { useLiveRun } from '../hooks/useLiveRun';
import { selectConfusion } from './chartData';

/** Blue ramp from white: the share of a true class predicted as each class. */
const cellColour = (rate: number) => `rgb(${Math.round(255 - 255 * rate)}, ${Math.round(255 - 141 * rate)}, ${Math.round(255 - 77 * rate)})`;

export const ConfusionMatrix = memo(function ConfusionMatrix() {
  const table = useLiveRun(selectConfusion);
  const n = table?.classNames.length ?? 0;
  return (
    <figure className="chart" data-testid="confusion-matrix" data-points={n * n}>
      <figcaption>
        <h3 className="chart__title">Confusion matrix · test split</h3>
        <p className="chart__caption">Rows: true class; columns: predicted. Shade: share of the row.</p>
      </figcaption>
      {!table ? (
        <div className="chart__body" style={{ height: 200 }}>
          <div className="chart__empty">Appears when the run finishes.</div>
        </div>
      ) : (
        <div className="confusion__scroll">
          <table className="confusion">
            <thead>
              <tr>
                <th scope="col" className="confusion__corner">
                  true ↓ / predicted →
                </th>
                {table.classNames.map((name) => (
                  <th key={name} scope="col" className="confusion__col">
                    <span>{name}</span>
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {table.rows.map((row, i) => (
                <tr key={i}>
                  <th scope="row">{table.classNames[i]}</th>
                  {row.map((cell, j) => (
                    <td
                      key={j}
                      style={{ background: cellColour(cell.rate), color: cell.rate > 0.55 ? '#fff' : '#111', fontWeight: i === j ? 700 : 400 }}
                      title={`${table.classNames[i]} predicted as ${table.classNames[j]}: ${cell.count} (${formatPercent(cell.rate)})`}
                    >
                      {cell.count}
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </figure>
  );
});
