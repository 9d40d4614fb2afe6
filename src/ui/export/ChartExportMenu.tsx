import { useRef, useState } from 'react';
import { exportChart } from './actions';
import './export.css';

/** A small Export menu on a chart card: the card as SVG or PNG, with its title and legend. */
export function ChartExportMenu({ testId }: { testId: string }) {
  const ref = useRef<HTMLDetailsElement>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const save = async (format: 'svg' | 'png') => {
    const figure = ref.current?.closest('figure');
    if (!figure) return;
    setProblem(await exportChart(figure, format, testId));
    if (ref.current) ref.current.open = false;
  };
  return (
    <details className="export-menu export-menu--chart" ref={ref} data-testid={`${testId}-export`}>
      <summary aria-label="Export this chart">Export</summary>
      <div className="export-menu__items">
        <button type="button" onClick={() => void save('svg')} data-testid={`${testId}-export-svg`}>
          SVG
        </button>
        <button type="button" onClick={() => void save('png')} data-testid={`${testId}-export-png`}>
          PNG
        </button>
      </div>
      {problem && (
        <p className="export-menu__problem" role="alert">
          {problem}
        </p>
      )}
    </details>
  );
}
