/**
 * The on-disk format of a data set shipped with the app (`public/data/<name>/`):
 *
 * - `manifest.json` — a {@link DatasetManifest}.
 * - `images.bin` — uint8 pixels, N×784, row-major, one 28×28 grey image after another
 *   (0 = background, 255 = ink), no header.
 * - `labels.bin` — uint8 class indices, N, aligned with the images.
 *
 * Records are stored split by split (`pool` first, then `test`); within a split, grouped
 * by class in ascending class order, and within a class in ascending source index.
 * Works in Node 20 and in browsers (no Node imports).
 */

/** Format tag and version written into every manifest. */
export const MANIFEST_FORMAT = 'refilled-dataset';
export const MANIFEST_VERSION = 1;

/** Pixels per image (28×28×1). */
export const IMAGE_SIZE = 784;
/** The image shape of every shipped data set: height, width, channels. */
export const IMAGE_SHAPE: [28, 28, 1] = [28, 28, 1];

/** The two splits shipped per data set: `pool` (from the official train set) and `test`. */
export type SplitName = 'pool' | 'test';
export const SPLIT_NAMES: readonly SplitName[] = ['pool', 'test'];

/** One binary file of a data set, with its size and SHA-256 (lower-case hex). */
export interface DatasetFileEntry {
  path: string;
  bytes: number;
  sha256: string;
}

/** Where a split lies in the binary files and what it holds. */
export interface ManifestSplit {
  /** Index of the split's first record in images.bin / labels.bin. */
  offset: number;
  count: number;
  /** `countsPerClass[c]` records of class c; sums to `count`. */
  countsPerClass: number[];
  /** For each record of the split, its index in the source (see `provenance`). */
  sourceIndices: number[];
}

/** `manifest.json` of a shipped data set. */
export interface DatasetManifest {
  format: typeof MANIFEST_FORMAT;
  version: typeof MANIFEST_VERSION;
  /** Directory name and id, e.g. `fashion-mnist`. */
  name: string;
  /** Human-readable name, e.g. `Fashion-MNIST`. */
  title: string;
  classNames: string[];
  imageShape: [28, 28, 1];
  pixelType: 'uint8';
  /** Human-readable description of the record order in the binary files. */
  layout: string;
  files: { images: DatasetFileEntry; labels: DatasetFileEntry };
  splits: { pool: ManifestSplit; test: ManifestSplit };
  licence: string;
  source: string;
  /** How the subset was drawn from the source and what `sourceIndices` index. */
  provenance: string;
}

/** What went wrong loading a data set. */
export type DatasetErrorCode = 'dataset-missing-file' | 'dataset-unavailable' | 'dataset-corrupt' | 'dataset-bad-manifest';

/**
 * A data set that cannot be loaded. `message` names the file, says what is wrong and what
 * to do; `file` is the relative path concerned, when there is one.
 */
export class DatasetError extends Error {
  override readonly name = 'DatasetError';
  constructor(
    readonly code: DatasetErrorCode,
    message: string,
    readonly file?: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** The advice appended to messages about shipped files that are missing or damaged. */
export const REGENERATE_HINT = 'Regenerate the shipped data with `npm run data`.';

/**
 * SHA-256 of `bytes` as a lower-case hex string (64 characters). Uses Web Crypto
 * (`globalThis.crypto.subtle`), present in browsers, Web Workers and Node ≥ 20.
 */
export async function sha256Hex(bytes: Uint8Array): Promise<string> {
  const subtle = globalThis.crypto?.subtle;
  if (!subtle) {
    throw new Error('Web Crypto (crypto.subtle) is unavailable: checksums need a secure context (https or localhost) or Node ≥ 20.');
  }
  // digest() wants memory backed by a plain ArrayBuffer; copy only when it is not.
  const input = bytes.buffer instanceof ArrayBuffer ? (bytes as Uint8Array<ArrayBuffer>) : new Uint8Array(bytes);
  const digest = new Uint8Array(await subtle.digest('SHA-256', input));
  let out = '';
  for (const b of digest) out += b.toString(16).padStart(2, '0');
  return out;
}

/**
 * Checks that `json` (parsed manifest.json of data set `name`) has every field of a
 * {@link DatasetManifest} with the right type and consistent counts; returns it typed.
 * Throws a `DatasetError` with code `dataset-bad-manifest` naming the field otherwise.
 */
export function parseManifest(json: unknown, file: string): DatasetManifest {
  const fail = (what: string): never => {
    throw new DatasetError('dataset-bad-manifest', `${file}: ${what}. ${REGENERATE_HINT}`, file);
  };
  const obj = (v: unknown, field: string): Record<string, unknown> =>
    typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : fail(`field "${field}" is missing or not an object`);
  const str = (o: Record<string, unknown>, key: string, field = key): string =>
    typeof o[key] === 'string' ? (o[key] as string) : fail(`field "${field}" is missing or not a string`);
  const count = (o: Record<string, unknown>, key: string, field = key): number =>
    Number.isInteger(o[key]) && (o[key] as number) >= 0 ? (o[key] as number) : fail(`field "${field}" is missing or not a non-negative integer`);
  const counts = (o: Record<string, unknown>, key: string, field: string): number[] => {
    const v = o[key];
    if (!Array.isArray(v) || !v.every((x) => Number.isInteger(x) && x >= 0)) fail(`field "${field}" is missing or not a list of non-negative integers`);
    return v as number[];
  };

  const m = obj(json, '(root)');
  if (m.format !== MANIFEST_FORMAT) fail(`"format" is ${JSON.stringify(m.format)}, expected "${MANIFEST_FORMAT}"`);
  if (m.version !== MANIFEST_VERSION) fail(`"version" is ${JSON.stringify(m.version)}, this app reads version ${MANIFEST_VERSION}`);
  const name = str(m, 'name');
  const title = str(m, 'title');
  if (!Array.isArray(m.classNames) || m.classNames.length < 2 || !m.classNames.every((c) => typeof c === 'string')) {
    fail('field "classNames" is missing or not a list of at least 2 strings');
  }
  const classNames = m.classNames as string[];
  const shape = m.imageShape;
  if (!Array.isArray(shape) || shape.length !== 3 || shape.some((d, i) => d !== IMAGE_SHAPE[i])) {
    fail(`"imageShape" is ${JSON.stringify(shape)}, expected ${JSON.stringify(IMAGE_SHAPE)}`);
  }
  if (m.pixelType !== 'uint8') fail(`"pixelType" is ${JSON.stringify(m.pixelType)}, expected "uint8"`);

  const files = obj(m.files, 'files');
  const fileEntry = (key: 'images' | 'labels'): DatasetFileEntry => {
    const f = obj(files[key], `files.${key}`);
    const sha256 = str(f, 'sha256', `files.${key}.sha256`);
    if (!/^[0-9a-f]{64}$/.test(sha256)) fail(`"files.${key}.sha256" is not 64 lower-case hex digits`);
    return { path: str(f, 'path', `files.${key}.path`), bytes: count(f, 'bytes', `files.${key}.bytes`), sha256 };
  };

  const splitsObj = obj(m.splits, 'splits');
  const split = (key: SplitName): ManifestSplit => {
    const s = obj(splitsObj[key], `splits.${key}`);
    const out: ManifestSplit = {
      offset: count(s, 'offset', `splits.${key}.offset`),
      count: count(s, 'count', `splits.${key}.count`),
      countsPerClass: counts(s, 'countsPerClass', `splits.${key}.countsPerClass`),
      sourceIndices: counts(s, 'sourceIndices', `splits.${key}.sourceIndices`),
    };
    if (out.countsPerClass.length !== classNames.length) fail(`"splits.${key}.countsPerClass" has ${out.countsPerClass.length} entries for ${classNames.length} classes`);
    const sum = out.countsPerClass.reduce((a, b) => a + b, 0);
    if (sum !== out.count) fail(`"splits.${key}.countsPerClass" sums to ${sum} but "count" is ${out.count}`);
    if (out.sourceIndices.length !== out.count) fail(`"splits.${key}.sourceIndices" has ${out.sourceIndices.length} entries but "count" is ${out.count}`);
    return out;
  };
  const pool = split('pool');
  const test = split('test');
  if (pool.offset !== 0 || test.offset !== pool.count) fail('splits must be stored pool first (offset 0), then test (offset = pool count)');

  return {
    format: MANIFEST_FORMAT,
    version: MANIFEST_VERSION,
    name,
    title,
    classNames,
    imageShape: [28, 28, 1],
    pixelType: 'uint8',
    layout: str(m, 'layout'),
    files: { images: fileEntry('images'), labels: fileEntry('labels') },
    splits: { pool, test },
    licence: str(m, 'licence'),
    source: str(m, 'source'),
    provenance: str(m, 'provenance'),
  };
}
