/**
 * `npm run teachers`: trains the shipped teachers with the project's own engine and writes
 * them to public/teachers/<id>/ in the TensorFlow.js layers format (model.json + weights.bin)
 * with teacher.json metadata (classes, training config, seed, measured accuracies).
 *
 *   npm run teachers                       # all teachers
 *   npm run teachers -- fashion-0-4        # one
 *   TEACHER_EPOCHS=1 TEACHER_LIMIT=2000 npm run teachers -- mnist-0-4   # a quick check
 *   npm run teachers -- --variant wide fashion-0-4        # a stronger variant → public/teachers/fashion-0-4-wide/
 *   npm run teachers -- --variant wide-aug --budget-s 240 --backend webgpu,wasm fashion-5-9
 *
 * Variants (scripts/teachers/variants.ts): `aug` (shifts ±2, flips on Fashion-MNIST), `wide`
 * (width 2), `wide-aug`. --budget-s fits the epochs to a time budget: a throwaway copy of the
 * network times a few steps on each backend of --backend that starts (and each convolution
 * gradient mode), the fastest trains, and the epochs are the budget over its epoch time (at
 * most --max-epochs, default the shipped teacher's). The build time is printed and kept in
 * teacher.json; a weights file over 2 MB is refused.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadDatasetFromDisk } from '../src/core/data/node-fs';
import type { ConvGradientMode } from '../src/core/model/conv';
import { ConvNet } from '../src/core/model/convnet';
import { layersModelFiles, teacherFromLayersModel, type TeacherMetadata } from '../src/core/model/teacher';
import { trainSupervised } from '../src/core/trainer/supervised';
import { TEACHER_TRAINING, headAccuracy, selectClassImages, teacherNcmAccuracy } from '../src/core/trainer/teacherCard';
import { NODE_BACKENDS, useNodeBackend, type NodeBackend } from '../src/cli/backend';
import { TEACHERS, DATASETS, type TeacherInfo } from '../src/protocol/catalog';
import { readFashionMnistFull, readMnistFull } from './sources';
import { epochsForBudget, MAX_TEACHER_BYTES, SHIPPED_VARIANT, teacherVariant, variantAugment, variantFolder, type TeacherVariant } from './teachers/variants';

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
};

const args = process.argv.slice(2);
const option = (name: string): string | undefined => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const OPTIONS = ['--variant', '--budget-s', '--max-epochs', '--backend'];
const positional = args.filter((a, i) => !OPTIONS.includes(a) && !OPTIONS.includes(args[i - 1]));
/** The variant to build; an unknown name ends the script with the known ones. */
const VARIANT = ((): TeacherVariant => {
  try {
    return teacherVariant(option('--variant') ?? SHIPPED_VARIANT);
  } catch (e) {
    console.error(e instanceof Error ? e.message : String(e));
    process.exit(2);
  }
})();
const BUDGET_S = option('--budget-s') ? Number(option('--budget-s')) : undefined;
/** --backend webgpu,wasm: the backends to use, in order of preference (those that start here; see main). */
const BACKENDS = (option('--backend') ?? 'wasm').split(',') as NodeBackend[];
/**
 * The convolution-gradient modes the probe times on a backend. The shipped teachers used
 * `matmul`; on wasm `swapped` took half its time per teacher step here (1.3 against 2.6 s at
 * width 2), on a GPU which is faster is not known in advance (the same function either way,
 * in another floating-point order).
 */
const probeModes = (backend: NodeBackend): ConvGradientMode[] => (backend === 'wasm' ? ['swapped'] : ['matmul', 'swapped']);

/**
 * Times `steps` training steps (after `warmup` steps) of a throwaway network of the same
 * shape on the first images: ms per step, for fitting the epochs to a time budget.
 */
async function measureMsPerStep(variant: TeacherVariant, numClasses: number, train: { images: Float32Array; labels: Int32Array }, augment: ReturnType<typeof variantAugment>, convGradient: ConvGradientMode, warmup = 2, steps = 4): Promise<number> {
  const probe = new ConvNet({ widthMultiplier: variant.widthMultiplier, numClasses, seed: SEED + 1 });
  const take = async (n: number) => {
    const count = Math.min(train.labels.length, n * TRAINING.batchSize);
    const t0 = performance.now();
    await trainSupervised(probe, train.images.subarray(0, count * 784), train.labels.subarray(0, count), { ...TRAINING, epochs: 1, seed: SEED, convGradient, augment });
    return (performance.now() - t0) / Math.floor(count / TRAINING.batchSize);
  };
  try {
    await take(warmup);
    return await take(steps);
  } finally {
    probe.dispose();
  }
}
/** The student classes the NCM check uses: the complement of a cross-task teacher's classes. */
function defaultStudentClasses(info: TeacherInfo): number[] {
  const all = DATASETS[info.dataset].classNames.map((_, i) => i);
  const rest = all.filter((c) => !info.classes.includes(c));
  return rest.length > 0 ? rest : all;
}

async function trainTeacher(info: TeacherInfo, backends: NodeBackend[]): Promise<void> {
  const started = performance.now();
  console.error(`[${variantFolder(info.id, VARIANT.id)}] loading ${info.dataset}`);
  const full = info.dataset === 'fashion-mnist' ? readFashionMnistFull() : readMnistFull();
  const limit = process.env.TEACHER_LIMIT ? Number(process.env.TEACHER_LIMIT) : Infinity;
  const train = selectClassImages(full.train, info.classes, limit);
  const shipped = await loadDatasetFromDisk(info.dataset);
  const test = selectClassImages(shipped.splits.test, info.classes);
  const folder = variantFolder(info.id, VARIANT.id);
  const augment = variantAugment(VARIANT, info.dataset);
  const maxEpochs = Number(option('--max-epochs') ?? process.env.TEACHER_EPOCHS ?? EPOCHS[info.id] ?? 5);
  let epochs = maxEpochs;
  let backend = backends[0];
  let convGradient: ConvGradientMode = 'matmul';
  if (BUDGET_S !== undefined) {
    // Every (backend, gradient mode) is timed and the fastest trains; the budget covers
    // training only: loading, the probe and the final evaluation come on top.
    const timed: { backend: NodeBackend; mode: ConvGradientMode; ms: number }[] = [];
    for (const b of backends) {
      await useNodeBackend(b);
      for (const mode of probeModes(b)) timed.push({ backend: b, mode, ms: await measureMsPerStep(VARIANT, info.classes.length, train, augment, mode) });
    }
    const best = timed.reduce((a, b) => (b.ms < a.ms ? b : a));
    backend = best.backend;
    convGradient = best.mode;
    epochs = epochsForBudget(BUDGET_S * 1000, best.ms, Math.floor(train.labels.length / TRAINING.batchSize), maxEpochs);
    console.error(`[${folder}] ms per step measured: ${timed.map((t) => `${t.backend} ${t.mode} ${t.ms.toFixed(0)}`).join(', ')}; ${backend} ${convGradient}: ${epochs} epochs fit ${BUDGET_S} s (at most ${maxEpochs})`);
  }
  await useNodeBackend(backend);
  console.error(`[${folder}] training on ${train.labels.length} images of classes ${info.classes.join(',')} for ${epochs} epochs on ${backend} (${convGradient}), width ${VARIANT.widthMultiplier}, shifts ±${augment.shift}${augment.flip ? ', flips' : ''}`);

  const net = new ConvNet({ widthMultiplier: VARIANT.widthMultiplier, numClasses: info.classes.length, seed: SEED });
  const trainingStarted = performance.now();
  await trainSupervised(net, train.images, train.labels, {
    ...TRAINING,
    epochs,
    seed: SEED,
    convGradient,
    augment,
    onEpoch: (epoch, loss, ms) => console.error(`[${folder}] epoch ${epoch + 1}/${Math.ceil(epochs)} loss ${loss.toFixed(4)} (${(ms / 1000).toFixed(0)} s)`),
  });
  const trainingSeconds = (performance.now() - trainingStarted) / 1000;
  const testAccuracy = await headAccuracy(net, test, convGradient);

  // Export, then measure NCM on the student's classes through the exported model itself.
  const model = net.toLayersModel();
  const files = await layersModelFiles(model);
  if (files.weights.byteLength > MAX_TEACHER_BYTES) throw new Error(`[${folder}] ${files.weights.byteLength} weight bytes: over the ${MAX_TEACHER_BYTES} allowed`);
  const teacher = teacherFromLayersModel(model);
  const studentClasses = defaultStudentClasses(info);
  const pool = selectClassImages(shipped.splits.pool, studentClasses);
  const query = selectClassImages(shipped.splits.test, studentClasses);
  const ncmAccuracy = await teacherNcmAccuracy(teacher, pool, query, studentClasses.length);

  const buildSeconds = (performance.now() - started) / 1000;
  const metadata: TeacherMetadata = {
    id: folder,
    ...(VARIANT.id === SHIPPED_VARIANT ? {} : { variant: VARIANT.id, baseTeacher: info.id }),
    dataset: info.dataset,
    classes: info.classes,
    classNames: info.classes.map((c) => DATASETS[info.dataset].classNames[c]),
    architecture: `ConvNet [conv3x3-BN-ReLU-maxpool]x2, conv3x3-BN-ReLU, global average pool, dense; channels ${net.channels.join('/')}`,
    widthMultiplier: VARIANT.widthMultiplier,
    embeddingLayer: teacher.embeddingLayer,
    embeddingSize: teacher.embeddingSize,
    trainingImages: train.labels.length,
    training: { ...TRAINING, epochs, widthMultiplier: VARIANT.widthMultiplier, lrSchedule: 'cosine', loss: 'softmax cross-entropy', convGradient, backend, augment },
    seed: SEED,
    testAccuracy,
    testImages: test.labels.length,
    studentClasses,
    ncmAccuracyOnStudentClasses: ncmAccuracy,
    trainedOn: `${info.dataset} official training images of classes ${info.classes.join(',')}${info.dataset === 'mnist' ? ' (all images outside the shipped test subset)' : ''}`,
    weightBytes: files.weights.byteLength,
    trainingSeconds: Math.round(trainingSeconds),
    buildSeconds: Math.round(buildSeconds),
  };
  const dir = path.join(OUT_DIR, folder);
  await mkdir(dir, { recursive: true });
  await writeFile(path.join(dir, 'model.json'), files.modelJson);
  await writeFile(path.join(dir, 'weights.bin'), files.weights);
  await writeFile(path.join(dir, 'teacher.json'), `${JSON.stringify(metadata, null, 2)}\n`);
  console.error(`[${folder}] test accuracy ${(testAccuracy * 100).toFixed(2)}% on ${test.labels.length} images; NCM on classes ${studentClasses.join(',')}: ${(ncmAccuracy * 100).toFixed(2)}%; ${files.weights.byteLength} weight bytes → ${dir}; built in ${buildSeconds.toFixed(0)} s (training ${trainingSeconds.toFixed(0)} s)`);
  teacher.dispose();
  net.dispose();
}

async function main(): Promise<void> {
  // The backends that start here: without --budget-s the first trains, with it the probe picks.
  const backends: NodeBackend[] = [];
  for (const name of BACKENDS) {
    if (!NODE_BACKENDS.includes(name)) throw new Error(`--backend takes ${NODE_BACKENDS.join(', ')}, or several in order of preference (got "${name}")`);
    try {
      const { adapter } = await useNodeBackend(name);
      backends.push(name);
      if (adapter) console.error(`GPU adapter: ${adapter}`);
    } catch (e) {
      console.error(e instanceof Error ? e.message : String(e));
    }
  }
  if (backends.length === 0) throw new Error(`none of the backends ${BACKENDS.join(', ')} started here`);
  const wanted = positional;
  const unknown = wanted.filter((id) => !TEACHERS.some((t) => t.id === id));
  if (unknown.length > 0) {
    console.error(`Unknown teacher ${unknown.join(', ')}; known: ${TEACHERS.map((t) => t.id).join(', ')}`);
    process.exit(2);
  }
  for (const info of TEACHERS.filter((t) => wanted.length === 0 || wanted.includes(t.id))) await trainTeacher(info, backends);
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
