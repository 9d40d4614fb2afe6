import { mkdtemp, readFile, rm, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { IMAGE_SIZE, sha256Hex } from './format';
import { DatasetError, httpFetchBytes, loadDataset } from './loader';
import { nodeFetchBytes, writeDatasetDir } from './node-fs';
import { memoryFetchBytes, syntheticInput } from './synthetic';
import { buildDatasetFiles } from './writer';

const NAME = 'synthetic';
let root: string;

beforeEach(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'refilled-data-'));
  await writeDatasetDir(path.join(root, NAME), await buildDatasetFiles(syntheticInput(NAME, [4, 3, 5], 2)));
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

const file = (name: string): string => path.join(root, NAME, name);
const load = () => loadDataset(NAME, nodeFetchBytes(root));

async function datasetError(promise: Promise<unknown>): Promise<DatasetError> {
  const e = await promise.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(DatasetError);
  return e as DatasetError;
}

async function editManifest(edit: (m: Record<string, unknown>) => void): Promise<void> {
  const m = JSON.parse(await readFile(file('manifest.json'), 'utf8')) as Record<string, unknown>;
  edit(m);
  await writeFile(file('manifest.json'), JSON.stringify(m));
}

/** Rewrites labels.bin and its checksum in the manifest, so that only the label checks can object. */
async function rewriteLabels(edit: (labels: Uint8Array) => void): Promise<void> {
  const labels = new Uint8Array(await readFile(file('labels.bin')));
  edit(labels);
  await writeFile(file('labels.bin'), labels);
  const sha256 = await sha256Hex(labels);
  await editManifest((m) => {
    ((m.files as Record<string, Record<string, unknown>>).labels).sha256 = sha256;
  });
}

describe('sha256Hex', () => {
  it('matches the known digest of "abc"', async () => {
    expect(await sha256Hex(new TextEncoder().encode('abc'))).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });
});

describe('writer + loader round trip', () => {
  it('loads what the writer wrote, grouped by class, images intact', async () => {
    const input = syntheticInput(NAME, [4, 3, 5], 2);
    const ds = await load();
    expect(ds).toMatchObject({ name: NAME, title: input.title, classNames: input.classNames, imageShape: [28, 28, 1], licence: input.licence, source: input.source });
    expect(ds.splits.pool.count).toBe(12);
    expect(ds.splits.test.count).toBe(6);
    expect([...ds.splits.pool.labels]).toEqual([0, 0, 0, 0, 1, 1, 1, 2, 2, 2, 2, 2]);
    expect([...ds.splits.test.labels]).toEqual([0, 0, 1, 1, 2, 2]);
    expect(ds.splits.pool.images.length).toBe(12 * IMAGE_SIZE);

    const manifest = JSON.parse(await readFile(file('manifest.json'), 'utf8')) as { splits: { pool: { sourceIndices: number[] } } };
    manifest.splits.pool.sourceIndices.forEach((sourceIndex, j) => {
      const r = sourceIndex - 1000; // synthetic source indices are 1000 + input record
      expect(ds.splits.pool.labels[j]).toBe(input.splits.pool.labels[r]);
      expect(ds.splits.pool.images.subarray(j * IMAGE_SIZE, (j + 1) * IMAGE_SIZE)).toEqual(input.splits.pool.images.subarray(r * IMAGE_SIZE, (r + 1) * IMAGE_SIZE));
    });
  });

  it('writes byte-identical files for the same input', async () => {
    const a = await buildDatasetFiles(syntheticInput(NAME, [4, 3, 5], 2));
    const b = await buildDatasetFiles(syntheticInput(NAME, [4, 3, 5], 2));
    expect(a.files).toEqual(b.files);
  });

  it('rejects a data set name that is not a plain directory name', async () => {
    expect((await datasetError(loadDataset('../etc', nodeFetchBytes(root)))).code).toBe('dataset-bad-manifest');
  });
});

describe('loader validation', () => {
  it('a flipped byte in images.bin fails the checksum, naming images.bin', async () => {
    const bytes = new Uint8Array(await readFile(file('images.bin')));
    bytes[1234] ^= 0xff;
    await writeFile(file('images.bin'), bytes);
    const e = await datasetError(load());
    expect(e.code).toBe('dataset-corrupt');
    expect(e.file).toBe(`${NAME}/images.bin`);
    expect(e.message).toMatch(/images\.bin.*checksum/);
    expect(e.message).toContain('npm run data');
  });

  it('a missing file is named', async () => {
    await unlink(file('labels.bin'));
    const e = await datasetError(load());
    expect(e.code).toBe('dataset-missing-file');
    expect(e.message).toContain(path.join(root, NAME, 'labels.bin'));
    expect(e.message).toContain('npm run data');
  });

  it('a missing data set names its manifest', async () => {
    const e = await datasetError(loadDataset('absent', nodeFetchBytes(root)));
    expect(e.code).toBe('dataset-missing-file');
    expect(e.message).toContain(path.join('absent', 'manifest.json'));
  });

  it('a truncated file is corrupt, with both sizes in the message', async () => {
    const bytes = await readFile(file('images.bin'));
    await writeFile(file('images.bin'), bytes.subarray(0, bytes.length - 1));
    const e = await datasetError(load());
    expect(e.code).toBe('dataset-corrupt');
    expect(e.message).toContain(`${bytes.length - 1} bytes, expected ${bytes.length}`);
  });

  it('a manifest without a field, or with inconsistent sizes, is a bad manifest naming the field', async () => {
    await editManifest((m) => delete m.classNames);
    let e = await datasetError(load());
    expect(e.code).toBe('dataset-bad-manifest');
    expect(e.message).toMatch(/manifest\.json.*"classNames"/);

    await writeDatasetDir(path.join(root, NAME), await buildDatasetFiles(syntheticInput(NAME, [4, 3, 5], 2)));
    await editManifest((m) => {
      ((m.splits as Record<string, Record<string, unknown>>).test).count = 7;
    });
    e = await datasetError(load());
    expect(e.code).toBe('dataset-bad-manifest');
    expect(e.message).toContain('splits.test.countsPerClass');

    await writeFile(file('manifest.json'), '{ not json');
    e = await datasetError(load());
    expect(e.code).toBe('dataset-bad-manifest');
    expect(e.message).toMatch(/not valid JSON/);
  });

  it('rejects a label outside the classes', async () => {
    await rewriteLabels((labels) => {
      labels[2] = 3;
    });
    const e = await datasetError(load());
    expect(e.code).toBe('dataset-corrupt');
    expect(e.message).toMatch(/labels\.bin: record 2 has label 3, but there are only 3 classes/);
  });

  it('rejects counts per class that differ from the manifest', async () => {
    await rewriteLabels((labels) => {
      labels[0] = 1; // pool: 3 of class 0, 4 of class 1
    });
    const e = await datasetError(load());
    expect(e.code).toBe('dataset-corrupt');
    expect(e.message).toMatch(/split "pool" has 3 images of class 0 \(class 0\), manifest.json says 4/);
  });

  it('wraps foreign errors of fetchBytes, naming the path', async () => {
    const e = await datasetError(loadDataset(NAME, memoryFetchBytes(new Map())));
    expect(e.code).toBe('dataset-unavailable');
    expect(e.message).toContain(`${NAME}/manifest.json`);
  });
});

describe('httpFetchBytes', () => {
  afterEach(() => {
    vi.unstubAllGlobals();
  });
  const respond = (body: BodyInit | null, init: ResponseInit) => {
    const fetchMock = vi.fn(async (_url: string) => new Response(body, init));
    vi.stubGlobal('fetch', fetchMock);
    return fetchMock;
  };

  it('joins the base URL and returns the body', async () => {
    const fetchMock = respond(new Uint8Array([1, 2, 3]), { status: 200, headers: { 'content-type': 'application/octet-stream' } });
    const bytes = await httpFetchBytes('/data')('mnist/labels.bin');
    expect([...bytes]).toEqual([1, 2, 3]);
    expect(fetchMock).toHaveBeenCalledWith('/data/mnist/labels.bin');
  });

  it('names the URL and status of a 404 and of other failures', async () => {
    respond(null, { status: 404, statusText: 'Not Found' });
    let e = await datasetError(httpFetchBytes('/data/')('mnist/manifest.json'));
    expect(e.code).toBe('dataset-missing-file');
    expect(e.message).toContain('/data/mnist/manifest.json failed: HTTP 404 Not Found');

    respond(null, { status: 503 });
    e = await datasetError(httpFetchBytes('/data/')('mnist/images.bin'));
    expect(e.code).toBe('dataset-unavailable');
    expect(e.message).toContain('/data/mnist/images.bin failed: HTTP 503');
  });

  it('treats an HTML page (SPA fallback) as a missing file', async () => {
    respond('<!doctype html>', { status: 200, headers: { 'content-type': 'text/html' } });
    expect((await datasetError(httpFetchBytes('/data/')('x/manifest.json'))).code).toBe('dataset-missing-file');
  });

  it('reports network errors as unavailable', async () => {
    vi.stubGlobal('fetch', vi.fn(async () => Promise.reject(new TypeError('Failed to fetch'))));
    const e = await datasetError(httpFetchBytes('/data/')('x/manifest.json'));
    expect(e.code).toBe('dataset-unavailable');
    expect(e.message).toContain('Could not fetch /data/x/manifest.json: Failed to fetch');
  });
});
