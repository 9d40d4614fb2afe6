/**
 * The teachers kept in this browser (uploaded): the list the picker and the teacher list
 * show, read from storage; and the upload in progress (the picked files' check, the classes
 * named, the card the worker measured). Every change of the list goes to the protocol's
 * registry, so that the config validator, the URL and the picker know the stored teachers.
 */
import { create } from 'zustand';
import { TEACHERS, type DatasetId } from '../protocol/catalog';
import { validateConfig } from '../protocol/config';
import { setStoredTeachers, type StoredTeacherInfo } from '../protocol/teacherRegistry';
import { checkTeacherFiles, type PickedFile, type TeacherCardNumbers, type UploadCheck } from '../protocol/teacherUpload';
import { deleteTeacher, listTeachers, putTeacher, type StoredTeacher, type TeacherSummary } from '../storage/teachers';
import { useConfigStore } from './configStore';

export interface UploadState {
  /** The picked files' check (null before any pick). */
  check: UploadCheck | null;
  checking: boolean;
  title: string;
  dataset: DatasetId;
  /** Dataset classes in the head's order, or null: unknown. */
  classes: number[] | null;
  card: TeacherCardNumbers | null;
  cardStatus: 'idle' | 'measuring' | 'ready' | 'error';
  cardError: string | null;
}

export interface TeachersState {
  stored: TeacherSummary[];
  /** The list has been read from storage once. */
  loaded: boolean;
  /** Why storage failed, in words (the list then shows what this page kept). */
  storageError: string | null;
  upload: UploadState;
  refresh(): Promise<void>;
  remove(id: string): Promise<void>;
  pickFiles(files: readonly PickedFile[]): Promise<void>;
  setUpload(patch: Partial<Pick<UploadState, 'title' | 'dataset' | 'classes'>>): void;
  /** Adds a class to the end of the named classes, or removes it. */
  toggleUploadClass(datasetClass: number): void;
  setCard(card: { ok: true; card: TeacherCardNumbers } | { ok: false; message: string } | 'measuring'): void;
  /** Stores the checked upload with its card, selects it as the teacher; returns its id or null. */
  keepUpload(now?: Date, random?: () => number): Promise<string | null>;
  resetUpload(): void;
}

const emptyUpload = (dataset: DatasetId): UploadState => ({ check: null, checking: false, title: '', dataset, classes: null, card: null, cardStatus: 'idle', cardError: null });

/** The registry entry of a stored teacher. */
export function infoOf(t: Pick<TeacherSummary, 'id' | 'title' | 'dataset' | 'classes'>): StoredTeacherInfo {
  return { id: t.id, title: t.title, dataset: t.dataset, classes: t.classes ?? [], classesKnown: t.classes !== null };
}

function publish(stored: TeacherSummary[]): void {
  setStoredTeachers(stored.map(infoOf));
  // The validator's answer about the current teacher may have changed.
  useConfigStore.setState((s) => ({ errors: validateConfig(s.config) }));
}

export const useTeachersStore = create<TeachersState>()((set, get) => ({
  stored: [],
  loaded: false,
  storageError: null,
  upload: emptyUpload(useConfigStore.getState().config.dataset),

  refresh: async () => {
    const list = await listTeachers();
    if (!list.ok) {
      set({ loaded: true, storageError: list.error.message });
      return;
    }
    set({ stored: list.value, loaded: true, storageError: null });
    publish(list.value);
  },

  remove: async (id) => {
    const r = await deleteTeacher(id);
    if (!r.ok) {
      set({ storageError: r.error.message });
      return;
    }
    const stored = get().stored.filter((t) => t.id !== id);
    set({ stored });
    const config = useConfigStore.getState();
    // The picked teacher is gone: back to a shipped teacher of the same dataset.
    if (config.config.teacher === id) config.setTeacher((TEACHERS.find((t) => t.dataset === config.config.dataset) ?? TEACHERS[0]).id);
    publish(stored);
  },

  pickFiles: async (files) => {
    set({ upload: { ...emptyUpload(useConfigStore.getState().config.dataset), checking: true } });
    const check = await checkTeacherFiles(files);
    const title = check.ok ? `My teacher ${get().stored.length + 1}` : '';
    set((s) => ({ upload: { ...s.upload, check, checking: false, title } }));
  },

  setUpload: (patch) => set((s) => ({ upload: { ...s.upload, ...patch, ...('dataset' in patch || 'classes' in patch ? { card: null, cardStatus: 'idle' as const, cardError: null } : {}) } })),

  toggleUploadClass: (c) => {
    const current = get().upload.classes ?? [];
    get().setUpload({ classes: current.includes(c) ? current.filter((x) => x !== c) : [...current, c] });
  },

  setCard: (card) =>
    set((s) => ({
      upload: card === 'measuring' ? { ...s.upload, card: null, cardStatus: 'measuring', cardError: null } : card.ok ? { ...s.upload, card: card.card, cardStatus: 'ready', cardError: null } : { ...s.upload, card: null, cardStatus: 'error', cardError: card.message },
    })),

  keepUpload: async (now = new Date(), random = Math.random) => {
    const { upload } = get();
    if (!upload.check?.ok || !upload.card) return null;
    const model = upload.check.model;
    const id = `user:${Math.floor(random() * 2 ** 48).toString(36)}`;
    const record: StoredTeacher = {
      id,
      title: upload.title.trim() || 'My teacher',
      dataset: upload.dataset,
      classes: upload.classes,
      source: 'upload',
      createdAt: now.toISOString(),
      embeddingLayer: model.embeddingLayer,
      modelJson: model.modelJson as unknown as Record<string, unknown>,
      weightData: model.weightData,
      card: upload.card,
    };
    const r = await putTeacher(record);
    if (!r.ok) {
      set((s) => ({ upload: { ...s.upload, cardError: r.error.message } }));
      return null;
    }
    const { modelJson: _m, weightData, ...summary } = record;
    const stored = [...get().stored, { ...summary, sizeBytes: weightData.byteLength }];
    set({ stored, upload: emptyUpload(upload.dataset) });
    publish(stored);
    useConfigStore.getState().setTeacher(id);
    return id;
  },

  resetUpload: () => set({ upload: emptyUpload(useConfigStore.getState().config.dataset) }),
}));
