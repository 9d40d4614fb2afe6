/**
 * Node-only helpers for shipped data sets: read them from disk (CLI, tests, scripts) and
 * write them (`npm run data`). Kept apart from `loader.ts` so that the loader stays free of
 * Node imports and runs in a Web Worker.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DatasetError, REGENERATE_HINT } from './format';
import { loadDataset, type Dataset, type FetchBytes } from './loader';
import type { BuiltDataset } from './writer';

/** The repository's `public/data` directory, where `npm run data` writes: public/data of this checkout, or of REFILLED_ROOT (a packed copy of the scripts elsewhere). */
export const DEFAULT_DATA_DIR = process.env.REFILLED_ROOT ? `${process.env.REFILLED_ROOT}/public/data` : fileURLToPath(new URL('../../../public/data', import.meta.url));

/**
 * A {@link FetchBytes} reading `<rootDir>/<relativePath>` from disk. A missing file throws
 * `DatasetError('dataset-missing-file')` naming the full path and how to regenerate it.
 */
export function nodeFetchBytes(rootDir: string): FetchBytes {
  return async (relativePath) => {
    const file = path.join(rootDir, relativePath);
    try {
      const buf = await readFile(file);
      return new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
    } catch (cause) {
      if ((cause as NodeJS.ErrnoException).code === 'ENOENT') {
        throw new DatasetError('dataset-missing-file', `${file} is missing. ${REGENERATE_HINT}`, relativePath, { cause });
      }
      throw new DatasetError('dataset-unavailable', `Could not read ${file}: ${(cause as Error).message}`, relativePath, { cause });
    }
  };
}

/** Loads and validates data set `name` from `rootDir` (default: the repository's `public/data`). */
export function loadDatasetFromDisk(name: string, rootDir: string = DEFAULT_DATA_DIR): Promise<Dataset> {
  return loadDataset(name, nodeFetchBytes(rootDir));
}

/** Writes the files of a built data set into `dir` (created if needed), replacing old ones. */
export async function writeDatasetDir(dir: string, built: BuiltDataset): Promise<void> {
  await mkdir(dir, { recursive: true });
  for (const [name, bytes] of Object.entries(built.files)) {
    await writeFile(path.join(dir, name), bytes);
  }
}
