import { useSyncExternalStore } from 'react';

export type Asset<T> = { status: 'loading' } | { status: 'ready'; value: T } | { status: 'error'; message: string };

/**
 * A keyed cache of things fetched once per page (thumbnails, teacher metadata), readable from
 * render through `useAsset(key)`: the first read starts the fetch, later reads share it.
 */
export function createAssetCache<T>(load: (key: string) => Promise<T>) {
  const entries = new Map<string, Asset<T>>();
  const listeners = new Set<() => void>();
  const emit = () => listeners.forEach((l) => l());

  function get(key: string): Asset<T> {
    let entry = entries.get(key);
    if (!entry) {
      entry = { status: 'loading' };
      entries.set(key, entry);
      load(key).then(
        (value) => {
          entries.set(key, { status: 'ready', value });
          emit();
        },
        (e: unknown) => {
          entries.set(key, { status: 'error', message: e instanceof Error ? e.message : String(e) });
          emit();
        },
      );
    }
    return entry;
  }

  function subscribe(listener: () => void): () => void {
    listeners.add(listener);
    return () => listeners.delete(listener);
  }

  function useAsset(key: string): Asset<T> {
    return useSyncExternalStore(subscribe, () => get(key), () => ({ status: 'loading' }) as Asset<T>);
  }

  return { get, useAsset };
}
