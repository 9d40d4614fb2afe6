import { describe, expect, it } from 'vitest';
import { bindUrlSync, createConfigStore, type UrlHost } from '../configStore';

describe('the tour=1 view flag in the config store', () => {
  it('survives the store’s URL sync, so a copied link still opens the tour', () => {
    const store = createConfigStore();
    const written: string[] = [];
    const host: UrlHost = {
      location: { hash: '#tour=1&backend=wasm' },
      history: { replaceState: (_d, _u, url) => written.push(String(url)) },
      addEventListener: () => undefined,
      removeEventListener: () => undefined,
    };
    const stop = bindUrlSync(host, store);
    expect(store.getState().tour).toBe(true);
    expect(written.at(-1)).toContain('tour=1');
    store.getState().setField('seed', 7);
    expect(written.at(-1)).toContain('tour=1');
    stop();
  });
});
