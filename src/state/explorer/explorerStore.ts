/**
 * The explorer panels' state: the live run's triplet sample, followed triplets and their
 * history, the teacher's local classifier on the chosen validation image, the sharpness of its
 * targets over the run, and the class affinity. The bridge writes it from outside React
 * (`useExplorerStore.getState().applyEvent(e)`); components select single fields.
 */
import { create } from 'zustand';
import { MAX_FOLLOW_POINTS, MAX_FOLLOWED_TRIPLETS, type ClassAffinity, type ExplorerEvent, type LocalClassifierView, type TripletIds, type TripletSampleRow } from '../../protocol/explorer';

export type TripletSort = 'gap' | 'sampled';

export interface SharpnessPoint {
  step: number;
  meanMaxProb: number;
  meanEntropy: number;
  classesInScope: number;
}

export interface FollowPoint {
  step: number;
  pT: number;
  pS: number;
}

export interface ExplorerState {
  runId: number | null;
  /** Step of the latest sample (stage 1) or report. */
  step: number | null;
  triplets: TripletSampleRow[];
  sampleStep: number | null;
  sort: TripletSort;
  followed: TripletIds[];
  /** History of each followed triplet by `tripletKey`, bounded to MAX_FOLLOW_POINTS. */
  history: Record<string, FollowPoint[]>;
  local: LocalClassifierView | null;
  localStep: number | null;
  valIndex: number | null;
  candidates: { valIndex: number; label: number }[];
  sharpness: SharpnessPoint[];
  affinity: ClassAffinity | null;
  /** Images by `imageKey`. */
  images: Record<string, Uint8Array>;
  applyEvent(e: ExplorerEvent): void;
  setSort(sort: TripletSort): void;
  /** Follows a triplet or stops following it; returns the new list (≤ MAX_FOLLOWED_TRIPLETS, oldest dropped). */
  toggleFollow(t: TripletIds): TripletIds[];
  inspect(valIndex: number): void;
  reset(): void;
}

export const tripletKey = (t: TripletIds) => `${t.anchor}-${t.positive}-${t.negative}`;
export const imageKey = (split: 'train' | 'val', index: number) => `${split}:${index}`;

const EMPTY = {
  runId: null,
  step: null,
  triplets: [],
  sampleStep: null,
  followed: [],
  history: {},
  local: null,
  localStep: null,
  valIndex: null,
  candidates: [],
  sharpness: [],
  affinity: null,
  images: {},
} satisfies Partial<ExplorerState>;

function withImages(images: Record<string, Uint8Array>, incoming: { split: 'train' | 'val'; index: number; pixels: Uint8Array }[] | undefined): Record<string, Uint8Array> {
  if (!incoming || incoming.length === 0) return images;
  const next = { ...images };
  for (const i of incoming) next[imageKey(i.split, i.index)] = i.pixels;
  return next;
}

export const useExplorerStore = create<ExplorerState>()((set, get) => ({
  ...EMPTY,
  sort: 'gap',

  applyEvent: (e) => {
    if (e.type === 'explorer-setup') {
      set({ ...EMPTY, runId: e.runId, affinity: e.affinity, candidates: e.candidates, valIndex: e.candidates[0]?.valIndex ?? null, images: withImages({}, e.images) });
      return;
    }
    // An event of another run than the one set up: start over for it.
    if (get().runId !== e.runId) set({ ...EMPTY, runId: e.runId });
    set((s) => {
      const history = { ...s.history };
      for (const f of e.followed ?? []) {
        const key = tripletKey(f);
        if (!s.followed.some((t) => tripletKey(t) === key)) continue;
        history[key] = [...(history[key] ?? []), { step: e.step, pT: f.pT, pS: f.pS }].slice(-MAX_FOLLOW_POINTS);
      }
      return {
        step: e.step,
        ...(e.triplets ? { triplets: e.triplets, sampleStep: e.step } : {}),
        ...(e.local ? { local: e.local, localStep: e.step } : {}),
        ...(e.sharpness ? { sharpness: [...s.sharpness, { step: e.step, ...e.sharpness }].slice(-MAX_FOLLOW_POINTS) } : {}),
        history,
        images: withImages(s.images, e.images),
      };
    });
  },

  setSort: (sort) => set({ sort }),

  toggleFollow: (t) => {
    const key = tripletKey(t);
    const current = get().followed;
    const followed = current.some((f) => tripletKey(f) === key)
      ? current.filter((f) => tripletKey(f) !== key)
      : [...current, { anchor: t.anchor, positive: t.positive, negative: t.negative }].slice(-MAX_FOLLOWED_TRIPLETS);
    const keep = new Set(followed.map(tripletKey));
    set((s) => ({ followed, history: Object.fromEntries(Object.entries(s.history).filter(([k]) => keep.has(k))) }));
    return followed;
  },

  inspect: (valIndex) => set({ valIndex }),

  reset: () => set({ ...EMPTY }),
}));
