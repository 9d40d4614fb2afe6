/**
 * Loads a shipped data set (`public/data/<name>/`, see `format.ts`) and validates it
 * completely before anything trains on it: manifest fields, byte sizes, SHA-256 checksums,
 * label range and counts per class per split. No Node imports: runs in the browser, in a
 * Web Worker and in Node alike; where the bytes come from is the caller's `fetchBytes`.
 */
import {
  DatasetError,
  IMAGE_SHAPE,
  IMAGE_SIZE,
  REGENERATE_HINT,
  SPLIT_NAMES,
  parseManifest,
  sha256Hex,
  type DatasetFileEntry,
  type DatasetManifest,
  type SplitName,
} from './format';

export { DatasetError } from './format';
export type { DatasetErrorCode } from './format';

/** Reads the file at `relativePath` (relative to the data root, e.g. `mnist/labels.bin`). */
export type FetchBytes = (relativePath: string) => Promise<Uint8Array>;

/** One split of a data set. */
export interface Split {
  /** uint8 pixels, count×784, row-major (28×28×1 per image), 0 = background. */
  images: Uint8Array;
  /** uint8 class index per image, in [0, classNames.length). */
  labels: Uint8Array;
  count: number;
}

/** A loaded and validated data set. */
export interface Dataset {
  name: string;
  title: string;
  classNames: string[];
  imageShape: [28, 28, 1];
  /** `pool`: labelled images to draw experiment train/val splits from; `test`: held out. */
  splits: { pool: Split; test: Split };
  licence: string;
  source: string;
}

/**
 * Loads data set `name` through `fetchBytes`: reads `<name>/manifest.json`, then the two
 * binary files it lists, and validates everything. Throws a {@link DatasetError}
 * (`dataset-missing-file`, `dataset-unavailable`, `dataset-bad-manifest`, `dataset-corrupt`)
 * whose message names the file, the problem and the fix.
 */
export async function loadDataset(name: string, fetchBytes: FetchBytes): Promise<Dataset> {
  if (!/^[a-z0-9][a-z0-9-]*$/.test(name)) {
    throw new DatasetError('dataset-bad-manifest', `"${name}" is not a data set name (lower-case letters, digits and dashes).`);
  }
  const manifestPath = `${name}/manifest.json`;
  const manifest = parseManifest(parseJson(await read(fetchBytes, manifestPath), manifestPath), manifestPath);
  if (manifest.name !== name) {
    throw new DatasetError('dataset-bad-manifest', `${manifestPath}: "name" is "${manifest.name}", expected "${name}". ${REGENERATE_HINT}`, manifestPath);
  }
  const total = manifest.splits.pool.count + manifest.splits.test.count;
  const [images, labels] = await Promise.all([
    readChecked(fetchBytes, name, manifest.files.images, total * IMAGE_SIZE, `${total} images × ${IMAGE_SIZE} pixels`),
    readChecked(fetchBytes, name, manifest.files.labels, total, `${total} labels`),
  ]);
  checkLabels(manifest, labels, `${name}/${manifest.files.labels.path}`);

  const split = (key: SplitName): Split => {
    const { offset, count } = manifest.splits[key];
    return {
      images: images.subarray(offset * IMAGE_SIZE, (offset + count) * IMAGE_SIZE),
      labels: labels.subarray(offset, offset + count),
      count,
    };
  };
  return {
    name: manifest.name,
    title: manifest.title,
    classNames: manifest.classNames,
    imageShape: [IMAGE_SHAPE[0], IMAGE_SHAPE[1], IMAGE_SHAPE[2]],
    splits: { pool: split('pool'), test: split('test') },
    licence: manifest.licence,
    source: manifest.source,
  };
}

/**
 * A {@link FetchBytes} over HTTP with the global `fetch`, for browsers and workers.
 * `baseUrl` is the data root (e.g. `/data/` or `https://host/app/data`). A 404, or an
 * HTML page served in place of a missing file (SPA fallback), throws `dataset-missing-file`;
 * other failures throw `dataset-unavailable`; both name the URL and the status.
 */
export function httpFetchBytes(baseUrl: string): FetchBytes {
  const base = baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/`;
  return async (relativePath) => {
    const url = base + relativePath;
    let response: Response;
    try {
      response = await fetch(url);
    } catch (cause) {
      throw new DatasetError('dataset-unavailable', `Could not fetch ${url}: ${errorText(cause)}. Check the connection and reload.`, relativePath, { cause });
    }
    if (!response.ok) {
      const code = response.status === 404 ? 'dataset-missing-file' : 'dataset-unavailable';
      const fix = response.status === 404 ? REGENERATE_HINT : 'Reload the page; if it persists, check the server.';
      const status = `HTTP ${response.status}${response.statusText ? ` ${response.statusText}` : ''}`;
      throw new DatasetError(code, `Fetching ${url} failed: ${status}. ${fix}`, relativePath);
    }
    if ((response.headers.get('content-type') ?? '').includes('text/html')) {
      throw new DatasetError('dataset-missing-file', `Fetching ${url} returned an HTML page, not the data file: the file is missing. ${REGENERATE_HINT}`, relativePath);
    }
    return new Uint8Array(await response.arrayBuffer());
  };
}

/** Reads through `fetchBytes`, turning foreign exceptions into a DatasetError naming the file. */
async function read(fetchBytes: FetchBytes, path: string): Promise<Uint8Array> {
  try {
    return await fetchBytes(path);
  } catch (cause) {
    if (cause instanceof DatasetError) throw cause;
    throw new DatasetError('dataset-unavailable', `Could not read ${path}: ${errorText(cause)}. ${REGENERATE_HINT}`, path, { cause });
  }
}

function parseJson(bytes: Uint8Array, path: string): unknown {
  try {
    return JSON.parse(new TextDecoder().decode(bytes));
  } catch (cause) {
    throw new DatasetError('dataset-bad-manifest', `${path} is not valid JSON (${errorText(cause)}). ${REGENERATE_HINT}`, path, { cause });
  }
}

/** Reads one binary file and checks its size against the manifest and the split counts, and its checksum. */
async function readChecked(fetchBytes: FetchBytes, name: string, entry: DatasetFileEntry, expectedBytes: number, what: string): Promise<Uint8Array> {
  if (!/^[A-Za-z0-9._-]+$/.test(entry.path) || entry.path.startsWith('.')) {
    throw new DatasetError('dataset-bad-manifest', `${name}/manifest.json: file path "${entry.path}" must be a plain file name. ${REGENERATE_HINT}`, `${name}/manifest.json`);
  }
  const path = `${name}/${entry.path}`;
  if (entry.bytes !== expectedBytes) {
    throw new DatasetError('dataset-bad-manifest', `${name}/manifest.json lists ${path} as ${entry.bytes} bytes, but its splits need ${expectedBytes} (${what}). ${REGENERATE_HINT}`, `${name}/manifest.json`);
  }
  const bytes = await read(fetchBytes, path);
  if (bytes.length !== expectedBytes) {
    throw new DatasetError('dataset-corrupt', `${path} is ${bytes.length} bytes, expected ${expectedBytes} (${what}): it is truncated or from another version. ${REGENERATE_HINT}`, path);
  }
  const sha256 = await sha256Hex(bytes);
  if (sha256 !== entry.sha256) {
    throw new DatasetError('dataset-corrupt', `${path} fails its checksum (SHA-256 ${sha256.slice(0, 12)}…, manifest says ${entry.sha256.slice(0, 12)}…): the file is damaged or does not match manifest.json. ${REGENERATE_HINT}`, path);
  }
  return bytes;
}

/** Checks that every label is a class index and that each split has the manifest's counts per class. */
function checkLabels(manifest: DatasetManifest, labels: Uint8Array, path: string): void {
  const classes = manifest.classNames.length;
  for (const key of SPLIT_NAMES) {
    const { offset, count, countsPerClass } = manifest.splits[key];
    const seen = new Array<number>(classes).fill(0);
    for (let i = offset; i < offset + count; i++) {
      const label = labels[i];
      if (label >= classes) {
        throw new DatasetError('dataset-corrupt', `${path}: record ${i} has label ${label}, but there are only ${classes} classes. ${REGENERATE_HINT}`, path);
      }
      seen[label]++;
    }
    const bad = seen.findIndex((n, c) => n !== countsPerClass[c]);
    if (bad >= 0) {
      throw new DatasetError(
        'dataset-corrupt',
        `${path}: split "${key}" has ${seen[bad]} images of class ${bad} (${manifest.classNames[bad]}), manifest.json says ${countsPerClass[bad]}. ${REGENERATE_HINT}`,
        path,
      );
    }
  }
}

function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
