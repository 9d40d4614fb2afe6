/**
 * Runs kept across reloads. A run is stored as its run file plus an id (`StoredRun`), and its
 * summary in a second store, written in the same transaction: the history lists summaries
 * and reads a whole run (series and all) only when the user opens it. Every call resolves to
 * a StorageResult; none rejects.
 */
import { openPlaygroundDb, type PlaygroundDb } from './db';
import { fail, ok, storageError, toStorageError, type StorageResult } from './errors';
import { isStoredRun, summaryOfStoredRun, type RunSummary, type StoredRun } from './runSummary';

export type { RunSummary, StoredRun } from './runSummary';

async function withDb<T>(work: (db: PlaygroundDb) => Promise<T>): Promise<StorageResult<T>> {
  const db = await openPlaygroundDb();
  if (!db.ok) return db;
  try {
    return ok(await work(db.value));
  } catch (e) {
    return { ok: false, error: toStorageError(e) };
  }
}

export interface SaveOptions {
  /** Keep the stored name when the user renamed the run (a streaming run's later saves). */
  keepRenamedName?: boolean;
}

/**
 * Writes a run and its summary (replacing an earlier version of the same id) and returns
 * the summary written. With `keepRenamedName`, a name the user gave meanwhile survives.
 */
export async function saveRun(run: StoredRun, options: SaveOptions = {}): Promise<StorageResult<RunSummary>> {
  if (!isStoredRun(run)) return fail('invalid', storageError('invalid').message);
  return withDb(async (db) => {
    const tx = db.transaction(['runs', 'runSummaries'], 'readwrite');
    let record = run;
    if (options.keepRenamedName) {
      const old = await tx.objectStore('runs').get(run.id);
      if (isStoredRun(old) && old.renamed) record = { ...run, name: old.name, renamed: true };
    }
    const summary = summaryOfStoredRun(record);
    await Promise.all([tx.objectStore('runs').put(record), tx.objectStore('runSummaries').put(summary), tx.done]);
    return summary;
  });
}

/** Every stored run's summary, newest first (no series are read). */
export async function listRuns(): Promise<StorageResult<RunSummary[]>> {
  return withDb(async (db) => {
    const all = await db.getAllFromIndex('runSummaries', 'createdAt');
    return all.reverse();
  });
}

/** One whole run, or undefined when there is none with this id (or the record is not a run). */
export async function getRun(id: string): Promise<StorageResult<StoredRun | undefined>> {
  return withDb(async (db) => {
    const r = await db.get('runs', id);
    return isStoredRun(r) ? r : undefined;
  });
}

/** Renames a run (its file and summary); the new name is kept by later saves of a streaming run. */
export async function renameRun(id: string, name: string): Promise<StorageResult<RunSummary | undefined>> {
  const trimmed = name.trim();
  if (trimmed.length === 0) return fail('invalid', storageError('invalid', 'A run needs a name.').message);
  return withDb(async (db) => {
    const tx = db.transaction(['runs', 'runSummaries'], 'readwrite');
    const old = await tx.objectStore('runs').get(id);
    if (!isStoredRun(old)) {
      await tx.done;
      return undefined;
    }
    const record: StoredRun = { ...old, name: trimmed, renamed: true, updatedAt: new Date().toISOString() };
    const summary = summaryOfStoredRun(record);
    await Promise.all([tx.objectStore('runs').put(record), tx.objectStore('runSummaries').put(summary), tx.done]);
    return summary;
  });
}

/** Deletes runs (and their summaries); ids that are not stored are ignored. */
export async function deleteRuns(ids: readonly string[]): Promise<StorageResult<void>> {
  return withDb(async (db) => {
    const tx = db.transaction(['runs', 'runSummaries'], 'readwrite');
    await Promise.all([...ids.flatMap((id) => [tx.objectStore('runs').delete(id), tx.objectStore('runSummaries').delete(id)]), tx.done]);
  });
}

export const deleteRun = (id: string): Promise<StorageResult<void>> => deleteRuns([id]);
