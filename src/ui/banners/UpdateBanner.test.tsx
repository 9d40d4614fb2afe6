import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { selectUpdateBanner, useUpdateStore } from '../../state/offline/updateStore';
import { UpdateNotice } from './UpdateBanner';

describe('the update banner', () => {
  it('shows only while a newer version waits and until "Later"; the next update shows again', () => {
    const s = () => useUpdateStore.getState();
    expect(selectUpdateBanner(s())).toBe(false);
    s().setOfflineReady();
    expect(selectUpdateBanner(s())).toBe(false);
    s().setUpdateWaiting();
    expect(selectUpdateBanner(s())).toBe(true);
    s().dismiss();
    expect(selectUpdateBanner(s())).toBe(false);
    s().setUpdateWaiting();
    expect(selectUpdateBanner(s())).toBe(true);
  });

  it('says a newer version is available and offers a reload', () => {
    const html = renderToStaticMarkup(<UpdateNotice onReload={() => undefined} onLater={() => undefined} />);
    expect(html).toContain('A newer version is available — reload');
    expect(html).toContain('data-testid="update-reload"');
    expect(html).toContain('role="status"');
  });
});
