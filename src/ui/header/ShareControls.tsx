import { useEffect, useState } from 'react';
import { isHidden, useConfigStore } from '../../state/configStore';
import { copyText } from './clipboard';

type CopyState = 'idle' | 'copied' | 'failed';

/** "Copy link": the page's URL, whose hash holds the whole configuration. */
export function ShareControls() {
  const hidden = useConfigStore((s) => isHidden(s, 'share'));
  const autorun = useConfigStore((s) => s.autorun);
  const setAutorun = useConfigStore((s) => s.setAutorun);
  const [state, setState] = useState<CopyState>('idle');
  useEffect(() => {
    if (state === 'idle') return;
    const id = setTimeout(() => setState('idle'), 2500);
    return () => clearTimeout(id);
  }, [state]);
  if (hidden) return null;
  return (
    <div className="share">
      <label className="share__autorun" title="Whoever opens the link sees the run start by itself (for slides).">
        <input type="checkbox" data-testid="autorun-checkbox" checked={autorun} onChange={(e) => setAutorun(e.target.checked)} />
        start on open
      </label>
      <button
        type="button"
        className="button button--secondary"
        data-testid="copy-link-button"
        onClick={async () => setState((await copyText(window.location.href)) ? 'copied' : 'failed')}
      >
        {state === 'copied' ? 'Copied' : 'Copy link'}
      </button>
      <span className="sr-status" role="status" data-testid="copy-status">
        {state === 'copied' ? 'Copied' : state === 'failed' ? 'Copy failed: copy the address bar instead' : ''}
      </span>
      {state === 'failed' && <input className="share__fallback" readOnly value={window.location.href} onFocus={(e) => e.target.select()} aria-label="Link to this configuration" />}
    </div>
  );
}
