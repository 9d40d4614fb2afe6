import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Dataset, Split } from '../core/data/loader';
import { layersModelFiles, TeacherError } from '../core/model/teacher';
import { AssetCache } from '../core/run';
import { DEFAULT_CONFIG, validateConfig, type ExperimentConfig } from '../protocol/config';
import { setStoredTeachers, storedTeacherInfo } from '../protocol/teacherRegistry';
import { checkTeacherFiles, type CheckedTeacherModel } from '../protocol/teacherUpload';
import type { StoredTeacher } from '../storage/teachers';
import { answerCardRequest, prepareStoredTeacher } from './teacherCard';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

/** Image A lights pixel 0, image B pixel 1 (uint8, 0–255). */
const A = 0;
const B = 1;
function split(images: [number, number][]): Split {
  const pixels = new Uint8Array(images.length * 784);
  const labels = new Uint8Array(images.length);
  images.forEach(([which, label], i) => {
    pixels[i * 784 + which] = 255;
    labels[i] = label;
  });
  return { images: pixels, labels, count: images.length };
}

/** Four classes; the test split: class 0 → A, B; class 1 → B; class 2 → A, B; class 3 → B. */
const DATASET: Dataset = {
  name: 'tiny',
  title: 'Tiny',
  classNames: ['c0', 'c1', 'c2', 'c3'],
  imageShape: [28, 28, 1],
  splits: {
    pool: split([[A, 0], [B, 1], [A, 2], [B, 3]]),
    test: split([[A, 0], [B, 0], [B, 1], [A, 2], [B, 2], [B, 3]]),
  },
  licence: 'test',
  source: 'test',
};

/**
 * Flatten → Dense "embedding" (f_T(x) = (x₀, x₁): pixel 0 and pixel 1) → Dense head (identity),
 * so the head's output k is pixel k: A → output 0, B → output 1.
 */
async function tinyTeacherModel(): Promise<CheckedTeacherModel> {
  const model = tf.sequential({
    layers: [
      tf.layers.flatten({ inputShape: [28, 28, 1], name: 'flat' }),
      tf.layers.dense({ units: 2, useBias: false, name: 'embedding' }),
      tf.layers.dense({ units: 2, useBias: false, name: 'head' }),
    ],
  });
  const kernel = new Float32Array(784 * 2);
  kernel[0 * 2 + 0] = 1;
  kernel[1 * 2 + 1] = 1;
  model.layers[1].setWeights([tf.tensor2d(kernel, [784, 2])]);
  model.layers[2].setWeights([tf.tensor2d([1, 0, 0, 1], [2, 2])]);
  const files = await layersModelFiles(model);
  model.dispose();
  const picked = [
    { name: 'model.json', size: files.modelJson.length, arrayBuffer: async () => new TextEncoder().encode(files.modelJson).buffer as ArrayBuffer },
    { name: 'weights.bin', size: files.weights.byteLength, arrayBuffer: async () => files.weights.slice().buffer as ArrayBuffer },
  ];
  const checked = await checkTeacherFiles(picked);
  if (!checked.ok) throw new Error(checked.error.message);
  return checked.model;
}

const request = (model: CheckedTeacherModel, classes: number[] | null, ncmClasses: number[] = []) =>
  ({ type: 'card', backend: 'cpu', baseUrl: '/', dataset: 'mnist', classes, ncmClasses, model }) as const;

describe("an uploaded teacher's card", () => {
  it('measures its head on its own classes and NCM on the others, as computed by hand, and frees every tensor', async () => {
    const model = await tinyTeacherModel();
    const before = tf.memory().numTensors;
    const reply = await answerCardRequest(request(model, [0, 1]), async () => DATASET);
    // Head: class-0 A ✓, class-0 B ✗ (says 1), class-1 B ✓ → 2/3.
    // NCM on classes 2, 3: centres (1,0) and (0,1); class-2 A ✓, class-2 B ✗, class-3 B ✓ → 2/3.
    expect(reply).toEqual({
      type: 'card',
      embeddingLayer: 'embedding',
      card: { testAccuracy: expect.closeTo(2 / 3, 6), testImages: 3, ncmOtherClasses: expect.closeTo(2 / 3, 6), ncmClasses: [2, 3], parameters: 784 * 2 + 4, embeddingSize: 2 },
    });
    expect(tf.memory().numTensors).toBe(before);
  });

  it("follows the head's order of the classes named", async () => {
    const model = await tinyTeacherModel();
    // Output 0 is class 1 now: class-0 A ✗, class-0 B ✓, class-1 B ✗ → 1/3.
    const reply = await answerCardRequest(request(model, [1, 0]), async () => DATASET);
    expect(reply.type === 'card' && reply.card.testAccuracy).toBeCloseTo(1 / 3, 6);
  });

  it('with its classes unknown: no test accuracy, NCM over every class', async () => {
    const model = await tinyTeacherModel();
    // Centres: classes 0 and 2 at (1,0), classes 1 and 3 at (0,1); ties go to the lower class.
    // A → 0, B → 1: class-0 A ✓, class-0 B ✗, class-1 B ✓, class-2 A ✗, class-2 B ✗, class-3 B ✗ → 2/6.
    const reply = await answerCardRequest(request(model, null), async () => DATASET);
    expect(reply.type === 'card' && reply.card).toMatchObject({ testAccuracy: null, testImages: 0, ncmClasses: [0, 1, 2, 3] });
    expect(reply.type === 'card' && reply.card.ncmOtherClasses).toBeCloseTo(1 / 3, 6);
  });

  it('measures NCM on the classes asked for (the student’s)', async () => {
    const model = await tinyTeacherModel();
    const reply = await answerCardRequest(request(model, [0, 1], [0, 3]), async () => DATASET);
    // Centres (1,0) for class 0, (0,1) for class 3: class-0 A ✓, class-0 B ✗, class-3 B ✓.
    expect(reply.type === 'card' && reply.card.ncmClasses).toEqual([0, 3]);
    expect(reply.type === 'card' && reply.card.ncmOtherClasses).toBeCloseTo(2 / 3, 6);
  });

  it('says when the classes named do not match the head', async () => {
    const model = await tinyTeacherModel();
    const before = tf.memory().numTensors;
    const reply = await answerCardRequest(request(model, [0, 1, 2]), async () => DATASET);
    expect(reply).toEqual({ type: 'error', message: 'The model\'s head has 2 outputs but 3 classes were named: name one class per output, in the head\'s order, or choose "unknown".' });
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('a stored teacher in the worker', () => {
  const record = async (classes: number[] | null): Promise<StoredTeacher> => {
    const model = await tinyTeacherModel();
    return { id: 'user:tiny', title: 'Tiny', dataset: 'mnist', classes, source: 'upload', createdAt: '2026-11-27T00:00:00Z', embeddingLayer: model.embeddingLayer, modelJson: model.modelJson, weightData: model.weightData };
  };
  const config: ExperimentConfig = { ...structuredClone(DEFAULT_CONFIG), dataset: 'mnist', teacher: 'user:tiny', teacherClasses: [] };

  it('is refused by the validator until known, saying its files are needed', () => {
    setStoredTeachers([]);
    const errors = validateConfig(config);
    expect(errors.map((e) => e.message)).toEqual([
      'Teacher (teacher) is user:tiny, a teacher uploaded in another browser (or deleted here): its model files are not in this browser: upload that teacher\'s model.json and .bin files with "Upload a teacher", or pick a shipped teacher.',
    ]);
  });

  it('is read by id, registered (classes unknown: cross-task assumed) and given to the asset cache', async () => {
    setStoredTeachers([]);
    const assets = new AssetCache({ data: async () => new Uint8Array(), teachers: async () => new Uint8Array() });
    const stored = await record(null);
    let reads = 0;
    const read = async () => {
      reads += 1;
      return { ok: true as const, value: stored };
    };
    await prepareStoredTeacher('user:tiny', assets, read);
    await prepareStoredTeacher('user:tiny', assets, read);
    expect(reads).toBe(1);
    expect(storedTeacherInfo('user:tiny')).toEqual({ id: 'user:tiny', title: 'Tiny', dataset: 'mnist', classes: [], classesKnown: false });
    expect(validateConfig(config)).toEqual([]);
    expect(validateConfig({ ...config, method: 'kd' }).map((e) => e.key)).toEqual(['method']);
    const loaded = await assets.teacher('user:tiny');
    expect(loaded.teacher.embeddingSize).toBe(2);
    assets.dispose();
  });

  it('that this browser does not hold fails with teacher-missing', async () => {
    const assets = new AssetCache({ data: async () => new Uint8Array(), teachers: async () => new Uint8Array() });
    const err = await prepareStoredTeacher('user:gone', assets, async () => ({ ok: true, value: undefined })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TeacherError);
    expect((err as TeacherError).code).toBe('teacher-missing');
    expect((err as Error).message).toBe('Teacher user:gone is not stored in this browser (it was uploaded elsewhere, or deleted): upload its model.json and .bin files with "Upload a teacher", or pick a shipped teacher.');
  });
});
