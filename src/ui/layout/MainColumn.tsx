import { isHidden, useConfigStore } from '../../state/configStore';
import { ErrorBanner } from '../banners/ErrorBanner';
import { ResumeNotice } from '../resume/ResumeNotice';
import { HealthBanner } from '../health/HealthBanner';
import { RunCaption } from '../labels/RunCaption';
import { FinalResults } from '../charts/FinalResults';
import { LiveCharts } from '../charts/LiveCharts';
import { CompareChart } from '../compare/CompareChart';
import { ExportBar } from '../export/ExportBar';
import { ComparePanel } from '../compare/ComparePanel';
import { ExplorerPanel } from '../explorer/ExplorerPanel';
import { HistoryPanel } from '../history/HistoryPanel';
import { RunPanel } from '../run/RunPanel';
import { TeacherLocalCard } from '../science/TeacherLocalCard';

/**
 * The right-hand column. In the projector view (`layout=present`) the headline numbers and the
 * comparison come first, side by side, so that they show at 1280×720 without scrolling; the
 * training curves follow.
 */
export function MainColumn() {
  const present = useConfigStore((s) => s.layout === 'present');
  const hideResults = useConfigStore((s) => isHidden(s, 'results'));
  const hideCompare = useConfigStore((s) => isHidden(s, 'compare'));
  if (!present) {
    return (
      <main className="main" id="main" tabIndex={-1}>
        <RunPanel />
        <ErrorBanner />
        <ResumeNotice />
        <HealthBanner />
        <RunCaption />
        <ExportBar />
        <LiveCharts />
        <TeacherLocalCard />
        <ExplorerPanel />
        <ComparePanel />
        <HistoryPanel />
      </main>
    );
  }
  return (
    <main className="main main--present" id="main" tabIndex={-1}>
      <RunPanel />
      <ErrorBanner />
      <ResumeNotice />
      {!(hideResults && hideCompare) && (
        <section className="present-top" aria-label="Headline">
          {!hideResults && <FinalResults />}
          {!hideCompare && <CompareChart />}
        </section>
      )}
      {/* The run panel's status already says "failed: …" above the fold; the banner's advice follows the headline. */}
      <HealthBanner />
      <RunCaption />
      <ExportBar />
      <LiveCharts withHeadline={false} />
      <TeacherLocalCard />
      <ComparePanel withChart={false} />
      <HistoryPanel />
    </main>
  );
}
