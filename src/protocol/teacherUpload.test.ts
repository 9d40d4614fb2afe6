import { describe, expect, it } from 'vitest';
import { checkTeacherFiles, MAX_WEIGHT_BYTES, type PickedFile, type WeightSpec } from './teacherUpload';

/** A picked file from bytes (a DOM File in the browser); `size` may lie to test refusals from size alone. */
function file(name: string, bytes: Uint8Array | string, size?: number): PickedFile & { reads: number } {
  const data = typeof bytes === 'string' ? new TextEncoder().encode(bytes) : bytes;
  const f = {
    name,
    size: size ?? data.byteLength,
    reads: 0,
    arrayBuffer: async () => {
      f.reads += 1;
      return data.slice().buffer;
    },
  };
  return f;
}

/** Flatten → Dense "embedding" (784→3) → Dense head (3→2): 784·3+3+3·2+2 = 2363 float32 weights. */
const SPECS: WeightSpec[] = [
  { name: 'embedding/kernel', shape: [784, 3], dtype: 'float32' },
  { name: 'embedding/bias', shape: [3], dtype: 'float32' },
  { name: 'head/kernel', shape: [3, 2], dtype: 'float32' },
  { name: 'head/bias', shape: [2], dtype: 'float32' },
];
const PARAMS = 784 * 3 + 3 + 3 * 2 + 2;

function topology(input: (number | null)[] = [null, 28, 28, 1], embeddingName = 'embedding') {
  return {
    class_name: 'Sequential',
    config: {
      name: 'tiny',
      layers: [
        { class_name: 'Flatten', config: { name: 'flatten', batch_input_shape: input } },
        { class_name: 'Dense', config: { name: embeddingName, units: 3, activation: 'relu' } },
        { class_name: 'Dense', config: { name: 'head', units: 2 } },
      ],
    },
  };
}

function modelJson(overrides: Record<string, unknown> = {}, paths = ['weights.bin'], specs = SPECS): string {
  return JSON.stringify({ format: 'layers-model', generatedBy: 'test', convertedBy: null, modelTopology: topology(), weightsManifest: [{ paths, weights: specs }], ...overrides });
}

function weights(n = PARAMS, fill = (i: number) => (i % 7) / 10): Uint8Array {
  const values = new Float32Array(n);
  for (let i = 0; i < n; i++) values[i] = fill(i);
  return new Uint8Array(values.buffer);
}

async function refusal(files: PickedFile[]) {
  const r = await checkTeacherFiles(files);
  if (r.ok) throw new Error('expected a refusal');
  return r.error;
}

describe('checkTeacherFiles', () => {
  it('accepts model.json with its weights, keeping topology, specs, weights, embedding and parameter count', async () => {
    const r = await checkTeacherFiles([file('model.json', modelJson()), file('weights.bin', weights())]);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.model.embeddingLayer).toBe('embedding');
    expect(r.model.inputShape).toEqual([null, 28, 28, 1]);
    expect(r.model.parameters).toBe(PARAMS);
    expect(r.model.headUnits).toBe(2);
    expect(r.model.weightData.byteLength).toBe(PARAMS * 4);
    expect(new Float32Array(r.model.weightData)[8]).toBeCloseTo(0.1, 6);
    expect(r.model.modelJson.weightSpecs.map((s) => s.name)).toEqual(SPECS.map((s) => s.name));
    expect(r.model.modelJson.modelTopology).toEqual(topology());
  });

  it('joins shards in manifest order, whatever order they were picked in', async () => {
    const all = weights();
    const cut = 4000;
    const r = await checkTeacherFiles([file('group1-shard2of2.bin', all.slice(cut)), file('model.json', modelJson({}, ['group1-shard1of2.bin', 'group1-shard2of2.bin'])), file('group1-shard1of2.bin', all.slice(0, cut))]);
    expect(r.ok && Array.from(new Uint8Array(r.model.weightData))).toEqual(Array.from(all));
  });

  it('takes a flat [null, 784] input, and the input of the last Dense layer as the embedding when none is named', async () => {
    const topo = topology([null, 784], 'hidden');
    const r = await checkTeacherFiles([file('model.json', modelJson({ modelTopology: topo })), file('weights.bin', weights())]);
    expect(r.ok && r.model.embeddingLayer).toBe('head (input)');
  });

  it('refuses a model.json that is not JSON', async () => {
    const e = await refusal([file('model.json', '{"modelTopology": '), file('weights.bin', weights())]);
    expect(e.code).toBe('not-json');
    expect(e.message).toMatch(/^model\.json is not JSON \(.+\): pick the model\.json that TensorFlow\.js wrote/);
  });

  it('refuses JSON that is not a layers model, and a graph model, saying what was expected', async () => {
    const e = await refusal([file('model.json', '{"name": "x", "version": 2}')]);
    expect(e).toEqual({ code: 'not-layers-model', message: 'model.json is not a TensorFlow.js layers model: expected "modelTopology" (an object) and "weightsManifest" (a list), found "name", "version".' });
    const g = await refusal([file('model.json', JSON.stringify({ format: 'graph-model', modelTopology: { node: [] }, weightsManifest: [] }))]);
    expect(g.code).toBe('not-layers-model');
    expect(g.message).toContain('graph model');
    expect(g.message).toContain('Expected a layers model');
  });

  it('refuses a manifest naming a weight file that was not picked', async () => {
    const e = await refusal([file('model.json', modelJson({}, ['group1-shard1of1.bin'])), file('weights.bin', weights())]);
    expect(e).toEqual({ code: 'missing-weight-file', message: 'model.json names weight file "group1-shard1of1.bin", which is missing: give model.json together with all its .bin weight files (given: model.json, weights.bin).' });
  });

  it('refuses a short weight file, with the bytes expected from shapes × dtype', async () => {
    const e = await refusal([file('model.json', modelJson()), file('weights.bin', weights(PARAMS - 10))]);
    expect(e).toEqual({ code: 'weight-file-size', message: `weights.bin holds ${(PARAMS - 10) * 4} bytes, 40 short of the ${PARAMS * 4} bytes that model.json declares for it (shapes × dtype): the file is truncated or belongs to another model.` });
  });

  it('refuses a weight file longer than declared', async () => {
    const e = await refusal([file('model.json', modelJson()), file('weights.bin', weights(PARAMS + 1))]);
    expect(e.code).toBe('weight-file-size');
    expect(e.message).toContain('4 more than the');
  });

  it('refuses declared shapes over the memory budget before reading any weight', async () => {
    const big: WeightSpec[] = [{ name: 'huge/kernel', shape: [4096, 8192], dtype: 'float32' }];
    const bin = file('weights.bin', new Uint8Array(8));
    const e = await refusal([file('model.json', modelJson({}, ['weights.bin'], big)), bin]);
    expect(e).toEqual({ code: 'weights-too-large', message: 'model.json declares 128.0 MB of weights: the playground takes teachers up to 64.0 MB (a small convnet is well under 5 MB). Nothing was read.' });
    expect(bin.reads).toBe(0);
  });

  it('refuses a 1 GB file from its size alone', async () => {
    const json = file('model.json', modelJson());
    const bin = file('weights.bin', new Uint8Array(4), 1024 ** 3);
    const e = await refusal([json, bin]);
    expect(e).toEqual({ code: 'file-too-large', message: 'weights.bin is 1024.0 MB: the playground takes weights up to 64.0 MB in all (a small convnet is well under 5 MB). Nothing was read.' });
    expect(json.reads + bin.reads).toBe(0);
    expect(MAX_WEIGHT_BYTES).toBe(64 * 1024 * 1024);
  });

  it("refuses an input that is not the dataset's image shape", async () => {
    const e = await refusal([file('model.json', modelJson({ modelTopology: topology([null, 32, 32, 3]) })), file('weights.bin', weights())]);
    expect(e).toEqual({ code: 'input-shape', message: "The model's input shape is [null, 32, 32, 3]: expected the dataset's images, [null, 28, 28, 1] or [null, 784] (28×28 grey)." });
  });

  it('refuses a model with no usable embedding', async () => {
    const topo = {
      class_name: 'Sequential',
      config: { layers: [{ class_name: 'Flatten', config: { name: 'f', batch_input_shape: [null, 28, 28, 1] } }, { class_name: 'Softmax', config: { name: 's' } }] },
    };
    const e = await refusal([file('model.json', modelJson({ modelTopology: topo }, ['weights.bin'], [])), file('weights.bin', new Uint8Array(0))]);
    expect(e.code).toBe('no-embedding');
    expect(e.message).toBe('The model has no embedding: expected a layer named "embedding", or a last Dense layer (the classifier head) whose input is the features.');
    const logistic = {
      class_name: 'Sequential',
      config: { layers: [{ class_name: 'Dense', config: { name: 'only', units: 2, batch_input_shape: [null, 784] } }] },
    };
    const l = await refusal([file('model.json', modelJson({ modelTopology: logistic }, ['weights.bin'], [])), file('weights.bin', new Uint8Array(0))]);
    expect(l.message).toMatch(/only Dense layer reads the images themselves/);
  });

  it('refuses NaN and infinite weights, naming the weight', async () => {
    const e = await refusal([file('model.json', modelJson()), file('weights.bin', weights(PARAMS, (i) => (i === 784 * 3 + 1 ? NaN : 0.5)))]);
    expect(e).toEqual({ code: 'non-finite-weights', message: 'Weight "embedding/bias" holds NaN at element 1: a teacher\'s weights must all be finite numbers (the model diverged while it was trained, or the file is damaged).' });
    const inf = await refusal([file('model.json', modelJson()), file('weights.bin', weights(PARAMS, (i) => (i === PARAMS - 1 ? -Infinity : 0)))]);
    expect(inf.message).toMatch(/^Weight "head\/bias" holds -Infinity at element 1/);
  });

  it('refuses no files, no model.json and two model.json files', async () => {
    expect((await refusal([])).code).toBe('no-files');
    expect(await refusal([file('weights.bin', weights())])).toEqual({ code: 'no-model-json', message: 'No model.json among the picked files (weights.bin): select model.json together with its .bin weight files.' });
    expect((await refusal([file('a.json', '{}'), file('model.json', modelJson())])).code).toBe('several-model-json');
  });

  it('refuses an unknown dtype', async () => {
    const e = await refusal([file('model.json', modelJson({}, ['weights.bin'], [{ name: 'w', shape: [2], dtype: 'complex64' }])), file('weights.bin', weights())]);
    expect(e.code).toBe('bad-weight-spec');
    expect(e.message).toContain('expected one of float32');
  });
});
