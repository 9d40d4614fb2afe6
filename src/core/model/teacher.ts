import * as tf from '@tensorflow/tfjs';
import { IMAGE_SHAPE } from './convnet';

/** Why a teacher could not be used; `code` maps onto the protocol's error codes. */
export class TeacherError extends Error {
  constructor(
    readonly code: 'teacher-missing' | 'teacher-incompatible',
    message: string,
  ) {
    super(message);
    this.name = 'TeacherError';
  }
}

/**
 * A frozen teacher: its embedding f_T(x) and, when it has a linear head, its logits.
 * Never trained; inference only.
 */
export interface Teacher {
  readonly embeddingSize: number;
  /** Number of the head's outputs (the teacher's own classes), or 0 without a head. */
  readonly numClasses: number;
  /** Name of the layer whose output is the embedding. */
  readonly embeddingLayer: string;
  /** f_T(x): [B,28,28,1] → [B,D]. */
  embed(x: tf.Tensor4D): tf.Tensor2D;
  /** Logits over the teacher's classes, [B,C_T] (log-probabilities when the head ends in softmax). */
  logits(x: tf.Tensor4D): tf.Tensor2D;
  dispose(): void;
}

/** Metadata written beside every shipped teacher's model.json. */
export interface TeacherMetadata {
  id: string;
  dataset: string;
  classes: number[];
  classNames: string[];
  architecture: string;
  widthMultiplier: number;
  embeddingLayer: string;
  embeddingSize: number;
  trainingImages: number;
  training: Record<string, unknown>;
  seed: number;
  /** Accuracy of the teacher's head on its own classes' test images (the shipped test subset). */
  testAccuracy: number;
  testImages: number;
  /** NCM on the student's (default) classes, using the teacher's frozen embedding. */
  studentClasses: number[];
  ncmAccuracyOnStudentClasses: number;
  trainedOn: string;
  /** A stronger variant of a shipped teacher (scripts/teachers/variants.ts): its recipe and the teacher it replaces. */
  variant?: string;
  baseTeacher?: string;
  /** Size of weights.bin, and the wall time of training and of the whole build (loading and evaluation included). */
  weightBytes?: number;
  trainingSeconds?: number;
  buildSeconds?: number;
}

/**
 * Wraps any tfjs layers model with a 28×28×1 (or flat 784) input as a teacher. The embedding is the output
 * of a layer named `embedding`, else the input of the last Dense layer. Throws TeacherError
 * saying what was expected when the model does not fit.
 */
export function teacherFromLayersModel(model: tf.LayersModel): Teacher {
  const input = model.inputs[0]?.shape ?? [];
  const image = input.length === 4 && input.slice(1).every((d, i) => d === IMAGE_SHAPE[i]);
  // A model of flattened images ([batch, 784], e.g. an MLP) gets them reshaped.
  const flat = input.length === 2 && input[1] === IMAGE_SHAPE[0] * IMAGE_SHAPE[1] * IMAGE_SHAPE[2];
  if (model.inputs.length !== 1 || (!image && !flat)) {
    throw new TeacherError('teacher-incompatible', `The teacher must take one input of shape [batch, ${IMAGE_SHAPE.join(', ')}] or [batch, 784] (28×28 grey images); this model takes [${input.map((d) => d ?? 'batch').join(', ')}].`);
  }
  const feed = (x: tf.Tensor4D): tf.Tensor => (flat ? tf.reshape(x, [x.shape[0], -1]) : x);
  if (model.outputs.length !== 1 || model.outputs[0].shape.length !== 2) {
    throw new TeacherError('teacher-incompatible', `The teacher must end in one output of shape [batch, classes]; this model's output is [${model.outputs.map((o) => o.shape.join(', ')).join('], [')}].`);
  }
  let embeddingOutput: tf.SymbolicTensor | undefined;
  let embeddingLayer = '';
  const named = model.layers.find((l) => l.name === 'embedding');
  if (named) {
    embeddingOutput = named.output as tf.SymbolicTensor;
    embeddingLayer = named.name;
  } else {
    const dense = [...model.layers].reverse().find((l) => l.getClassName() === 'Dense');
    if (dense) {
      embeddingOutput = dense.input as tf.SymbolicTensor;
      embeddingLayer = `${dense.name} (input)`;
    }
  }
  if (!embeddingOutput || embeddingOutput.shape.length !== 2) {
    throw new TeacherError('teacher-incompatible', 'The teacher needs an embedding: a layer named "embedding" with a [batch, features] output, or a final Dense layer whose input is the [batch, features] embedding.');
  }
  const embedder = tf.model({ inputs: model.inputs, outputs: embeddingOutput });
  const lastLayer = model.layers[model.layers.length - 1];
  const endsInSoftmax = lastLayer.getConfig().activation === 'softmax';
  return {
    embeddingSize: embeddingOutput.shape[1] as number,
    numClasses: (model.outputs[0].shape[1] as number) ?? 0,
    embeddingLayer,
    embed: (x) => tf.tidy(() => embedder.predict(feed(x)) as tf.Tensor2D),
    logits: (x) =>
      tf.tidy(() => {
        const out = model.predict(feed(x)) as tf.Tensor2D;
        return endsInSoftmax ? (tf.log(tf.add(out, 1e-12)) as tf.Tensor2D) : out;
      }),
    dispose: () => model.dispose(),
  };
}

/**
 * Loads a tfjs layers model (model.json + weight files) through `fetchBytes`, which reads a
 * path relative to the model's folder (fs in Node, fetch in a browser).
 */
export async function loadLayersModel(fetchBytes: (path: string) => Promise<Uint8Array>, modelJsonPath = 'model.json'): Promise<tf.LayersModel> {
  let json: { modelTopology: tf.io.ModelJSON['modelTopology']; weightsManifest: tf.io.WeightsManifestConfig };
  try {
    json = JSON.parse(new TextDecoder().decode(await fetchBytes(modelJsonPath)));
  } catch (e) {
    throw new TeacherError('teacher-missing', `Could not read the teacher's ${modelJsonPath}: ${(e as Error).message}. Run "npm run teachers" to regenerate the shipped teachers.`);
  }
  if (!json.modelTopology || !Array.isArray(json.weightsManifest)) {
    throw new TeacherError('teacher-incompatible', `${modelJsonPath} is not a TensorFlow.js layers model (it lacks modelTopology or weightsManifest).`);
  }
  const specs: tf.io.WeightsManifestEntry[] = [];
  const buffers: Uint8Array[] = [];
  for (const group of json.weightsManifest) {
    specs.push(...group.weights);
    for (const path of group.paths) buffers.push(await fetchBytes(path));
  }
  const total = buffers.reduce((n, b) => n + b.byteLength, 0);
  const weightData = new Uint8Array(total);
  let offset = 0;
  for (const b of buffers) {
    weightData.set(b, offset);
    offset += b.byteLength;
  }
  try {
    return await tf.loadLayersModel(tf.io.fromMemory({ modelTopology: json.modelTopology, weightSpecs: specs, weightData: weightData.buffer }));
  } catch (e) {
    throw new TeacherError('teacher-incompatible', `The teacher in ${modelJsonPath} could not be built: ${(e as Error).message}`);
  }
}

/** Serialises a layers model to the files of the tfjs layers format: model.json and one weights file. */
export async function layersModelFiles(model: tf.LayersModel, weightsFile = 'weights.bin'): Promise<{ modelJson: string; weights: Uint8Array }> {
  let result: { modelJson: string; weights: Uint8Array } | undefined;
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      const weightData = artifacts.weightData;
      const bytes = weightData instanceof ArrayBuffer ? new Uint8Array(weightData) : new Uint8Array(tf.io.concatenateArrayBuffers(weightData ?? []));
      result = {
        modelJson: JSON.stringify({
          format: 'layers-model',
          generatedBy: 'refilled-playground',
          convertedBy: null,
          modelTopology: artifacts.modelTopology,
          weightsManifest: [{ paths: [weightsFile], weights: artifacts.weightSpecs }],
        }),
        weights: bytes,
      };
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
  if (!result) throw new Error('saving the model produced no files');
  return result;
}

/**
 * Builds a layers model from artifacts held in memory (an uploaded or stored teacher): the
 * topology, the weight specs in order and one buffer of all weights. Throws TeacherError
 * ('teacher-incompatible') with tfjs's reason when the model cannot be built.
 */
export async function layersModelFromArtifacts(modelTopology: object, weightSpecs: tf.io.WeightsManifestEntry[], weightData: ArrayBuffer): Promise<tf.LayersModel> {
  try {
    return await tf.loadLayersModel(tf.io.fromMemory({ modelTopology, weightSpecs, weightData }));
  } catch (e) {
    throw new TeacherError('teacher-incompatible', `The uploaded teacher could not be built by TensorFlow.js: ${(e as Error).message}`);
  }
}
