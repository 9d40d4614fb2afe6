/**
 * Reading and writing run files (protocol/runFile.ts) and run bundles.
 *
 * A bundle is a run file with one more key, `student`: the trained student in the TensorFlow.js
 * layers format (model.json's `modelTopology` and `weightSpecs`, the weights as base64). One
 * schema, one parser: a plain run file is a bundle without a student.
 *
 * The parser is strict: anything it cannot vouch for is refused with a message naming the
 * field, what it holds and what was expected; a newer file version is refused as such.
 */
import { ConfigError, DEFAULT_CONFIG, flatten, resolveConfig, type ExperimentConfig } from './config';
import { judgeResult, verdictOf, type HealthIssue } from './health';
import { RUN_FILE_SCHEMA, RUN_FILE_VERSION, type RunFile } from './runFile';
import type { EvalPoint, ExperimentResult, MetricsPoint } from './results';
import { anyObject, bool, list, num, obj, oneOf, str, union, type Shape, type ShapeProblem } from './shape';

/** Files larger than this are refused from their size alone, before any byte is read. */
export const MAX_RUN_FILE_BYTES = 50 * 1024 * 1024;
/** The file name ending the app gives bundles. */
export const BUNDLE_SUFFIX = '.refilled.json';

/** A weight tensor's entry in model.json (`weightsManifest[].weights[]`). */
export interface WeightSpec {
  name: string;
  shape: number[];
  dtype: 'float32' | 'int32' | 'bool';
}

/** A trained student in the TensorFlow.js layers format: model.json's parts and weights.bin's bytes. */
export interface StudentModel {
  /** The Keras-style model topology (what model.json's `modelTopology` holds). */
  modelTopology: Record<string, unknown>;
  weightSpecs: WeightSpec[];
  /** weights.bin: the tensors of `weightSpecs`, in order, little-endian. */
  weightData: ArrayBuffer;
}

/** A run file with its student, as written to a `.refilled.json` bundle. */
export type RunBundleJson = RunFile & { student?: { format: 'layers-model'; modelTopology: Record<string, unknown>; weightSpecs: WeightSpec[]; weightData: string } };

export interface RunFileProblem {
  /** One sentence for the user: what is wrong and what would be right. */
  message: string;
  /** Every problem found, each naming its field (at most 20). */
  problems: string[];
}

export type ParsedRunFile = { ok: true; file: RunFile; student?: StudentModel } | { ok: false; error: RunFileProblem };

const fail = (message: string, problems: string[] = []): ParsedRunFile => ({ ok: false, error: { message, problems } });

// ---------------------------------------------------------------------------------------------
// Writing

/** A run file as JSON text (NaN and ∞ losses become null, read back as NaN). */
export function serialiseRunFile(file: RunFile): string {
  return JSON.stringify(file);
}

/** The bytes of every weight, in `weightSpecs` order. */
export function weightBytes(specs: readonly WeightSpec[]): number {
  return specs.reduce((n, s) => n + s.shape.reduce((a, b) => a * b, 1) * 4, 0);
}

/** A bundle (run file + student) as JSON text. */
export function serialiseBundle(file: RunFile, student: StudentModel): string {
  const bundle: RunBundleJson = {
    ...file,
    student: { format: 'layers-model', modelTopology: student.modelTopology, weightSpecs: student.weightSpecs, weightData: toBase64(student.weightData) },
  };
  return JSON.stringify(bundle);
}

/** model.json for the student, pointing at `weights.bin` beside it (what `tf.loadLayersModel` reads). */
export function studentModelJson(student: StudentModel, generatedBy = 'REFILLED Playground'): string {
  return JSON.stringify({
    format: 'layers-model',
    generatedBy,
    convertedBy: null,
    modelTopology: student.modelTopology,
    weightsManifest: [{ paths: ['weights.bin'], weights: student.weightSpecs }],
  });
}

export function toBase64(data: ArrayBuffer): string {
  const bytes = new Uint8Array(data);
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

export function fromBase64(text: string): ArrayBuffer {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes.buffer;
}

// ---------------------------------------------------------------------------------------------
// Reading

const unit = () => num({ min: 0, max: 1 });
const count = () => num({ min: 0, integer: true });
const finite = () => num();
const stage = () => oneOf([1, 2] as const);
const isoTime = () => str({ maxLength: 40, what: 'an ISO 8601 time such as "2026-11-27T19:00:00.000Z"', pattern: /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/ });

/** The config part: the config validator's own messages, and every field present (files are written whole). */
const configShape: Shape<ExperimentConfig> = (v, path, problems) => {
  try {
    const config = resolveConfig(v);
    const given = flatten(v as Record<string, unknown>);
    const missing = Object.keys(flatten(DEFAULT_CONFIG as unknown as Record<string, unknown>)).filter((k) => !(k in given));
    for (const k of missing) problems.push({ path: `${path}.${k}`, message: `${path}.${k} is missing` });
    return config;
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    for (const err of e.errors) problems.push({ path: err.key ? `${path}.${err.key}` : path, message: `${path}${err.key ? `.${err.key}` : ''}: ${err.message}` });
    return DEFAULT_CONFIG;
  }
};

const metricsPoint: Shape<MetricsPoint> = obj(
  { stage: stage(), step: count(), epoch: num({ min: 0 }), learningRate: num({ min: 0 }), loss: num({ nullAsNaN: true }), stepMs: num({ min: 0 }) },
  {
    triplets: obj({ mined: num({ min: 0 }), anchorsWithTriplet: num({ min: 0 }), meanPT: unit(), meanPS: unit(), agreement: unit(), meanAbsDiff: unit() }),
    rkd: obj({ distance: num({ nullAsNaN: true }), angle: num({ nullAsNaN: true }) }),
    ce: num({ nullAsNaN: true }),
    kd: num({ nullAsNaN: true }),
    lambda: num({ min: 0 }),
    trainAccuracy: unit(),
    teacherTargets: obj({ meanMaxProb: unit(), meanEntropy: num({ min: 0 }), classesInScope: count() }),
  },
);

const evalPoint: Shape<EvalPoint> = obj({ stage: stage(), step: count(), epoch: num({ min: 0 }), ncmValAccuracy: unit() }, { valAccuracy: unit() });

const series = obj({ metrics: list(metricsPoint), evals: list(evalPoint) });

const backendInfo = obj(
  { name: oneOf(['webgpu', 'webgl', 'wasm', 'cpu'] as const), reason: str({ allowEmpty: true, maxLength: 2000 }), forced: bool() },
  { adapter: str({ allowEmpty: true, maxLength: 500 }), software: bool(), threads: num({ min: 1, max: 64, integer: true }), probe: anyObject() },
);

const healthIssue: Shape<HealthIssue> = union<unknown>((v): Shape<unknown> | string => {
  const kind = (v as { kind?: unknown } | null)?.kind;
  switch (kind) {
    case 'loss-not-finite':
      return obj({ kind: oneOf([kind] as const), stage: stage(), step: count(), loss: num({ nullAsNaN: true }) });
    case 'loss-exploded':
      return obj({ kind: oneOf([kind] as const), stage: stage(), step: count(), loss: num({ nullAsNaN: true }), firstLoss: finite(), ratio: num({ nullAsNaN: true }), term: oneOf(['loss', 'cross-entropy'] as const) });
    case 'chance-accuracy':
      return obj({ kind: oneOf([kind] as const), on: oneOf(['test', 'validation'] as const), accuracy: unit(), chance: unit(), tolerance: unit(), images: count(), live: bool() });
    case 'collapsed-prediction':
      return obj({ kind: oneOf([kind] as const), classIndex: count(), className: str({ maxLength: 200 }), share: unit(), threshold: unit() });
    case 'ncm-collapse':
      return obj({ kind: oneOf([kind] as const), stage1Ncm: unit(), stage2Ncm: unit(), allowedDrop: unit() });
    default:
      return `must have a "kind" of loss-not-finite, loss-exploded, chance-accuracy, collapsed-prediction or ncm-collapse (it is ${JSON.stringify(kind) ?? 'missing'})`;
  }
}) as Shape<HealthIssue>;

const episodic = obj({ ways: num({ min: 2, integer: true }), shots: num({ min: 1, integer: true }), queries: num({ min: 1, integer: true }), tasks: num({ min: 1, integer: true }), mean: unit(), halfWidth: unit() });

const result: Shape<ExperimentResult> = obj(
  {
    config: configShape,
    method: oneOf(['refilled', 'vanilla', 'stage1-only', 'kd', 'rkd'] as const),
    seed: num({ min: 0, integer: true }),
    backend: str({ maxLength: 100 }),
    classNames: list(str({ maxLength: 200 }), { maxItems: 1000 }),
    counts: obj({ train: count(), val: count(), test: count() }),
    teacherNcmValAccuracy: unit(),
    final: obj(
      {
        valAccuracy: unit(),
        testAccuracy: unit(),
        ncmTestAccuracy: unit(),
        perClassAccuracy: list(unit(), { maxItems: 1000 }),
        confusion: list(list(count(), { maxItems: 1000 }), { maxItems: 1000 }),
        bestStep: count(),
        steps: count(),
      },
      { nmi: unit(), episodic: list(episodic, { maxItems: 10 }) },
    ),
    series,
    timing: obj({ totalMs: num({ min: 0 }), teacherCacheMs: num({ min: 0 }), stage1Ms: num({ min: 0 }), stage2Ms: num({ min: 0 }), msPerStep: num({ min: 0 }) }),
    readbacks: count(),
  },
  {
    teacherBaselines: obj({ ncmTestAccuracy: unit(), oneNnTestAccuracy: unit(), logisticRegressionTestAccuracy: unit() }),
    teacherLocal: obj({
      calibratedTau: num({ min: 0 }),
      teacherTau: num({ min: 0 }),
      studentTau: num({ min: 0 }),
      meanMaxProb: unit(),
      meanEntropy: num({ min: 0 }),
      calibratedMeanMaxProb: unit(),
      calibratedMeanEntropy: num({ min: 0 }),
      argmaxAccuracy: unit(),
      meanEmbeddingNorm: num({ min: 0 }),
    }),
    stage1: obj({ ncmAccuracy: unit(), ncmValAccuracy: unit(), bestStep: count(), steps: count() }, { nmi: unit() }),
  },
) as Shape<ExperimentResult>;

const runFileFields = {
  schema: oneOf([RUN_FILE_SCHEMA] as const),
  version: oneOf([RUN_FILE_VERSION] as const),
  name: str({ maxLength: 500 }),
  createdAt: isoTime(),
  origin: obj(
    { tool: oneOf(['app', 'cli'] as const), appVersion: str({ maxLength: 100 }) },
    { commit: str({ maxLength: 100 }), backend: backendInfo, platform: str({ allowEmpty: true, maxLength: 1000 }) },
  ),
  config: configShape,
  status: oneOf(['idle', 'loading', 'ready', 'running', 'paused', 'stopped', 'done', 'failed', 'error'] as const),
  health: list(healthIssue, { maxItems: 1000 }),
  series,
};

const weightSpec: Shape<WeightSpec> = obj({ name: str({ maxLength: 500 }), shape: list(num({ min: 0, integer: true }), { maxItems: 8 }), dtype: oneOf(['float32'] as const) }) as Shape<WeightSpec>;
const studentJson = obj({
  format: oneOf(['layers-model'] as const),
  modelTopology: anyObject(),
  weightSpecs: list(weightSpec, { maxItems: 10_000 }),
  weightData: str({ maxLength: MAX_RUN_FILE_BYTES, what: 'base64 text', pattern: /^[A-Za-z0-9+/]*={0,2}$/ }),
});

const bundleShape = obj(runFileFields, {
  finishedAt: isoTime(),
  result,
  student: studentJson,
});

/**
 * Checks a file's size before reading it: a run file over MAX_RUN_FILE_BYTES (or not named
 * `.json`) is refused with a sentence; null when it may be read.
 */
export function checkRunFileSize(name: string, bytes: number): string | null {
  if (!/\.json$/i.test(name)) {
    return `${name} is not a run file: choose a .json file saved by the playground or the CLI (a run, or a ${BUNDLE_SUFFIX} bundle).`;
  }
  if (bytes > MAX_RUN_FILE_BYTES) {
    return `${name} is too large to be a run file (${formatBytes(bytes)}; at most ${formatBytes(MAX_RUN_FILE_BYTES)}). It was not read.`;
  }
  return null;
}

function formatBytes(n: number): string {
  if (n >= 1024 ** 3) return `${(n / 1024 ** 3).toFixed(1)} GB`;
  if (n >= 1024 ** 2) return `${(n / 1024 ** 2).toFixed(1)} MB`;
  if (n >= 1024) return `${(n / 1024).toFixed(1)} kB`;
  return `${n} bytes`;
}

/** Parses the text of a run file or bundle; never throws. */
export function parseRunFile(text: string): ParsedRunFile {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    return fail(`This is not a run file: it is not JSON (${(e as Error).message}).`);
  }
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) return fail('This is not a run file: it should be one JSON object with "schema": "refilled-playground/run".');
  const head = raw as Record<string, unknown>;
  if (head.schema !== RUN_FILE_SCHEMA) {
    return fail(`This is not a run file: its "schema" is ${JSON.stringify(head.schema) ?? 'missing'}, expected "${RUN_FILE_SCHEMA}".`);
  }
  if (typeof head.version !== 'number' || !Number.isInteger(head.version) || head.version < 1) {
    return fail(`This run file's "version" is ${JSON.stringify(head.version) ?? 'missing'}; expected a whole number from 1 to ${RUN_FILE_VERSION}.`);
  }
  if (head.version > RUN_FILE_VERSION) {
    return fail(`This run file was made by a newer playground (run file version ${head.version}; this one reads version ${RUN_FILE_VERSION} and older). Update the playground to open it.`);
  }
  const problems: ShapeProblem[] = [];
  const checked = bundleShape(raw, '', problems);
  let student: StudentModel | undefined;
  if (checked.student && problems.length === 0) {
    const weightData = fromBase64(checked.student.weightData);
    const expected = weightBytes(checked.student.weightSpecs);
    if (weightData.byteLength !== expected) {
      problems.push({ path: 'student.weightData', message: `student.weightData holds ${weightData.byteLength} bytes, but its weightSpecs need ${expected}` });
    }
    student = { modelTopology: checked.student.modelTopology, weightSpecs: checked.student.weightSpecs, weightData };
  }
  if (problems.length > 0) {
    const shown = problems.slice(0, 20).map((p) => p.message);
    return fail(`This run file is damaged: ${shown[0]}${problems.length > 1 ? ` (and ${problems.length - 1} more problem${problems.length > 2 ? 's' : ''})` : ''}.`, shown);
  }
  const { student: _student, ...file } = checked;
  return student ? { ok: true, file: file as RunFile, student } : { ok: true, file: file as RunFile };
}

/** What `readRunFile` needs of a File (a Blob with a name). */
export interface NamedBlob {
  name: string;
  size: number;
  text(): Promise<string>;
}

/** Checks the size, then reads and parses a picked or dropped file; never throws. */
export async function readRunFile(file: NamedBlob): Promise<ParsedRunFile> {
  const refused = checkRunFileSize(file.name, file.size);
  if (refused) return fail(refused);
  let text: string;
  try {
    text = await file.text();
  } catch (e) {
    return fail(`${file.name} could not be read: ${(e as Error).message}`);
  }
  const parsed = parseRunFile(text);
  if (!parsed.ok) return { ok: false, error: { ...parsed.error, message: `${file.name}: ${parsed.error.message}` } };
  return parsed;
}

/** The run file of a finished run (what the CLI writes): its series are the result's. */
export function runFileOfResult(result: ExperimentResult, origin: RunFile['origin'], times: { createdAt: string; finishedAt: string }, name?: string): RunFile {
  const c = result.config;
  const health = judgeResult(result);
  return {
    schema: RUN_FILE_SCHEMA,
    version: RUN_FILE_VERSION,
    name: name ?? `${c.method} · ${c.teacher} → ${c.studentClasses.join(',')} · seed ${c.seed}`,
    createdAt: times.createdAt,
    finishedAt: times.finishedAt,
    origin,
    config: c,
    status: verdictOf(health).severity === 'failed' ? 'failed' : 'done',
    health,
    series: result.series,
    result,
  };
}
