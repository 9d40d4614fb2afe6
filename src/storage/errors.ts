/**
 * Storage failures as values. IndexedDB fails in ways a user can meet every day (private
 * windows without it, a full disk, another tab holding an old version open); each becomes
 * one of these kinds with a sentence the UI can show as it is. A failed write never
 * throws into the caller: the run that was being saved goes on.
 */

export type StorageErrorKind =
  /** No IndexedDB here (some private windows, a blocked storage permission). */
  | 'unavailable'
  /** The browser refused the write: the disk quota for this site is used up. */
  | 'quota'
  /** Another tab keeps an older version of the database open, so it cannot be upgraded. */
  | 'blocked'
  /** The database on disk is newer than this app (a newer version was opened here before). */
  | 'version'
  /** A record failed validation before it was written or after it was read. */
  | 'invalid'
  | 'unknown';

export interface StorageError {
  kind: StorageErrorKind;
  message: string;
}

export type StorageResult<T> = { ok: true; value: T } | { ok: false; error: StorageError };

export const ok = <T>(value: T): StorageResult<T> => ({ ok: true, value });
export const fail = <T>(kind: StorageErrorKind, message: string): StorageResult<T> => ({ ok: false, error: { kind, message } });

const MESSAGES: Record<StorageErrorKind, string> = {
  unavailable: 'This browser offers no storage to this page (a private window?): runs and teachers are kept until the tab closes only.',
  quota: 'Storage is full: nothing more can be saved. Delete old runs or teachers in History to make room; what was saved before is intact.',
  blocked: 'Another tab of the playground keeps an older version of its storage open: close it and reload to save again.',
  version: 'The storage on this computer was written by a newer version of the playground: reload to get that version.',
  invalid: 'A record did not have the expected shape and was not saved.',
  unknown: 'Saving failed.',
};

/** Maps whatever IndexedDB threw (a DOMException, mostly) to a StorageError. */
export function toStorageError(e: unknown): StorageError {
  const name = typeof e === 'object' && e !== null && 'name' in e ? String((e as { name: unknown }).name) : '';
  const detail = e instanceof Error ? e.message : String(e);
  const kind: StorageErrorKind =
    name === 'QuotaExceededError' ? 'quota'
      : name === 'VersionError' ? 'version'
        : name === 'InvalidStateError' || name === 'SecurityError' ? 'unavailable'
          : 'unknown';
  return { kind, message: kind === 'unknown' ? `${MESSAGES.unknown} ${detail}` : MESSAGES[kind] };
}

export function storageError(kind: StorageErrorKind, detail?: string): StorageError {
  return { kind, message: detail ? `${MESSAGES[kind]} ${detail}` : MESSAGES[kind] };
}
