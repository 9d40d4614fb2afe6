import { ErrorBanner } from './banners/ErrorBanner';
import { SoftwareGpuNotice } from './banners/SoftwareGpuNotice';
import { UrlNotices } from './banners/UrlNotices';
import { LiveCharts } from './charts/LiveCharts';
import { ComparePanel } from './compare/ComparePanel';
import { ConfigPanel } from './config/ConfigPanel';
import { HealthBanner } from './health/HealthBanner';
import { RunCaption } from './labels/RunCaption';
import { RuntimeBadge } from './header/RuntimeBadge';
import { ShareControls } from './header/ShareControls';
import { useSpaceToggle } from './hooks/useSpaceToggle';
import { RunPanel } from './run/RunPanel';
import { toggleRunPause } from './run/actions';

/** The playground: configuration on the left, the run and its charts on the right. */
export function App() {
  useSpaceToggle(toggleRunPause);
  return (
    <div className="app" data-testid="app">
      <header className="topbar">
        <div className="topbar__title">
          <h1>REFILLED Playground</h1>
          <p>Cross-task knowledge distillation, trained live in your browser (Ye, Lu &amp; Zhan, CVPR 2020 / TPAMI 2022)</p>
        </div>
        <RuntimeBadge />
        <ShareControls />
      </header>
      <UrlNotices />
      <SoftwareGpuNotice />
      <div className="layout">
        <ConfigPanel />
        <main className="main">
          <RunPanel />
          <ErrorBanner />
          <HealthBanner />
          <RunCaption />
          <LiveCharts />
          <ComparePanel />
        </main>
      </div>
    </div>
  );
}
