/**
 * Offline use, as the page sees it: whether the service worker has cached the app for offline
 * use, and whether a newer version is waiting. The service worker never switches version by
 * itself (mid-lecture); the viewer reloads when they choose (the update banner).
 */
import { create } from 'zustand';

export interface UpdateState {
  /** The app shell, data and teachers are cached: the page now opens without the network. */
  offlineReady: boolean;
  /** A newer version is installed and waiting for a reload. */
  updateWaiting: boolean;
  /** Hidden for now by "Later" (the next update shows again). */
  dismissed: boolean;
  setOfflineReady(): void;
  setUpdateWaiting(): void;
  dismiss(): void;
}

export const useUpdateStore = create<UpdateState>()((set) => ({
  offlineReady: false,
  updateWaiting: false,
  dismissed: false,
  setOfflineReady: () => set({ offlineReady: true }),
  setUpdateWaiting: () => set({ updateWaiting: true, dismissed: false }),
  dismiss: () => set({ dismissed: true }),
}));

/** Whether the update banner shows. */
export const selectUpdateBanner = (s: Pick<UpdateState, 'updateWaiting' | 'dismissed'>): boolean => s.updateWaiting && !s.dismissed;
