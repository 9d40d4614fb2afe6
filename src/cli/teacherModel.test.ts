import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConvNet } from '../core/model/convnet';
import { layersModelFiles } from '../core/model/teacher';
import { ConfigError } from '../protocol/config';
import { parseArgs, runCli } from './refilled';
import { loadTeacherModel, teacherModelId } from './teacherModel';

let dir: string;

/** Writes a model's model.json + weights.bin into `<dir>/<name>/`, as --save-student does; returns model.json's path. */
async function save(model: tf.LayersModel, name: string, edit: (files: { modelJson: string; weights: Uint8Array }) => void = () => undefined): Promise<string> {
  const files = await layersModelFiles(model);
  edit(files);
  const folder = path.join(dir, name);
  await import('node:fs/promises').then((fs) => fs.mkdir(folder));
  await writeFile(path.join(folder, 'model.json'), files.modelJson);
  await writeFile(path.join(folder, 'weights.bin'), files.weights);
  return path.join(folder, 'model.json');
}

beforeAll(async () => {
  await tf.setBackend('cpu');
  dir = await mkdtemp(path.join(tmpdir(), 'teacher-model-'));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const noFiles = async (f: string) => {
  throw new Error(`no such file ${f}`);
};

describe('--teacher-model', () => {
  it('names the teacher after its folder, its classes from teacherClasses or unknown', async () => {
    const file = path.join(dir, 'my student', 'model.json');
    expect(teacherModelId(file)).toBe('user:my-student');
    const unknown = await parseArgs(['--teacher-model', file, '--set', 'dataset=mnist'], noFiles);
    expect(unknown.config.teacher).toBe('user:my-student');
    expect(unknown.config.teacherClasses).toEqual([]);
    expect(unknown.teacherModel).toBe(file);
    const known = await parseArgs(['--teacher-model', file, '--set', 'dataset=mnist', '--set', 'teacherClasses=0-4', '--set', 'studentClasses=0-4', '--set', 'method=kd'], noFiles);
    expect(known.config.teacherClasses).toEqual([0, 1, 2, 3, 4]);
    // Hinton KD needs the teacher's classes: refused when they are unknown.
    await expect(parseArgs(['--teacher-model', file, '--set', 'method=kd'], noFiles)).rejects.toThrow(ConfigError);
  });

  it('refuses a bad model with the upload check message, naming the file', async () => {
    const model = tf.sequential({ layers: [tf.layers.flatten({ inputShape: [28, 28, 1] }), tf.layers.dense({ units: 4, name: 'embedding' }), tf.layers.dense({ units: 2 })] });
    const file = await save(model, 'short', (files) => (files.weights = files.weights.slice(0, 100)));
    model.dispose();
    await expect(loadTeacherModel(file)).rejects.toThrow(`${file}: weights.bin holds 100 bytes, ${(784 * 4 + 4 + 4 * 2 + 2) * 4 - 100} short of the`);
  });

  it('trains a student with a saved student (a ConvNet, embedding = input of its last Dense) as teacher, end to end', async () => {
    const net = new ConvNet({ widthMultiplier: 0.25, numClasses: 5, seed: 3 });
    const model = net.toLayersModel();
    const file = await save(model, 'saved-student');
    const o = await parseArgs(['--teacher-model', file, '--set', 'dataset=mnist', '--set', 'shotsPerClass=3', '--set', 'studentWidth=0.25', '--set', 'stage1.epochs=1', '--set', 'stage2.epochs=1', '--episodes', '0', '--backend', 'wasm'], noFiles);
    const lines: string[] = [];
    const result = await runCli(o, (l) => lines.push(l));
    expect(result.config.teacher).toBe('user:saved-student');
    expect(result.stage1?.ncmAccuracy).toBeGreaterThan(0);
    expect(result.final.perClassAccuracy).toHaveLength(5);
    expect(lines[0]).toContain('user:saved-student → classes 5,6,7,8,9');
    // The teacher the CLI built is the saved model: same embedding of the same images.
    const loaded = await loadTeacherModel(file);
    const x = tf.randomUniform([2, 28, 28, 1], 0, 1, 'float32', 1) as tf.Tensor4D;
    const fromFile = loaded.teacher.embed(x);
    const direct = tf.model({ inputs: model.inputs, outputs: model.layers.find((l) => l.name === 'embedding')?.output as tf.SymbolicTensor }).predict(x) as tf.Tensor;
    expect(Array.from(await fromFile.data())).toEqual(Array.from(await direct.data()));
    loaded.teacher.dispose();
    model.dispose();
  });

  it('takes a flat-input MLP ([null, 784]) as teacher', async () => {
    const model = tf.sequential({ layers: [tf.layers.dense({ inputShape: [784], units: 8, activation: 'relu', name: 'hidden' }), tf.layers.dense({ units: 3, name: 'head' })] });
    const file = await save(model, 'mlp');
    model.dispose();
    const loaded = await loadTeacherModel(file);
    expect(loaded.teacher.embeddingLayer).toBe('head (input)');
    const before = tf.memory().numTensors;
    const e = tf.tidy(() => loaded.teacher.embed(tf.ones([4, 28, 28, 1]) as tf.Tensor4D));
    expect(e.shape).toEqual([4, 8]);
    e.dispose();
    expect(tf.memory().numTensors).toBe(before);
    loaded.teacher.dispose();
  });
});
