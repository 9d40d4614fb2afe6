import { selectSidebarShown, useConfigStore } from '../state/configStore';
import { SoftwareGpuNotice } from './banners/SoftwareGpuNotice';
import { UrlNotices } from './banners/UrlNotices';
import { ConfigPanel } from './config/ConfigPanel';
import { RuntimeBadge } from './header/RuntimeBadge';
import { ShareControls } from './header/ShareControls';
import { useSpaceToggle } from './hooks/useSpaceToggle';
import { MainColumn } from './layout/MainColumn';
import { ViewControls } from './layout/ViewControls';
import { toggleRunPause } from './run/actions';
import { ShortcutsDialog, useHelpKey } from './shortcuts/ShortcutsDialog';
import { useThemeOnDocument } from './theme/theme';
import { Tour } from './tour/Tour';
import { TourButton } from './tour/TourButton';
import { UpdateBanner } from './banners/UpdateBanner';

/** The playground: configuration on the left (unless every panel of it is hidden), the run and its charts on the right. */
export function App() {
  useSpaceToggle(toggleRunPause);
  useHelpKey();
  useThemeOnDocument();
  const present = useConfigStore((s) => s.layout === 'present');
  const sidebar = useConfigStore(selectSidebarShown);
  return (
    <div className={`app${present ? ' app--present' : ''}`} data-testid="app" data-layout={present ? 'present' : 'default'}>
      <a className="skip-link" href="#main" data-testid="skip-link">
        Skip to the run
      </a>
      <header className="topbar">
        <div className="topbar__title">
          <h1>REFILLED Playground</h1>
          <p>Cross-task knowledge distillation, trained live in your browser (Ye, Lu &amp; Zhan, CVPR 2020 / TPAMI 2022)</p>
        </div>
        <RuntimeBadge />
        <ShareControls />
        <TourButton />
        <ViewControls />
      </header>
      <UpdateBanner />
      <UrlNotices />
      <SoftwareGpuNotice />
      <div className={`layout${sidebar ? '' : ' layout--no-sidebar'}`} data-testid="layout">
        {sidebar && <ConfigPanel />}
        <MainColumn />
      </div>
      <ShortcutsDialog />
      <Tour />
    </div>
  );
}
