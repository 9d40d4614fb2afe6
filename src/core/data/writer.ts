/**
 * Builds the files of a shipped data set (see `format.ts`) in memory: `manifest.json`,
 * `images.bin`, `labels.bin`. Pure and deterministic (same input → byte-identical output),
 * so `npm run data` is reproducible and tests can write synthetic data sets with the very
 * code the script uses. Writing to disk is `writeDatasetDir` in `node-fs.ts`.
 */
import {
  IMAGE_SHAPE,
  IMAGE_SIZE,
  MANIFEST_FORMAT,
  MANIFEST_VERSION,
  SPLIT_NAMES,
  sha256Hex,
  type DatasetManifest,
  type ManifestSplit,
  type SplitName,
} from './format';

/** The records of one split, in any order. */
export interface SubsetRecords {
  /** uint8 pixels, n×784, row-major. */
  images: Uint8Array;
  /** uint8 class index per record. */
  labels: Uint8Array;
  /** Index of each record in its source (meaning described by `provenance`). */
  sourceIndices: number[];
}

/** Everything the writer needs to produce a data set directory. */
export interface DatasetWriterInput {
  name: string;
  title: string;
  classNames: string[];
  licence: string;
  source: string;
  provenance: string;
  splits: { pool: SubsetRecords; test: SubsetRecords };
}

/** The built files, keyed by file name inside the data set directory. */
export interface BuiltDataset {
  manifest: DatasetManifest;
  files: Record<'manifest.json' | 'images.bin' | 'labels.bin', Uint8Array>;
}

const LAYOUT =
  'images.bin: uint8 pixels, N×784 row-major (28×28×1 per image, 0 = background); labels.bin: uint8 class index, N. ' +
  'Records: split "pool" first, then "test" (see splits.*.offset); within a split grouped by class in ascending order, ' +
  'within a class in ascending source index.';

/**
 * Orders the records (split, then class, then source index), concatenates them into the
 * binary files, computes sizes and SHA-256 checksums, and renders `manifest.json`
 * (2-space JSON, number lists on one line). Throws on inconsistent input.
 */
export async function buildDatasetFiles(input: DatasetWriterInput): Promise<BuiltDataset> {
  const classes = input.classNames.length;
  const ordered = SPLIT_NAMES.map((key) => orderSplit(input.splits[key], classes, key));
  const total = ordered.reduce((n, s) => n + s.order.length, 0);
  const images = new Uint8Array(total * IMAGE_SIZE);
  const labels = new Uint8Array(total);
  const splits = {} as Record<SplitName, ManifestSplit>;
  let at = 0;
  SPLIT_NAMES.forEach((key, k) => {
    const src = input.splits[key];
    const { order } = ordered[k];
    const countsPerClass = new Array<number>(classes).fill(0);
    order.forEach((i, j) => {
      images.set(src.images.subarray(i * IMAGE_SIZE, (i + 1) * IMAGE_SIZE), (at + j) * IMAGE_SIZE);
      labels[at + j] = src.labels[i];
      countsPerClass[src.labels[i]]++;
    });
    splits[key] = { offset: at, count: order.length, countsPerClass, sourceIndices: order.map((i) => src.sourceIndices[i]) };
    at += order.length;
  });

  const manifest: DatasetManifest = {
    format: MANIFEST_FORMAT,
    version: MANIFEST_VERSION,
    name: input.name,
    title: input.title,
    classNames: input.classNames,
    imageShape: IMAGE_SHAPE,
    pixelType: 'uint8',
    layout: LAYOUT,
    files: {
      images: { path: 'images.bin', bytes: images.length, sha256: await sha256Hex(images) },
      labels: { path: 'labels.bin', bytes: labels.length, sha256: await sha256Hex(labels) },
    },
    splits,
    licence: input.licence,
    source: input.source,
    provenance: input.provenance,
  };
  const json = `${compactNumberLists(JSON.stringify(manifest, null, 2))}\n`;
  return { manifest, files: { 'manifest.json': new TextEncoder().encode(json), 'images.bin': images, 'labels.bin': labels } };
}

/** Validates one split's records and returns their storage order (class, then source index). */
function orderSplit(s: SubsetRecords, classes: number, key: SplitName): { order: number[] } {
  const n = s.labels.length;
  if (s.images.length !== n * IMAGE_SIZE) throw new Error(`split "${key}": ${s.images.length} pixels for ${n} labels, expected ${n * IMAGE_SIZE}`);
  if (s.sourceIndices.length !== n) throw new Error(`split "${key}": ${s.sourceIndices.length} source indices for ${n} labels`);
  const badLabel = s.labels.findIndex((l) => l >= classes);
  if (badLabel >= 0) throw new Error(`split "${key}": record ${badLabel} has label ${s.labels[badLabel]} ≥ ${classes} classes`);
  const order = Array.from({ length: n }, (_, i) => i);
  order.sort((a, b) => s.labels[a] - s.labels[b] || s.sourceIndices[a] - s.sourceIndices[b] || a - b);
  return { order };
}

/** Puts every JSON list of plain numbers on one line, so the manifest stays small and readable. */
function compactNumberLists(json: string): string {
  return json.replace(/\[\s*(-?[\d.]+(?:,\s*-?[\d.]+)*)\s*\]/g, (_, body: string) => `[${body.replace(/\s+/g, '')}]`);
}
