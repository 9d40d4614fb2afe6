import { memo } from 'react';
import { formatPercent } from '../../state/selectors';
import { useLiveRun } from '../hooks/useLiveRun';
import { selectConfusion } from './chartData';

/** Blue ramp from white: the share of a true class predicted as each class. */
const cellRgb = (rate: number): [number, number, number] => [Math.round(255 - 255 * rate), Math.round(255 - 141 * rate), Math.round(255 - 77 * rate)];
const cellColour = (rate: number) => `rgb(${cellRgb(rate).join(', ')})`;

/**
 * White or near-black, whichever stands out more from the cell (WCAG relative luminance): one
 * of the two always reaches 4.5:1 against any shade of the ramp.
 */
function cellInk(rate: number): string {
  const [r, g, b] = cellRgb(rate).map((c) => {
    const v = c / 255;
    return v <= 0.04045 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
  });
  const luminance = 0.2126 * r + 0.7152 * g + 0.0722 * b;
  const onWhite = 1.05 / (luminance + 0.05);
  const onBlack = (luminance + 0.05) / 0.05;
  return onWhite > onBlack ? '#fff' : '#000';
}

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
                      style={{ background: cellColour(cell.rate), color: cellInk(cell.rate), fontWeight: i === j ? 700 : 400 }}
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
