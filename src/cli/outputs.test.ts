/**
 * The CLI's files, end to end in a child process (`tsx src/cli/refilled.ts`): `--json` prints
 * exactly a run file, `--out` writes a bundle the app's parser reads with its student, and
 * `--save-student` writes model.json + weights.bin that `tf.loadLayersModel` loads back into
 * a model with the run's test accuracy on the run's own test split.
 */
import * as tf from '@tensorflow/tfjs';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadDataset } from '../core/data/loader';
import { nodeFetchBytes } from '../core/data/node-fs';
import { sampleExperimentSplits } from '../core/data/splits';
import { parseRunFile, weightBytes } from '../protocol/runFileIo';
import { parseArgs } from './refilled';
import { nodeFileModel } from './outputs';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const TINY = ['--set', 'dataset=mnist', '--set', 'teacher=mnist-0-4', '--set', 'shotsPerClass=3', '--set', 'studentWidth=0.25', '--set', 'stage1.epochs=1', '--set', 'stage2.epochs=2', '--episodes', '0'];

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('CLI file flags', () => {
  it('parses --out and --save-student', async () => {
    const o = await parseArgs(['--out', 'b.refilled.json', '--save-student', 'student'], async () => '');
    expect(o.out).toBe('b.refilled.json');
    expect(o.saveStudent).toBe('student');
    await expect(parseArgs(['--out'], async () => '')).rejects.toThrow(/--out needs a value/);
  });

  it('--json prints a run file, --out writes the bundle, --save-student a loadable student', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'refilled-cli-'));
    const bundlePath = path.join(dir, 'run.refilled.json');
    const studentDir = path.join(dir, 'student');
    const { stdout } = await promisify(execFile)('node', ['node_modules/tsx/dist/cli.mjs', 'src/cli/refilled.ts', ...TINY, '--json', '--out', bundlePath, '--save-student', studentDir], { cwd: ROOT, maxBuffer: 64 * 1024 * 1024 });

    const printed = parseRunFile(stdout);
    if (!printed.ok) throw new Error(printed.error.message);
    expect(printed.student).toBeUndefined();
    const file = printed.file;
    expect(Object.keys(JSON.parse(stdout)).sort()).toEqual(['config', 'createdAt', 'finishedAt', 'health', 'name', 'origin', 'result', 'schema', 'series', 'status', 'version']);
    expect(file.origin.tool).toBe('cli');
    expect(file.origin.backend?.name).toBe('wasm');
    expect(file.config.dataset).toBe('mnist');
    expect(file.series).toEqual(file.result!.series);
    expect(Date.parse(file.finishedAt!)).toBeGreaterThanOrEqual(Date.parse(file.createdAt));

    const bundle = parseRunFile(await readFile(bundlePath, 'utf8'));
    if (!bundle.ok) throw new Error(bundle.error.message);
    expect(bundle.file.result!.final).toEqual(file.result!.final);
    expect(bundle.student!.weightData.byteLength).toBe(weightBytes(bundle.student!.weightSpecs));

    const modelJson = JSON.parse(await readFile(path.join(studentDir, 'model.json'), 'utf8'));
    expect(modelJson.weightsManifest[0].paths).toEqual(['weights.bin']);
    expect((await stat(path.join(studentDir, 'weights.bin'))).size).toBe(weightBytes(modelJson.weightsManifest[0].weights));

    const model = await tf.loadLayersModel(nodeFileModel(path.join(studentDir, 'model.json')));
    const dataset = await loadDataset('mnist', nodeFetchBytes(path.join(ROOT, 'public/data')));
    const c = file.config;
    const { test } = sampleExperimentSplits(dataset, { studentClasses: c.studentClasses, shotsPerClass: c.shotsPerClass, validationFraction: c.validationFraction, seed: c.seed });
    const predicted = tf.tidy(() => tf.argMax(model.predict(tf.tensor4d(test.images, [test.count, 28, 28, 1])) as tf.Tensor, 1));
    const pred = Array.from(await predicted.data());
    predicted.dispose();
    model.dispose();
    const accuracy = pred.filter((p, i) => p === test.labels[i]).length / test.count;
    // The run trained on wasm, this reload runs on cpu: allow one image of float disagreement.
    expect(Math.abs(accuracy - file.result!.final.testAccuracy)).toBeLessThanOrEqual(1 / test.count + 1e-9);
  }, 300_000);
});
