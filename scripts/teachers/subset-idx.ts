/**
 * Writes the first N training images of every class of an MNIST-format data set (gzipped IDX
 * files) to another folder, in their original order: for a device lease, whose carried files
 * are limited to 64 MiB with the checkout (the full Fashion-MNIST training set is 26 MB).
 *
 *   npx tsx scripts/teachers/subset-idx.ts /usr/share/datasets/fashion-mnist .extra/fashion 3500
 */
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { parseIdx } from '../../src/core/data/idx';

const [from, to, perClassArg] = process.argv.slice(2);
const perClass = Number(perClassArg);
if (!from || !to || !Number.isInteger(perClass) || perClass < 1) {
  console.error('usage: subset-idx.ts <from dir> <to dir> <images per class>');
  process.exit(2);
}
const read = (name: string) => parseIdx(new Uint8Array(gunzipSync(readFileSync(path.join(from, name)))), name);
const images = read('train-images-idx3-ubyte.gz');
const labels = read('train-labels-idx1-ubyte.gz');
const [n, h, w] = images.shape;
const taken = new Map<number, number>();
const keep: number[] = [];
for (let i = 0; i < n; i++) {
  const c = labels.data[i];
  if ((taken.get(c) ?? 0) < perClass) {
    taken.set(c, (taken.get(c) ?? 0) + 1);
    keep.push(i);
  }
}
/** An IDX file of unsigned bytes: magic 0x0000080<rank>, the dimensions, the data. */
function idx(shape: number[], data: Uint8Array): Buffer {
  const header = Buffer.alloc(4 + 4 * shape.length);
  header.writeUInt32BE(0x0800 + shape.length, 0);
  shape.forEach((d, i) => header.writeUInt32BE(d, 4 + 4 * i));
  return gzipSync(Buffer.concat([header, data]), { level: 9 });
}
const size = h * w;
const outImages = new Uint8Array(keep.length * size);
const outLabels = new Uint8Array(keep.length);
keep.forEach((i, j) => {
  outImages.set(images.data.subarray(i * size, (i + 1) * size), j * size);
  outLabels[j] = labels.data[i];
});
mkdirSync(to, { recursive: true });
writeFileSync(path.join(to, 'train-images-idx3-ubyte.gz'), idx([keep.length, h, w], outImages));
writeFileSync(path.join(to, 'train-labels-idx1-ubyte.gz'), idx([keep.length], outLabels));
console.log(`${keep.length} images (${[...taken.entries()].sort((a, b) => a[0] - b[0]).map(([c, k]) => `${c}: ${k}`).join(', ')}) → ${to}`);
