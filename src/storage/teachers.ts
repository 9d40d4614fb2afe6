/**
 * Teachers the user brought (uploaded tfjs layers models) or trained in the browser, kept
 * in IndexedDB so they survive a reload. A record holds the model exactly as tfjs saves it
 * (topology + weight specs + one weight buffer) and the metadata the shipped teachers have.
 */
import type { DatasetId } from '../protocol/catalog';
import { openPlaygroundDb } from './db';
import { fail, ok, storageError, toStorageError, type StorageResult } from './errors';

/** Ids of stored teachers start with this, so they never clash with the shipped ones. */
export const STORED_TEACHER_PREFIX = 'user:';

/** What the app measured of a teacher, like the shipped teachers' teacher.json. */
export interface StoredTeacherCard {
  /** Accuracy on its own classes' test images (null when its classes are unknown). */
  testAccuracy: number | null;
  /** NCM accuracy of its embedding on the classes it was not trained on (dataset test images). */
  ncmOtherClasses: number | null;
  parameters: number;
  embeddingSize: number;
  /** The dataset classes the NCM accuracy was measured on. */
  ncmClasses?: number[];
  /** Test images behind `testAccuracy` (0 when its classes are unknown). */
  testImages?: number;
}

export interface StoredTeacher {
  /** `user:` + a random id. */
  id: string;
  title: string;
  dataset: DatasetId;
  /** Dataset class indices in the order of its head's outputs; null when the user does not know them. */
  classes: number[] | null;
  source: 'upload' | 'trained';
  createdAt: string;
  /** The layer whose output is the embedding. */
  embeddingLayer: string;
  /** tfjs ModelArtifacts minus the weights: `modelTopology`, `weightSpecs`, `format`, `generatedBy`, `convertedBy`. */
  modelJson: Record<string, unknown>;
  /** All weights, concatenated in `weightSpecs` order. */
  weightData: ArrayBuffer;
  card?: StoredTeacherCard;
}

/** A teacher without its weights, for lists. */
export type TeacherSummary = Omit<StoredTeacher, 'modelJson' | 'weightData'> & { sizeBytes: number };

export function isStoredTeacherId(id: string): boolean {
  return id.startsWith(STORED_TEACHER_PREFIX);
}

export async function putTeacher(teacher: StoredTeacher): Promise<StorageResult<void>> {
  if (!isStoredTeacherId(teacher.id)) return fail('invalid', storageError('invalid', `A stored teacher's id starts with "${STORED_TEACHER_PREFIX}".`).message);
  const db = await openPlaygroundDb();
  if (!db.ok) return db;
  try {
    await db.value.put('teachers', teacher);
    return ok(undefined);
  } catch (e) {
    return { ok: false, error: toStorageError(e) };
  }
}

export async function getTeacher(id: string): Promise<StorageResult<StoredTeacher | undefined>> {
  const db = await openPlaygroundDb();
  if (!db.ok) return db;
  try {
    return ok(await db.value.get('teachers', id));
  } catch (e) {
    return { ok: false, error: toStorageError(e) };
  }
}

export async function listTeachers(): Promise<StorageResult<TeacherSummary[]>> {
  const db = await openPlaygroundDb();
  if (!db.ok) return db;
  try {
    const all = await db.value.getAll('teachers');
    return ok(all
      .map(({ modelJson: _m, weightData, ...rest }) => ({ ...rest, sizeBytes: weightData.byteLength }))
      .sort((a, b) => a.createdAt.localeCompare(b.createdAt)));
  } catch (e) {
    return { ok: false, error: toStorageError(e) };
  }
}

export async function deleteTeacher(id: string): Promise<StorageResult<void>> {
  const db = await openPlaygroundDb();
  if (!db.ok) return db;
  try {
    await db.value.delete('teachers', id);
    return ok(undefined);
  } catch (e) {
    return { ok: false, error: toStorageError(e) };
  }
}
