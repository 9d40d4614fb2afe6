/**
 * Checks of a teacher the user uploads: the files picked or dropped together (model.json and
 * its .bin weight shards), read as plain bytes, with no TensorFlow.js. Every refusal names
 * the problem and what was expected, and the costly steps come last: sizes are judged from
 * `file.size` and the declared shapes before a single weight byte is read.
 *
 * What passes is a tfjs layers model taking 28×28×1 images ([null,28,28,1] or [null,784]),
 * with an embedding (a layer named "embedding", or the input of its last Dense layer), whose
 * weights are all present, of the declared length, and finite.
 */
import type { DatasetId } from './catalog';
import type { BackendName } from './messages';

/** What the checks need of a picked file (a DOM `File` is one; Node tests build their own). */
export interface PickedFile {
  name: string;
  size: number;
  arrayBuffer(): Promise<ArrayBuffer>;
}

export type UploadErrorCode =
  | 'no-files'
  | 'file-too-large'
  | 'no-model-json'
  | 'several-model-json'
  | 'not-json'
  | 'not-layers-model'
  | 'bad-weight-spec'
  | 'weights-too-large'
  | 'missing-weight-file'
  | 'weight-file-size'
  | 'input-shape'
  | 'no-embedding'
  | 'non-finite-weights';

export interface UploadError {
  code: UploadErrorCode;
  message: string;
}

/** One weight as model.json declares it (tfjs `WeightsManifestEntry`, the parts used here). */
export interface WeightSpec {
  name: string;
  shape: number[];
  dtype: string;
  quantization?: { dtype: string; [k: string]: unknown };
}

/** A model that passed every check, in the shape a StoredTeacher keeps. */
export interface CheckedTeacherModel {
  /** `format`, `generatedBy`, `convertedBy`, `modelTopology` and `weightSpecs` (all shards' specs in order). */
  modelJson: { format: string; generatedBy: string | null; convertedBy: string | null; modelTopology: Record<string, unknown>; weightSpecs: WeightSpec[] };
  /** Every shard, concatenated in manifest order. */
  weightData: ArrayBuffer;
  /** The layer whose output is the embedding: "embedding", or "<dense> (input)". */
  embeddingLayer: string;
  /** [null,28,28,1] or [null,784]. */
  inputShape: (number | null)[];
  /** Weights in all (sum of the specs' element counts). */
  parameters: number;
  /** Outputs of its last Dense layer (the head: one per class it was trained on), when stated. */
  headUnits: number | null;
}

export type UploadCheck = { ok: true; model: CheckedTeacherModel } | { ok: false; error: UploadError };

/** Refuse weights whose declared shapes total more than this (a browser tab must hold them twice). */
export const MAX_WEIGHT_BYTES = 64 * 1024 * 1024;
/** model.json is topology and a manifest: anything this large is not one. */
export const MAX_MODEL_JSON_BYTES = 8 * 1024 * 1024;

/** Bytes per element of the dtypes tfjs writes in weight files. */
const DTYPE_BYTES: Record<string, number> = { float32: 4, int32: 4, uint16: 2, float16: 2, uint8: 1, bool: 1 };

const mb = (bytes: number) => `${(bytes / (1024 * 1024)).toFixed(bytes < 1024 * 1024 ? 2 : 1)} MB`;
const shapeText = (shape: readonly (number | null)[]) => `[${shape.map((d) => (d === null ? 'null' : String(d))).join(', ')}]`;
const fail = (code: UploadErrorCode, message: string): UploadCheck => ({ ok: false, error: { code, message } });
const baseName = (path: string) => path.split(/[\\/]/).pop() ?? path;

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Bytes a weight occupies in the weight file (its quantized dtype when quantized). */
export function weightBytes(spec: WeightSpec): number {
  const dtype = spec.quantization?.dtype ?? spec.dtype;
  return spec.shape.reduce((n, d) => n * d, 1) * (DTYPE_BYTES[dtype] ?? NaN);
}

interface LayerEntry {
  className: string;
  name: string;
  config: Record<string, unknown>;
}

/** The layers of a Sequential or functional (Model) topology, in order. */
function topologyLayers(topology: Record<string, unknown>): { kind: 'sequential' | 'functional'; layers: LayerEntry[]; config: Record<string, unknown> } | null {
  // model.json written by tf.keras wraps the model in { keras_version, backend, model_config }.
  const model = isRecord(topology.model_config) ? topology.model_config : topology;
  const className = model.class_name;
  const config = model.config;
  const rawLayers = Array.isArray(config) ? config : isRecord(config) && Array.isArray(config.layers) ? config.layers : null;
  if ((className !== 'Sequential' && className !== 'Model' && className !== 'Functional') || !rawLayers) return null;
  const layers: LayerEntry[] = [];
  for (const raw of rawLayers as unknown[]) {
    if (!isRecord(raw) || typeof raw.class_name !== 'string' || !isRecord(raw.config)) return null;
    const name = typeof raw.name === 'string' ? raw.name : typeof raw.config.name === 'string' ? raw.config.name : '';
    layers.push({ className: raw.class_name, name, config: raw.config });
  }
  return { kind: className === 'Sequential' ? 'sequential' : 'functional', layers, config: isRecord(config) ? config : {} };
}

/** The model's input shape, batch dimension first (null), or null when the topology does not say. */
function inputShapeOf(layers: LayerEntry[]): (number | null)[] | null {
  const first = layers.find((l) => l.className === 'InputLayer') ?? layers[0];
  const shape = first?.config.batch_input_shape ?? first?.config.batch_shape;
  if (Array.isArray(shape)) return shape as (number | null)[];
  const input = first?.config.input_shape;
  return Array.isArray(input) ? [null, ...(input as number[])] : null;
}

const IMAGE_INPUTS = ['[null, 28, 28, 1]', '[null, 784]'];

/**
 * Checks model.json alone (no weight bytes read): a layers model, sane weight specs under the
 * memory budget, shards among `fileNames`, a 28×28×1 input and an embedding.
 */
export function checkModelJson(text: string, fileNames: readonly string[], jsonName = 'model.json'): { ok: true; json: Record<string, unknown>; specs: WeightSpec[]; groups: { paths: string[]; bytes: number }[]; embeddingLayer: string; inputShape: (number | null)[]; parameters: number; headUnits: number | null } | { ok: false; error: UploadError } {
  const err = (code: UploadErrorCode, message: string) => ({ ok: false as const, error: { code, message } });
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    return err('not-json', `${jsonName} is not JSON (${(e as Error).message}): pick the model.json that TensorFlow.js wrote (model.save or tensorflowjs_converter).`);
  }
  if (!isRecord(json)) return err('not-json', `${jsonName} holds JSON but not an object: expected a TensorFlow.js model.json with "modelTopology" and "weightsManifest".`);
  if (json.format === 'graph-model' || isRecord(json.modelTopology) && Array.isArray(json.modelTopology.node)) {
    return err('not-layers-model', `${jsonName} is a TensorFlow.js graph model (converted from a SavedModel): it cannot expose an embedding layer. Expected a layers model (format "layers-model"): convert a Keras model with tensorflowjs_converter --input_format keras, or save one with tfjs model.save.`);
  }
  if (!isRecord(json.modelTopology) || !Array.isArray(json.weightsManifest)) {
    return err('not-layers-model', `${jsonName} is not a TensorFlow.js layers model: expected "modelTopology" (an object) and "weightsManifest" (a list), found ${Object.keys(json).slice(0, 6).map((k) => `"${k}"`).join(', ') || 'no keys'}.`);
  }
  const topo = topologyLayers(json.modelTopology);
  if (!topo || topo.layers.length === 0) {
    return err('not-layers-model', `${jsonName}'s modelTopology is not a Sequential or functional Keras model with layers (class_name "Sequential" or "Model" and a list of layers).`);
  }

  const specs: WeightSpec[] = [];
  const groups: { paths: string[]; bytes: number }[] = [];
  for (const [g, group] of (json.weightsManifest as unknown[]).entries()) {
    if (!isRecord(group) || !Array.isArray(group.paths) || !Array.isArray(group.weights) || group.paths.some((p) => typeof p !== 'string')) {
      return err('bad-weight-spec', `weightsManifest entry ${g + 1} of ${jsonName} needs "paths" (weight file names) and "weights" (name, shape, dtype of each).`);
    }
    let bytes = 0;
    for (const w of group.weights as unknown[]) {
      const spec = w as WeightSpec;
      if (!isRecord(w) || typeof spec.name !== 'string' || !Array.isArray(spec.shape) || spec.shape.some((d) => !Number.isInteger(d) || d < 0) || typeof spec.dtype !== 'string') {
        return err('bad-weight-spec', `A weight of ${jsonName} (entry ${g + 1}) lacks a name, a shape of whole numbers or a dtype: expected {"name", "shape": [...], "dtype"}.`);
      }
      const size = weightBytes(spec);
      if (!Number.isFinite(size)) {
        return err('bad-weight-spec', `Weight "${spec.name}" has dtype "${spec.quantization?.dtype ?? spec.dtype}": expected one of ${Object.keys(DTYPE_BYTES).join(', ')}.`);
      }
      bytes += size;
      specs.push(spec);
    }
    groups.push({ paths: group.paths as string[], bytes });
  }
  const total = groups.reduce((n, g) => n + g.bytes, 0);
  if (total > MAX_WEIGHT_BYTES) {
    return err('weights-too-large', `${jsonName} declares ${mb(total)} of weights: the playground takes teachers up to ${mb(MAX_WEIGHT_BYTES)} (a small convnet is well under 5 MB). Nothing was read.`);
  }
  const have = new Set(fileNames.map(baseName));
  const missing = groups.flatMap((g) => g.paths).filter((p) => !have.has(baseName(p)));
  if (missing.length > 0) {
    return err('missing-weight-file', `${jsonName} names weight file${missing.length > 1 ? 's' : ''} ${missing.map((p) => `"${p}"`).join(', ')}, which is missing: give model.json together with all its .bin weight files (given: ${fileNames.join(', ')}).`);
  }

  const inputShape = inputShapeOf(topo.layers);
  const shown = inputShape ? shapeText(inputShape) : 'not stated';
  if (!inputShape || !IMAGE_INPUTS.includes(shapeText(inputShape))) {
    return err('input-shape', `The model's input shape is ${shown}: expected the dataset's images, ${IMAGE_INPUTS.join(' or ')} (28×28 grey).`);
  }

  const named = topo.layers.find((l) => l.name === 'embedding');
  const denseIndex = topo.layers.map((l) => l.className).lastIndexOf('Dense');
  const firstComputing = topo.layers.findIndex((l) => l.className !== 'InputLayer');
  let embeddingLayer: string;
  if (named) embeddingLayer = named.name;
  else if (denseIndex >= 0 && denseIndex !== firstComputing) embeddingLayer = `${topo.layers[denseIndex].name} (input)`;
  else {
    return err('no-embedding', denseIndex === firstComputing
      ? "The model's only Dense layer reads the images themselves, so there is no learned embedding: expected a layer named \"embedding\", or a last Dense layer (the classifier head) whose input is the features."
      : 'The model has no embedding: expected a layer named "embedding", or a last Dense layer (the classifier head) whose input is the features.');
  }

  const parameters = specs.reduce((n, s) => n + s.shape.reduce((a, d) => a * d, 1), 0);
  const units = denseIndex >= 0 ? topo.layers[denseIndex].config.units : undefined;
  const headUnits = typeof units === 'number' && Number.isInteger(units) ? units : null;
  return { ok: true, json, specs, groups, embeddingLayer, inputShape, parameters, headUnits };
}

/** Returns the name of the first weight holding NaN or ±Infinity, or null (float32 weights; others cannot). */
export function firstNonFiniteWeight(specs: readonly WeightSpec[], data: ArrayBuffer): { name: string; index: number; value: number } | null {
  let offset = 0;
  for (const spec of specs) {
    const bytes = weightBytes(spec);
    if (spec.dtype === 'float32' && !spec.quantization) {
      const values = new Float32Array(data.slice(offset, offset + bytes));
      for (let i = 0; i < values.length; i++) if (!Number.isFinite(values[i])) return { name: spec.name, index: i, value: values[i] };
    }
    offset += bytes;
  }
  return null;
}

/**
 * Checks the picked files in order of cost: sizes from `file.size`, model.json, the declared
 * weights against the budget and the picked names, then the shards' lengths and values.
 */
export async function checkTeacherFiles(files: readonly PickedFile[]): Promise<UploadCheck> {
  if (files.length === 0) return fail('no-files', 'No files were picked: select model.json together with its .bin weight files.');
  const jsons = files.filter((f) => f.name.toLowerCase().endsWith('.json'));
  const bins = files.filter((f) => !f.name.toLowerCase().endsWith('.json'));
  const limit = (f: PickedFile) => (f.name.toLowerCase().endsWith('.json') ? MAX_MODEL_JSON_BYTES : MAX_WEIGHT_BYTES);
  const huge = files.find((f) => f.size > limit(f));
  if (huge) {
    return fail('file-too-large', `${huge.name} is ${mb(huge.size)}: the playground takes ${huge.name.toLowerCase().endsWith('.json') ? `a model.json up to ${mb(MAX_MODEL_JSON_BYTES)}` : `weights up to ${mb(MAX_WEIGHT_BYTES)} in all`} (a small convnet is well under 5 MB). Nothing was read.`);
  }
  const totalBins = bins.reduce((n, f) => n + f.size, 0);
  if (totalBins > MAX_WEIGHT_BYTES) {
    return fail('file-too-large', `The weight files total ${mb(totalBins)}: the playground takes weights up to ${mb(MAX_WEIGHT_BYTES)} in all. Nothing was read.`);
  }
  if (jsons.length === 0) return fail('no-model-json', `No model.json among the picked files (${files.map((f) => f.name).join(', ')}): select model.json together with its .bin weight files.`);
  if (jsons.length > 1) return fail('several-model-json', `${jsons.length} JSON files were picked (${jsons.map((f) => f.name).join(', ')}): pick one model.json and its .bin files.`);

  const jsonFile = jsons[0];
  const checked = checkModelJson(new TextDecoder().decode(await jsonFile.arrayBuffer()), files.map((f) => f.name), jsonFile.name);
  if (!checked.ok) return checked;

  const byName = new Map(bins.map((f) => [baseName(f.name), f]));
  const parts: Uint8Array[] = [];
  for (const group of checked.groups) {
    const groupFiles = group.paths.map((p) => byName.get(baseName(p)) as PickedFile);
    const size = groupFiles.reduce((n, f) => n + f.size, 0);
    if (size !== group.bytes) {
      const names = groupFiles.map((f) => f.name).join(' + ');
      return fail('weight-file-size', size < group.bytes
        ? `${names} ${groupFiles.length > 1 ? 'hold' : 'holds'} ${size} bytes, ${group.bytes - size} short of the ${group.bytes} bytes that ${jsonFile.name} declares for ${groupFiles.length > 1 ? 'them' : 'it'} (shapes × dtype): the file is truncated or belongs to another model.`
        : `${names} ${groupFiles.length > 1 ? 'hold' : 'holds'} ${size} bytes, ${size - group.bytes} more than the ${group.bytes} bytes that ${jsonFile.name} declares for ${groupFiles.length > 1 ? 'them' : 'it'} (shapes × dtype): it belongs to another model.`);
    }
    for (const f of groupFiles) {
      const bytes = new Uint8Array(await f.arrayBuffer());
      if (bytes.byteLength !== f.size) return fail('weight-file-size', `${f.name} read as ${bytes.byteLength} bytes but reports ${f.size}: pick it again.`);
      parts.push(bytes);
    }
  }
  const weightData = new Uint8Array(parts.reduce((n, p) => n + p.byteLength, 0));
  let offset = 0;
  for (const p of parts) {
    weightData.set(p, offset);
    offset += p.byteLength;
  }
  const bad = firstNonFiniteWeight(checked.specs, weightData.buffer);
  if (bad) {
    return fail('non-finite-weights', `Weight "${bad.name}" holds ${bad.value} at element ${bad.index}: a teacher's weights must all be finite numbers (the model diverged while it was trained, or the file is damaged).`);
  }
  const json = checked.json;
  return {
    ok: true,
    model: {
      modelJson: {
        format: typeof json.format === 'string' ? json.format : 'layers-model',
        generatedBy: typeof json.generatedBy === 'string' ? json.generatedBy : null,
        convertedBy: typeof json.convertedBy === 'string' ? json.convertedBy : null,
        modelTopology: json.modelTopology as Record<string, unknown>,
        weightSpecs: checked.specs,
      },
      weightData: weightData.buffer,
      embeddingLayer: checked.embeddingLayer,
      inputShape: checked.inputShape,
      parameters: checked.parameters,
      headUnits: checked.headUnits,
    },
  };
}

// ---------------------------------------------------------------------------------------------
// The card of an uploaded teacher, computed in a worker of its own (worker/teacherCardWorker.ts).

/** What the app measures of a teacher (the shipped teachers' teacher.json has the same numbers). */
export interface TeacherCardNumbers {
  /** Accuracy of its head on its own classes' test images; null when its classes are unknown. */
  testAccuracy: number | null;
  testImages: number;
  /** NCM accuracy of its embedding on `ncmClasses` (centres from the pool images, queries from the test images). */
  ncmOtherClasses: number | null;
  ncmClasses: number[];
  parameters: number;
  embeddingSize: number;
}

/** Page → card worker: one request per worker. */
export interface TeacherCardRequest {
  type: 'card';
  /** tfjs backend (null: the best available). */
  backend: BackendName | null;
  /** The app's base URL (data/ lives under it). */
  baseUrl: string;
  dataset: DatasetId;
  /** Dataset classes of the head's outputs, in order; null when unknown. */
  classes: number[] | null;
  /** Classes for the NCM check; empty: the classes it was not trained on (all when unknown). */
  ncmClasses: number[];
  model: CheckedTeacherModel;
}

/** Card worker → page. */
export type TeacherCardReply = { type: 'card'; card: TeacherCardNumbers; embeddingLayer: string } | { type: 'error'; message: string };
