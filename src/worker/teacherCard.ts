/**
 * An uploaded teacher, measured and loaded: its card (what the shipped teachers' teacher.json
 * says of them, computed here for a model the user brings), and the worker's loading of a
 * teacher stored in this browser's IndexedDB by id.
 */
import * as tf from '@tensorflow/tfjs';
import type { Dataset } from '../core/data/loader';
import { accuracy, ncmPredict } from '../core/losses';
import { IMAGE_SHAPE } from '../core/model/convnet';
import { layersModelFromArtifacts, teacherFromLayersModel, TeacherError, type Teacher } from '../core/model/teacher';
import type { AssetCache } from '../core/run';
import { mapInChunks } from '../core/trainer/evaluate';
import { addStoredTeacher, isStoredTeacherIdText } from '../protocol/teacherRegistry';
import type { CheckedTeacherModel, TeacherCardNumbers, TeacherCardReply, TeacherCardRequest } from '../protocol/teacherUpload';
import { getTeacher, type StoredTeacher } from '../storage/teachers';

const EVAL_CHUNK = 256;

/** Builds the frozen teacher from checked (or stored) artifacts. */
export async function teacherFromArtifacts(modelJson: Pick<CheckedTeacherModel['modelJson'], 'modelTopology' | 'weightSpecs'>, weightData: ArrayBuffer): Promise<Teacher> {
  const model = await layersModelFromArtifacts(modelJson.modelTopology, modelJson.weightSpecs as tf.io.WeightsManifestEntry[], weightData);
  try {
    return teacherFromLayersModel(model);
  } catch (e) {
    model.dispose();
    throw e;
  }
}

/** Images of `classes` in `split` scaled to [0, 1], labels relabelled 0…K−1 in the order of `classes`. */
function selectClasses(split: Dataset['splits']['test'], classes: readonly number[]): { images: Float32Array; labels: Int32Array } {
  const keep: number[] = [];
  for (let i = 0; i < split.count; i++) if (classes.includes(split.labels[i])) keep.push(i);
  const images = new Float32Array(keep.length * 784);
  const labels = new Int32Array(keep.length);
  keep.forEach((i, k) => {
    for (let p = 0; p < 784; p++) images[k * 784 + p] = split.images[i * 784 + p] / 255;
    labels[k] = classes.indexOf(split.labels[i]);
  });
  return { images, labels };
}

const asBatch = (images: Float32Array) => tf.tensor4d(images, [images.length / 784, ...IMAGE_SHAPE]);

/**
 * The teacher's card on `dataset`:
 * - testAccuracy = mean over the test images of its classes of [classes[argmax_k z_k(x)] = y]
 *   (z: its head's outputs, in the order of `classes`); null when `classes` is null;
 * - ncmOtherClasses = NCM accuracy of f_T on `ncmClasses` (default: the classes it was not
 *   trained on, or all classes when its classes are unknown or cover the dataset): centres
 *   ĉ_k = normalised mean of f_T over the pool images of class k, a test image goes to
 *   argmax_k ⟨f̂_T(x), ĉ_k⟩.
 * One read-back per number; every tensor is freed.
 */
export async function measureTeacherCard(teacher: Teacher, dataset: Dataset, classes: readonly number[] | null, parameters: number, ncmClasses: readonly number[] = []): Promise<TeacherCardNumbers> {
  const numClasses = dataset.classNames.length;
  if (classes && classes.some((c) => !Number.isInteger(c) || c < 0 || c >= numClasses)) {
    throw new TeacherError('teacher-incompatible', `The teacher's classes must be classes of ${dataset.title} (0 to ${numClasses - 1}); got ${classes.join(', ')}.`);
  }
  if (classes && teacher.numClasses !== classes.length) {
    throw new TeacherError('teacher-incompatible', `The model's head has ${teacher.numClasses} outputs but ${classes.length} classes were named: name one class per output, in the head's order, or choose "unknown".`);
  }
  let testAccuracy: number | null = null;
  let testImages = 0;
  if (classes) {
    const test = selectClasses(dataset.splits.test, classes);
    testImages = test.labels.length;
    const acc = tf.tidy(() => {
      const x = asBatch(test.images);
      const predicted = tf.argMax(mapInChunks(x, EVAL_CHUNK, (b) => teacher.logits(b)), 1) as tf.Tensor1D;
      return accuracy(predicted, tf.tensor1d(test.labels, 'int32'));
    });
    testAccuracy = (await acc.data())[0];
    acc.dispose();
  }
  const all = dataset.classNames.map((_, i) => i);
  const rest = classes ? all.filter((c) => !classes.includes(c)) : all;
  const onClasses = ncmClasses.length >= 2 ? [...ncmClasses] : rest.length >= 2 ? rest : all;
  const pool = selectClasses(dataset.splits.pool, onClasses);
  const query = selectClasses(dataset.splits.test, onClasses);
  const ncm = tf.tidy(() => {
    const embed = (images: Float32Array) => mapInChunks(asBatch(images), EVAL_CHUNK, (b) => teacher.embed(b));
    return accuracy(ncmPredict(embed(pool.images), tf.tensor1d(pool.labels, 'int32'), onClasses.length, embed(query.images)), tf.tensor1d(query.labels, 'int32'));
  });
  const ncmOtherClasses = (await ncm.data())[0];
  ncm.dispose();
  return { testAccuracy, testImages, ncmOtherClasses, ncmClasses: onClasses, parameters, embeddingSize: teacher.embeddingSize };
}

/** The registry entry of a stored teacher (its classes [] when unknown). */
export function storedTeacherInfoOf(record: Pick<StoredTeacher, 'id' | 'title' | 'dataset' | 'classes'>) {
  return { id: record.id, title: record.title, dataset: record.dataset, classes: record.classes ?? [], classesKnown: record.classes !== null };
}

/** Stored teachers this worker has loaded into an asset cache (a cache keeps a teacher once). */
const loadedInto = new WeakMap<AssetCache, Set<string>>();

/** Forgets which stored teachers `assets` holds (after AssetCache.forgetTeachers: they load again). */
export function forgetStoredTeachers(assets: AssetCache): void {
  loadedInto.delete(assets);
}

/**
 * When `teacherId` names a stored teacher (`user:…`), reads it from IndexedDB, registers it
 * (so the config validator knows it) and puts the built teacher into `assets`. Throws
 * TeacherError('teacher-missing') when this browser does not hold it.
 */
export async function prepareStoredTeacher(teacherId: string, assets: AssetCache, read: typeof getTeacher = getTeacher): Promise<void> {
  if (!isStoredTeacherIdText(teacherId)) return;
  const loaded = loadedInto.get(assets) ?? new Set<string>();
  loadedInto.set(assets, loaded);
  if (loaded.has(teacherId)) return;
  const result = await read(teacherId);
  if (!result.ok) throw new TeacherError('teacher-missing', `Teacher ${teacherId} could not be read from this browser's storage: ${result.error.message}`);
  const record = result.value;
  if (!record) {
    throw new TeacherError('teacher-missing', `Teacher ${teacherId} is not stored in this browser (it was uploaded elsewhere, or deleted): upload its model.json and .bin files with "Upload a teacher", or pick a shipped teacher.`);
  }
  const teacher = await teacherFromArtifacts(record.modelJson as unknown as CheckedTeacherModel['modelJson'], record.weightData);
  addStoredTeacher(storedTeacherInfoOf(record));
  assets.setTeacher(teacherId, { teacher, metadata: null });
  loaded.add(teacherId);
}

/**
 * Answers one card request: builds the teacher from the checked artifacts, loads the
 * dataset through `loadData`, measures the card, frees the teacher. Failures become an
 * 'error' reply with the reason.
 */
export async function answerCardRequest(req: TeacherCardRequest, loadData: (name: string) => Promise<Dataset>): Promise<TeacherCardReply> {
  let teacher: Teacher | null = null;
  try {
    const dataset = await loadData(req.dataset);
    teacher = await teacherFromArtifacts(req.model.modelJson, req.model.weightData);
    const card = await measureTeacherCard(teacher, dataset, req.classes, req.model.parameters, req.ncmClasses);
    return { type: 'card', card, embeddingLayer: teacher.embeddingLayer };
  } catch (e) {
    return { type: 'error', message: e instanceof Error ? e.message : String(e) };
  } finally {
    teacher?.dispose();
  }
}
