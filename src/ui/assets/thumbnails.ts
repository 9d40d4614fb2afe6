/**
 * One example image per class of a shipped dataset, for the class chips. Reads the manifest,
 * then only the bytes of each class's first pool image (HTTP Range); a server that ignores
 * Range sends the whole file once, which is used as it is.
 */
import { createAssetCache } from './assetCache';

export const IMAGE_BYTES = 28 * 28;

interface Manifest {
  classNames: string[];
  splits: { pool: { offset: number; countsPerClass: number[] } };
}

/** Record index of the first pool image of each class (pool is grouped by class, ascending). */
export function firstImageOfClass(manifest: Manifest): number[] {
  const starts: number[] = [];
  let index = manifest.splits.pool.offset;
  for (const count of manifest.splits.pool.countsPerClass) {
    starts.push(index);
    index += count;
  }
  return starts;
}

const base = () => `${import.meta.env.BASE_URL}data/`;

async function loadThumbnails(dataset: string): Promise<Uint8Array[]> {
  const manifestResponse = await fetch(`${base()}${dataset}/manifest.json`);
  if (!manifestResponse.ok) throw new Error(`manifest of ${dataset}: HTTP ${manifestResponse.status}`);
  const manifest = (await manifestResponse.json()) as Manifest;
  const starts = firstImageOfClass(manifest);
  const url = `${base()}${dataset}/images.bin`;
  let whole: Uint8Array | null = null;
  const images: Uint8Array[] = [];
  for (const start of starts) {
    if (whole) {
      images.push(whole.slice(start * IMAGE_BYTES, (start + 1) * IMAGE_BYTES));
      continue;
    }
    const from = start * IMAGE_BYTES;
    const response = await fetch(url, { headers: { Range: `bytes=${from}-${from + IMAGE_BYTES - 1}` } });
    if (!response.ok) throw new Error(`images of ${dataset}: HTTP ${response.status}`);
    const bytes = new Uint8Array(await response.arrayBuffer());
    if (response.status === 206 && bytes.length === IMAGE_BYTES) {
      images.push(bytes);
    } else {
      whole = bytes;
      images.push(whole.slice(from, from + IMAGE_BYTES));
    }
  }
  return images;
}

export const thumbnailCache = createAssetCache(loadThumbnails);
export const useThumbnails = thumbnailCache.useAsset;
