/**
 * The playground's IndexedDB database, opened through `idb`. The schema is a list of
 * migrations, one per version, each a function of the upgrade transaction: opening at
 * version N runs every migration above the version on disk, in order, inside one upgrade,
 * so a database from any earlier version ends in the same shape as a new one.
 *
 * Stores (version 1):
 * - `runs`: one record per run (storage/runs.ts), key `id`, index `createdAt`.
 * - `teachers`: uploaded and browser-trained teachers (storage/teachers.ts), key `id`.
 *
 * Version 2 adds `runSummaries`: per run, the few fields the history lists (storage/runs.ts),
 * so that listing runs never reads their series. Written with the run, in one transaction.
 */
import { openDB, type DBSchema, type IDBPDatabase, type IDBPTransaction, type StoreNames } from 'idb';
import type { StoredTeacher } from './teachers';
import { isStoredRun, summaryOfStoredRun, type RunSummary } from './runSummary';
import { fail, ok, storageError, toStorageError, type StorageResult } from './errors';

export const DB_NAME = 'refilled-playground';

/** Run records are typed where they are kept (storage/runs.ts); here they are opaque. */
export interface StoredRunShape {
  id: string;
  createdAt: string;
}

export interface PlaygroundSchema extends DBSchema {
  runs: { key: string; value: StoredRunShape; indexes: { createdAt: string } };
  teachers: { key: string; value: StoredTeacher };
  runSummaries: { key: string; value: RunSummary; indexes: { createdAt: string } };
}

type UpgradeTx = IDBPTransaction<PlaygroundSchema, StoreNames<PlaygroundSchema>[], 'versionchange'>;
export type Migration = (db: IDBPDatabase<PlaygroundSchema>, tx: UpgradeTx) => void;

/** MIGRATIONS[i] takes a database from version i to version i + 1. */
export const MIGRATIONS: readonly Migration[] = [
  (db) => {
    const runs = db.createObjectStore('runs', { keyPath: 'id' });
    runs.createIndex('createdAt', 'createdAt');
    db.createObjectStore('teachers', { keyPath: 'id' });
  },
  (db, tx) => {
    const summaries = db.createObjectStore('runSummaries', { keyPath: 'id' });
    summaries.createIndex('createdAt', 'createdAt');
    // Runs kept at version 1 get their summary now (IndexedDB requests only: the upgrade stays open).
    // A record that is not a run file is left without a summary (it is not listed) rather than failing the upgrade.
    void tx
      .objectStore('runs')
      .getAll()
      .then((runs) => Promise.all(runs.filter(isStoredRun).map((r) => tx.objectStore('runSummaries').put(summaryOfStoredRun(r)))))
      .catch(() => undefined);
  },
];

export const DB_VERSION = MIGRATIONS.length;

export type PlaygroundDb = IDBPDatabase<PlaygroundSchema>;

let opening: Promise<StorageResult<PlaygroundDb>> | undefined;

/**
 * Opens the database (once per page; later calls share the connection). Resolves to an
 * error value when IndexedDB is missing, the upgrade is blocked by another tab, or the
 * database on disk is newer than this app. Never rejects.
 */
export function openPlaygroundDb(): Promise<StorageResult<PlaygroundDb>> {
  opening ??= openAt(DB_NAME, DB_VERSION).then((r) => {
    if (!r.ok) opening = undefined;
    return r;
  });
  return opening;
}

/** Opens `name` at `version` (tests open older versions to exercise the migrations). */
export function openAt(name: string, version: number): Promise<StorageResult<PlaygroundDb>> {
  if (typeof indexedDB === 'undefined') return Promise.resolve(fail('unavailable', storageError('unavailable').message));
  return new Promise((resolve) => {
    openDB<PlaygroundSchema>(name, version, {
      upgrade(db, oldVersion, newVersion, tx) {
        for (let v = oldVersion; v < (newVersion ?? version); v += 1) MIGRATIONS[v]?.(db, tx);
      },
      // Another tab holds an older version open: say so now; the open completes once it closes.
      blocked() {
        resolve({ ok: false, error: storageError('blocked') });
      },
      // A newer tab wants to upgrade: step aside; this page reconnects on its next call.
      blocking() {
        opening = undefined;
      },
    }).then(
      (db) => {
        db.addEventListener('versionchange', () => db.close());
        resolve(ok(db));
      },
      (e: unknown) => resolve({ ok: false, error: toStorageError(e) }),
    );
  });
}

/** Forgets the shared connection (tests; after deleting the database). */
export function resetPlaygroundDbConnection(): void {
  opening = undefined;
}
