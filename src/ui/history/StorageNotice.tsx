import { useHistoryStore } from '../../state/history';

/** Why runs are not being saved (a full disk, no storage in a private window, an old tab), once per kind. */
export function StorageNotice() {
  const notice = useHistoryStore((s) => s.notice);
  const dismiss = useHistoryStore((s) => s.dismissNotice);
  if (!notice) return null;
  return (
    <div className="banner banner--row history__notice" role="alert" data-testid="storage-notice" data-kind={notice.kind}>
      <span>{notice.message}</span>
      <button type="button" className="banner__close" onClick={dismiss}>
        Dismiss
      </button>
    </div>
  );
}
