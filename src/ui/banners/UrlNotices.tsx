import { useConfigStore } from '../../state/configStore';

/** What the opened link got wrong (each field named), until dismissed. */
export function UrlNotices() {
  const notices = useConfigStore((s) => s.notices);
  const dismiss = useConfigStore((s) => s.dismissNotice);
  const dismissAll = useConfigStore((s) => s.dismissNotices);
  if (notices.length === 0) return null;
  return (
    <div className="banner banner--notice" role="status" data-testid="url-notice">
      <div className="banner__head">
        <strong>This link had {notices.length === 1 ? 'a setting' : `${notices.length} settings`} that could not be used:</strong>
        <button type="button" className="banner__close" onClick={dismissAll} aria-label="Dismiss all link notices" data-testid="url-notice-dismiss">
          Dismiss
        </button>
      </div>
      <ul>
        {notices.map((notice, i) => (
          <li key={`${i}-${notice}`} data-testid="url-notice-item">
            <span>{notice}</span>
            <button type="button" className="banner__x" onClick={() => dismiss(i)} aria-label="Dismiss this notice">
              ×
            </button>
          </li>
        ))}
      </ul>
    </div>
  );
}
