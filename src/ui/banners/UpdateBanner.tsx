import { selectUpdateBanner, useUpdateStore } from '../../state/offline/updateStore';
import { reloadForUpdate } from '../offline/registerOffline';

/** The banner's look, given what to show (rendered in Node tests). */
export function UpdateNotice({ onReload, onLater }: { onReload: () => void; onLater: () => void }) {
  return (
    <div className="banner banner--notice" role="status" data-testid="update-banner">
      <div className="banner__head">
        <strong>A newer version is available — reload to use it.</strong>
        <span className="button-group">
          <button type="button" className="button button--primary" data-testid="update-reload" onClick={onReload}>
            Reload
          </button>
          <button type="button" className="button" data-testid="update-later" onClick={onLater}>
            Later
          </button>
        </span>
      </div>
      <p>This page keeps the version it opened with until you reload, so nothing changes in the middle of a lecture.</p>
    </div>
  );
}

/** "A newer version is available — reload", while a new service worker waits. */
export function UpdateBanner() {
  const shown = useUpdateStore(selectUpdateBanner);
  const dismiss = useUpdateStore((s) => s.dismiss);
  return shown ? <UpdateNotice onReload={reloadForUpdate} onLater={dismiss} /> : null;
}
