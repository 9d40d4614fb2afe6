import { memo, useState } from 'react';
import { AffinityHeatmap } from './AffinityHeatmap';
import { FollowChart } from './FollowChart';
import { LocalClassifierPanel } from './LocalClassifierPanel';
import { RelationshipExplorer } from './RelationshipExplorer';
import { EXPLORER_TEXT, METHOD_ANCHOR } from './texts';
import './explorer.css';

/**
 * What is distilled: stage 1's triplets with p_T and p_S, the teacher's local classifier of
 * stage 2, and the class affinity. Closed at first; its panels render only while open.
 */
export const ExplorerPanel = memo(function ExplorerPanel() {
  const [open, setOpen] = useState(false);
  return (
    <details className="chart explorer" data-testid="explorer" data-tour="explorer" open={open} onToggle={(e) => setOpen(e.currentTarget.open)}>
      <summary data-testid="explorer-open">{EXPLORER_TEXT.summary}</summary>
      {open && (
        <div className="explorer__body">
          <p className="chart__caption">
            {EXPLORER_TEXT.intro} <a href={METHOD_ANCHOR}>{EXPLORER_TEXT.methodLink}</a>.
          </p>
          <RelationshipExplorer />
          <FollowChart />
          <LocalClassifierPanel />
          <AffinityHeatmap />
        </div>
      )}
    </details>
  );
});
