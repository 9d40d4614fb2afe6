/// <reference types="vite-plugin-pwa/client" />
/**
 * Registers the offline service worker (vite.config.ts, vite-plugin-pwa), in production
 * builds only: the dev server and its tests run without one. `registerType: 'prompt'`: a new
 * version waits; `reloadForUpdate` (the update banner's button) activates it and reloads.
 */
import { useUpdateStore } from '../../state/offline/updateStore';

let update: ((reload?: boolean) => Promise<void>) | null = null;

export function registerOffline(): void {
  if (!import.meta.env.PROD || !('serviceWorker' in navigator)) return;
  void import('virtual:pwa-register').then(({ registerSW }) => {
    update = registerSW({
      onOfflineReady: () => useUpdateStore.getState().setOfflineReady(),
      onNeedRefresh: () => useUpdateStore.getState().setUpdateWaiting(),
    });
  });
}

/** Activates the waiting version and reloads the page (only when the viewer asks). */
export function reloadForUpdate(): void {
  if (update) void update(true);
  else location.reload();
}
