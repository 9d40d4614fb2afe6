import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from './config';
import type { RunFile } from './runFile';
import type { ExperimentResult } from './results';
import { checkRunFileSize, fromBase64, MAX_RUN_FILE_BYTES, parseRunFile, readRunFile, runFileOfResult, serialiseBundle, serialiseRunFile, studentModelJson, toBase64, weightBytes, type StudentModel } from './runFileIo';

/** A small finished run, written by hand. */
export function sampleResult(): ExperimentResult {
  const metrics = [
    { stage: 1 as const, step: 5, epoch: 1, learningRate: 0.1, loss: 0.7, stepMs: 12, triplets: { mined: 30, anchorsWithTriplet: 9, meanPT: 0.5, meanPS: 0.4, agreement: 0.8, meanAbsDiff: 0.1 } },
    { stage: 2 as const, step: 10, epoch: 1, learningRate: 0.05, loss: 1.2, ce: 1.1, kd: 0.1, lambda: 1, trainAccuracy: 0.6, stepMs: 11 },
  ];
  const evals = [
    { stage: 1 as const, step: 5, epoch: 1, ncmValAccuracy: 0.5 },
    { stage: 2 as const, step: 10, epoch: 1, ncmValAccuracy: 0.6, valAccuracy: 0.55 },
  ];
  return {
    config: DEFAULT_CONFIG,
    method: 'refilled',
    seed: 1,
    backend: 'wasm',
    classNames: ['a', 'b'],
    counts: { train: 20, val: 6, test: 1000 },
    teacherNcmValAccuracy: 0.7,
    stage1: { ncmAccuracy: 0.6, ncmValAccuracy: 0.5, bestStep: 5, steps: 5 },
    final: { valAccuracy: 0.55, testAccuracy: 0.8, ncmTestAccuracy: 0.7, perClassAccuracy: [0.8, 0.8], confusion: [[400, 100], [100, 400]], bestStep: 10, steps: 5, nmi: 0.3, episodic: [{ ways: 5, shots: 1, queries: 15, tasks: 200, mean: 0.6, halfWidth: 0.01 }] },
    series: { metrics, evals },
    timing: { totalMs: 1000, teacherCacheMs: 10, stage1Ms: 400, stage2Ms: 500, msPerStep: 90 },
    readbacks: 12,
  };
}

export function sampleFile(): RunFile {
  return runFileOfResult(sampleResult(), { tool: 'cli', appVersion: '0.1.0', platform: 'node v20' }, { createdAt: '2026-11-27T19:00:00.000Z', finishedAt: '2026-11-27T19:01:00.000Z' }, 'my run');
}

const student: StudentModel = {
  modelTopology: { class_name: 'Sequential', config: {} },
  weightSpecs: [
    { name: 'k', shape: [2, 3], dtype: 'float32' },
    { name: 'b', shape: [3], dtype: 'float32' },
  ],
  weightData: new Float32Array([1, 2, 3, 4, 5, 6, 7, 8, 9]).buffer,
};

const mutate = (change: (f: Record<string, any>) => void): string => { // eslint-disable-line @typescript-eslint/no-explicit-any -- tests poke at arbitrary JSON
  const f = JSON.parse(serialiseRunFile(sampleFile()));
  change(f);
  return JSON.stringify(f);
};

const errorOf = (text: string) => {
  const r = parseRunFile(text);
  if (r.ok) throw new Error('expected a refusal');
  return r.error;
};

describe('run file round trip', () => {
  it('reads back what it writes, health judged from the result', () => {
    const file = sampleFile();
    expect(file.status).toBe('done');
    expect(file.health).toEqual([]);
    const r = parseRunFile(serialiseRunFile(file));
    expect(r.ok).toBe(true);
    if (r.ok) {
      expect(r.file).toEqual(file);
      expect(r.student).toBeUndefined();
    }
  });

  it("keeps what the app records: the measured backend (threads, probe) and the explorer's target sharpness", () => {
    const file = sampleFile();
    file.origin = {
      ...file.origin,
      backend: { name: 'wasm', reason: 'measured', forced: false, threads: 2, probe: { cached: false, choice: 'wasm', measurements: [{ backend: 'wasm', stepMs: 12 }] } as never },
    };
    file.series.metrics[0] = { ...file.series.metrics[0], teacherTargets: { meanMaxProb: 0.31, meanEntropy: 1.4, classesInScope: 5 } };
    const r = parseRunFile(serialiseRunFile(file));
    expect(r.ok ? r.file : r.error.message).toEqual(file);
  });

  it('reads a NaN loss (written as null) back as NaN', () => {
    const file = sampleFile();
    file.series.metrics[0] = { ...file.series.metrics[0], loss: NaN };
    const r = parseRunFile(serialiseRunFile(file));
    expect(r.ok && Number.isNaN(r.file.series.metrics[0].loss)).toBe(true);
  });

  it('carries the student in a bundle, weights as base64', () => {
    const text = serialiseBundle(sampleFile(), student);
    expect(JSON.parse(text).student.weightData).toBe(toBase64(student.weightData));
    const r = parseRunFile(text);
    if (!r.ok) throw new Error(r.error.message);
    expect(r.file).toEqual(sampleFile());
    expect(Array.from(new Float32Array(r.student!.weightData))).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(r.student!.weightSpecs).toEqual(student.weightSpecs);
  });

  it('base64 and weight sizes by hand', () => {
    expect(toBase64(new Uint8Array([77, 97, 110]).buffer)).toBe('TWFu');
    expect(Array.from(new Uint8Array(fromBase64('TWE=')))).toEqual([77, 97]);
    expect(weightBytes(student.weightSpecs)).toBe(36);
    const modelJson = JSON.parse(studentModelJson(student));
    expect(modelJson.format).toBe('layers-model');
    expect(modelJson.weightsManifest).toEqual([{ paths: ['weights.bin'], weights: student.weightSpecs }]);
  });
});

describe('run file refusals', () => {
  it('not JSON, not an object, wrong schema', () => {
    expect(errorOf('a,b,c\n1,2,3').message).toMatch(/not a run file: it is not JSON/);
    expect(errorOf('\x89PNG\r\n').message).toMatch(/not JSON/);
    expect(errorOf('[1,2]').message).toMatch(/one JSON object with "schema": "refilled-playground\/run"/);
    expect(errorOf(mutate((f) => (f.schema = 'other/thing'))).message).toBe('This is not a run file: its "schema" is "other/thing", expected "refilled-playground/run".');
    expect(errorOf(mutate((f) => delete f.schema)).message).toMatch(/"schema" is missing/);
  });

  it('a newer version is named as such; a nonsense version is refused', () => {
    expect(errorOf(mutate((f) => (f.version = 2))).message).toBe('This run file was made by a newer playground (run file version 2; this one reads version 1 and older). Update the playground to open it.');
    expect(errorOf(mutate((f) => (f.version = 0))).message).toMatch(/"version" is 0; expected a whole number from 1 to 1/);
    expect(errorOf(mutate((f) => (f.version = '1'))).message).toMatch(/"version" is "1"/);
  });

  it('fields out of range name the field, the value and the range', () => {
    const e = errorOf(mutate((f) => (f.result.final.testAccuracy = 1.7)));
    expect(e.message).toBe('This run file is damaged: result.final.testAccuracy must be a number from 0 to 1 (it is 1.7).');
    expect(errorOf(mutate((f) => (f.series.metrics[1].step = -3))).problems).toContain('series.metrics[1].step must be an integer of at least 0 (it is -3)');
    expect(errorOf(mutate((f) => (f.series.evals[0].stage = 3))).problems).toContain('series.evals[0].stage must be one of 1, 2 (it is number 3)');
  });

  it('config problems come from the config validator', () => {
    expect(errorOf(mutate((f) => (f.config.stage1.tau1 = 0))).problems[0]).toMatch(/^config\.stage1\.tau1: τ₁ \(stage1\.tau1\) must be between 0\.05 and 100 \(it is 0\)/);
    expect(errorOf(mutate((f) => (f.config.frobnicate = 1))).problems[0]).toMatch(/config\.frobnicate: unknown key "frobnicate"/);
    expect(errorOf(mutate((f) => delete f.config.stage2.lambda)).problems).toContain('config.stage2.lambda is missing');
  });

  it('unknown keys and wrong types', () => {
    expect(errorOf(mutate((f) => (f.extra = true))).problems[0]).toMatch(/^the file has unknown key "extra" \(expected only schema, version, name/);
    expect(errorOf(mutate((f) => (f.origin.tool = 'browser'))).problems).toContain('origin.tool must be one of "app", "cli" (it is the text "browser")');
    expect(errorOf(mutate((f) => (f.series.metrics = {}))).problems).toContain('series.metrics must be a list (it is an object)');
    expect(errorOf(mutate((f) => (f.name = 42))).problems).toContain('name must be text (it is number 42)');
    expect(errorOf(mutate((f) => (f.createdAt = 'yesterday'))).problems[0]).toMatch(/createdAt must be an ISO 8601 time/);
    expect(errorOf(mutate((f) => delete f.status)).problems).toContain('status is missing');
    expect(errorOf(mutate((f) => (f.health = [{ kind: 'gremlins' }]))).problems[0]).toMatch(/health\[0\] must have a "kind" of loss-not-finite/);
    const many = errorOf(mutate((f) => { f.name = 1; f.status = 'x'; f.config.seed = -1; }));
    expect(many.message).toMatch(/\(and 2 more problems\)\.$/);
  });

  it('a bundle whose weights do not match its specs', () => {
    const bundle = JSON.parse(serialiseBundle(sampleFile(), student));
    bundle.student.weightData = toBase64(new Float32Array(2).buffer);
    expect(errorOf(JSON.stringify(bundle)).problems).toContain('student.weightData holds 8 bytes, but its weightSpecs need 36');
    bundle.student.weightData = 'not base64!';
    expect(errorOf(JSON.stringify(bundle)).problems[0]).toMatch(/student\.weightData must be base64 text/);
  });

  it('refuses by name and size before reading', async () => {
    let reads = 0;
    const huge = { name: 'big.json', size: 1024 ** 3, text: async () => { reads++; return ''; } };
    const r = await readRunFile(huge);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.message).toBe('big.json is too large to be a run file (1.0 GB; at most 50.0 MB). It was not read.');
    expect(reads).toBe(0);
    expect(checkRunFileSize('chart.png', 100)).toMatch(/chart\.png is not a run file: choose a \.json file/);
    expect(checkRunFileSize('run.json', MAX_RUN_FILE_BYTES)).toBeNull();
    const ok = await readRunFile({ name: 'run.json', size: 10, text: async () => serialiseRunFile(sampleFile()) });
    expect(ok.ok).toBe(true);
    const bad = await readRunFile({ name: 'metrics.json', size: 10, text: async () => 'run,stage\n' });
    expect(!bad.ok && bad.error.message).toMatch(/^metrics\.json: This is not a run file/);
  });
});
