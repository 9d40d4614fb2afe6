/**
 * `npm run teachers`: trains the shipped teachers with the project's own engine and writes
 * them to public/teachers/<id>/ in the TensorFlow.js layers format (model.json + weights.bin)
 * with teacher.json metadata (classes, training config, seed, measured accuracies).
 *
 *   npm run teachers                       # all teachers
 *   npm run teachers -- fashion-0-4        # one
 *   TEACHER_EPOCHS=1 TEACHER_LIMIT=2000 npm run teachers -- mnist-0-4   # a quick check
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { useNodeBackend } from '../src/cli/backend';
import { loadDatasetFromDisk } from '../src/core/data/node-fs';
import { ConvNet } from '../src/core/model/convnet';
import { layersModelFiles, teacherFromLayersModel, type TeacherMetadata } from '../src/core/model/teacher';
import { TEACHER_TRAINING, headAccuracy, selectClassImages, teacherNcmAccuracy } from '../src/core/trainer/teacherCard';
import { trainSupervised } from '../src/core/trainer/supervised';
import { TEACHERS, DATASETS, type TeacherInfo } from '../src/protocol/catalog';
import { readFashionMnistFull, readMnistFull } from './sources';

// TEACHERS_OUT_DIR: write elsewhere (a packed copy of the scripts on another machine).
const OUT_DIR = process.env.TEACHERS_OUT_DIR ?? fileURLToPath(new URL('../public/teachers', import.meta.url));
const SEED = 2020;
/**
 * Epochs per teacher: every training image of the teacher's classes is used, and the epochs
 * are chosen so that each teacher trains in about 15 minutes on a 2-core machine (wasm).
 */
const EPOCHS: Record<string, number> = { 'fashion-0-4': 6, 'fashion-all': 2, 'mnist-0-4': 15, 'fashion-5-9': 6, 'mnist-5-9': 15 };
const TRAINING = {
  epochs: 0,
  batchSize: 128,
  ...TEACHER_TRAINING,
  widthMultiplier: 1,
};
/** The student classes the NCM check uses: the complement of a cross-task teacher's classes. */
function defaultStudentClasses(info: TeacherInfo): number[] {
  const all = DATASETS[info.dataset].classNames.map((_, i) => i);
  const rest = all.filter((c) => !info.classes.includes(c));
  return rest.length > 0 ? rest : all;
}

async function trainTeacher(info: TeacherInfo): Promise<void> {
  const full = info.dataset === 'fashion-mnist' ? readFashionMnistFull() : readMnistFull();
  const limit = process.env.TEACHER_LIMIT ? Number(process.env.TEACHER_LIMIT) : Infinity;
  const train = selectClassImages(full.train, info.classes, limit);
  const shipped = await loadDatasetFromDisk(info.dataset);
  const test = selectClassImages(shipped.splits.test, info.classes);
  const epochs = Number(process.env.TEACHER_EPOCHS ?? EPOCHS[info.id] ?? 5);
  const started = performance.now();
  console.error(`[${info.id}] training on ${train.labels.length} images of classes ${info.classes.join(',')} for ${epochs} epochs on wasm`);

  const net = new ConvNet({ widthMultiplier: TRAINING.widthMultiplier, numClasses: info.classes.length, seed: SEED });
  await trainSupervised(net, train.images, train.labels, {
    ...TRAINING,
    epochs,
    seed: SEED,
    convGradient: 'matmul',
    onEpoch: (epoch, loss, ms) => console.error(`[${info.id}] epoch ${epoch + 1}/${epochs} loss ${loss.toFixed(4)} (${(ms / 1000).toFixed(0)} s)`),
  });
  const testAccuracy = await headAccuracy(net, test, 'matmul');

  // Export, then measure NCM on the student's classes through the exported model itself.
  const model = net.toLayersModel();
  const files = await layersModelFiles(model);
  const teacher = teacherFromLayersModel(model);
  const studentClasses = defaultStudentClasses(info);
  const pool = selectClassImages(shipped.splits.pool, studentClasses);
  const query = selectClassImages(shipped.splits.test, studentClasses);
  const ncmAccuracy = await teacherNcmAccuracy(teacher, pool, query, studentClasses.length);

  const metadata: TeacherMetadata = {
    id: info.id,
    dataset: info.dataset,
    classes: info.classes,
    classNames: info.classes.map((c) => DATASETS[info.dataset].classNames[c]),
    architecture: `ConvNet [conv3x3-BN-ReLU-maxpool]x2, conv3x3-BN-ReLU, global average pool, dense; channels ${net.channels.join('/')}`,
    widthMultiplier: TRAINING.widthMultiplier,
    embeddingLayer: teacher.embeddingLayer,
    embeddingSize: teacher.embeddingSize,
    trainingImages: train.labels.length,
    training: { ...TRAINING, epochs, lrSchedule: 'cosine', loss: 'softmax cross-entropy', convGradient: 'matmul', backend: 'wasm' },
    seed: SEED,
    testAccuracy,
    testImages: test.labels.length,
    studentClasses,
    ncmAccuracyOnStudentClasses: ncmAccuracy,
    trainedOn: `${info.dataset} official training images of classes ${info.classes.join(',')}${info.dataset === 'mnist' ? ' (all images outside the shipped test subset)' : ''}`,
  };
  const dir = path.join(OUT_DIR, info.id);
  await mkdir(dir, { recursive: true });
  await writeFile(path.join(dir, 'model.json'), files.modelJson);
  await writeFile(path.join(dir, 'weights.bin'), files.weights);
  await writeFile(path.join(dir, 'teacher.json'), `${JSON.stringify(metadata, null, 2)}\n`);
  console.error(`[${info.id}] test accuracy ${(testAccuracy * 100).toFixed(2)}% on ${test.labels.length} images; NCM on classes ${studentClasses.join(',')}: ${(ncmAccuracy * 100).toFixed(2)}%; ${files.weights.byteLength} weight bytes → ${dir} (${((performance.now() - started) / 60000).toFixed(1)} min)`);
  teacher.dispose();
  net.dispose();
}

async function main(): Promise<void> {
  await useNodeBackend('wasm');
  const wanted = process.argv.slice(2);
  const unknown = wanted.filter((id) => !TEACHERS.some((t) => t.id === id));
  if (unknown.length > 0) {
    console.error(`Unknown teacher ${unknown.join(', ')}; known: ${TEACHERS.map((t) => t.id).join(', ')}`);
    process.exit(2);
  }
  for (const info of TEACHERS.filter((t) => wanted.length === 0 || wanted.includes(t.id))) await trainTeacher(info);
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
