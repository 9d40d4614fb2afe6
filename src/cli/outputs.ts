/**
 * The CLI's files: the run file (`--json` on stdout), the bundle (`--out FILE`: run file +
 * trained student) and the student in the TensorFlow.js layers format (`--save-student DIR`:
 * model.json + weights.bin), plus a file-system IO handler so that Node programs can load
 * the saved student with `tf.loadLayersModel(nodeFileModel('DIR/model.json'))`.
 */
import * as tf from '@tensorflow/tfjs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { saveStudentModel } from '../core/model/studentModel';
import type { Experiment } from '../core/trainer/experiment';
import type { BackendName } from '../protocol/messages';
import type { RunFile, RunOrigin } from '../protocol/runFile';
import { runFileOfResult, serialiseBundle, serialiseRunFile, studentModelJson, type StudentModel } from '../protocol/runFileIo';
import type { ExperimentResult } from '../protocol/results';

/** The package.json version of this checkout ('unknown' when it cannot be read). */
async function appVersion(): Promise<string> {
  try {
    const pkg = JSON.parse(await readFile(new URL('../../package.json', import.meta.url), 'utf8')) as { version?: string };
    return pkg.version ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

/** Where a CLI run was made: tool 'cli', the version, the backend and `node vX`. */
export async function cliOrigin(backend: BackendName): Promise<RunOrigin> {
  return { tool: 'cli', appVersion: await appVersion(), backend: { name: backend, reason: 'chosen with --backend (CLI)', forced: true }, platform: `node ${process.version}` };
}

/** The run file of a finished CLI run. */
export async function cliRunFile(result: ExperimentResult, backend: BackendName, createdAt: Date, finishedAt: Date): Promise<RunFile> {
  return runFileOfResult(result, await cliOrigin(backend), { createdAt: createdAt.toISOString(), finishedAt: finishedAt.toISOString() });
}

/** A hook for `runCli`: keeps the finished run's student (the checkpoint chosen on validation) before the run is freed. */
export function studentCatcher(): { afterRun: (exp: Experiment) => Promise<void>; get: () => StudentModel | undefined } {
  let student: StudentModel | undefined;
  return {
    afterRun: async (exp) => {
      student = await saveStudentModel(exp.student);
    },
    get: () => student,
  };
}

/** Writes model.json and weights.bin into `dir` (created if needed); returns the model.json path. */
export async function saveStudentFiles(dir: string, student: StudentModel): Promise<string> {
  await mkdir(dir, { recursive: true });
  const modelJson = path.join(dir, 'model.json');
  await writeFile(modelJson, studentModelJson(student, 'refilled-playground CLI'));
  await writeFile(path.join(dir, 'weights.bin'), new Uint8Array(student.weightData));
  return modelJson;
}

/** Writes the bundle (run file + student) to `file`; without a student, the run file alone. */
export async function writeBundle(file: string, run: RunFile, student: StudentModel | undefined): Promise<void> {
  await mkdir(path.dirname(path.resolve(file)), { recursive: true });
  await writeFile(file, student ? serialiseBundle(run, student) : serialiseRunFile(run));
}

/**
 * A tfjs IO handler that loads a layers model from the file system: `model.json` and the
 * weight files its manifest names, beside it.
 */
export function nodeFileModel(modelJsonPath: string): tf.io.IOHandler {
  return {
    load: async () => {
      const json = JSON.parse(await readFile(modelJsonPath, 'utf8')) as tf.io.ModelJSON;
      const specs: tf.io.WeightsManifestEntry[] = [];
      const buffers: ArrayBuffer[] = [];
      for (const group of json.weightsManifest) {
        specs.push(...group.weights);
        for (const p of group.paths) {
          const bytes = await readFile(path.join(path.dirname(modelJsonPath), p));
          buffers.push(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer);
        }
      }
      return { modelTopology: json.modelTopology, weightSpecs: specs, weightData: tf.io.concatenateArrayBuffers(buffers), format: json.format, generatedBy: json.generatedBy, convertedBy: json.convertedBy };
    },
  };
}
