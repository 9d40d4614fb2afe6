import type { ReactNode } from 'react';

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
}

/** A titled chart card: the chart, or a line saying why there is nothing to plot yet. */
export function ChartFrame({ testId, title, caption, points, empty, height = 260, children, className, reference }: Props) {
  return (
    <figure className={`chart${className ? ` ${className}` : ''}`} data-testid={testId} data-points={points}>
      <figcaption>
        <h3 className="chart__title">{title}</h3>
        <p className="chart__caption">{caption}</p>
        {reference && <div className="chart__reference">{reference}</div>}
      </figcaption>
      <div className="chart__body" style={{ height }}>
        {points > 0 ? children : <div className="chart__empty">{empty}</div>}
      </div>
    </figure>
  );
}
