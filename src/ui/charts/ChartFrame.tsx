import type { ReactNode } from 'react';
import { ChartExportMenu } from '../export/ChartExportMenu';
import { useMountedInTurn } from '../hooks/useLiveRun';

const HIDDEN = { visibility: 'hidden' } as const;

interface Props {
  testId: string;
  title: string;
  /** One line saying what the chart shows, in the paper's terms. */
  caption: string;
  /** Points currently plotted (tests read `data-points`). */
  points: number;
  empty: string;
  height?: number;
  children: ReactNode;
  className?: string;
  /** A reference shown next to the title (e.g. the teacher's accuracy), always visible. */
  reference?: ReactNode;
  /** The chart in words, for screen readers (the drawing itself is hidden from them). */
  summary?: string;
}

/**
 * A titled chart card: the chart, or a line saying why there is nothing to plot yet. The chart
 * is mounted (in its turn, see `useMountedInTurn`) even while empty, and only hidden: the
 * first points of a run then update a chart rather than build one. With a `summary`, screen
 * readers get the words instead of the drawing.
 */
export function ChartFrame({ testId, title, caption, points, empty, height = 260, children, className, reference, summary }: Props) {
  const mounted = useMountedInTurn();
  return (
    <figure className={`chart${className ? ` ${className}` : ''}`} data-testid={testId} data-points={points} data-tour={testId}>
      <figcaption>
        {points > 0 && <ChartExportMenu testId={testId} />}
        <h3 className="chart__title">{title}</h3>
        <p className="chart__caption">{caption}</p>
        {reference && <div className="chart__reference">{reference}</div>}
        {summary !== undefined && (
          <p className="visually-hidden" data-testid={`${testId}-summary`}>
            {points > 0 ? summary : empty}
          </p>
        )}
      </figcaption>
      <div className="chart__body" style={{ height }}>
        {mounted && (
          <div className="chart__plot" style={points > 0 ? undefined : HIDDEN} aria-hidden={summary !== undefined || points === 0}>
            {children}
          </div>
        )}
        {points === 0 && <div className="chart__empty chart__empty--overlay">{empty}</div>}
      </div>
    </figure>
  );
}
