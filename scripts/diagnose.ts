/**
 * `npm run diagnose`: why a preset trains or collapses. For each shipped teacher on its
 * cross-task split (the all-classes teacher on its own classes), 10 shots, seeds 1–3: the
 * norm of the teacher's embedding, its local classifier q = softmax(s/τ) on the training
 * images (mean max-probability, entropy, argmax accuracy) at each preset's τ₂ and at the
 * calibrated τ*, and at the start of stage 2 (after the preset's stage 1) the norms of the
 * gradients of the cross-entropy and of λ·KL with respect to the student's logits, per preset,
 * with the published teacher temperature and with `stage2.teacherTau = auto`.
 * Writes docs/diagnosis.json; `npm run study` renders it into docs/results.md.
 */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { useNodeBackend } from '../src/cli/backend';
import { nodeFetchBytes } from '../src/core/data/node-fs';
import { classCentres, measureTeacherLocalClassifier, refilledStage2Loss } from '../src/core/losses';
import { IMAGE_SHAPE } from '../src/core/model/convnet';
import { AssetCache, createExperiment } from '../src/core/run';
import { applyPreset, resolveConfig, setField, type ExperimentConfig, type Preset } from '../src/protocol/config';
import { TEACHERS } from '../src/protocol/catalog';
import { mean } from '../src/protocol/stats';
import { DATA_ROOT } from './paths';
import type { DiagnosisRow } from './study/report';

const SEEDS = (process.env.DIAGNOSE_SEEDS ?? '1,2,3').split(',').map(Number);
const PRESETS: Exclude<Preset, 'custom'>[] = ['cvpr2020', 'current', 'tpami'];


function splitOf(teacherId: string): { dataset: ExperimentConfig['dataset']; teacherClasses: number[]; studentClasses: number[] } {
  const info = TEACHERS.find((t) => t.id === teacherId);
  if (!info) throw new Error(`unknown teacher ${teacherId}`);
  const all = Array.from({ length: 10 }, (_, i) => i);
  const rest = all.filter((c) => !info.classes.includes(c));
  return { dataset: info.dataset, teacherClasses: info.classes, studentClasses: rest.length > 0 ? rest : all };
}

async function main(): Promise<void> {
  await useNodeBackend('wasm');
  const assets = new AssetCache({ data: nodeFetchBytes(path.join(DATA_ROOT, 'data')), teachers: nodeFetchBytes(path.join(DATA_ROOT, 'teachers')) });
  const rows: DiagnosisRow[] = [];
  for (const info of TEACHERS) {
    const split = splitOf(info.id);
    const acc = new Map<string, Omit<DiagnosisRow, 'seeds'>[]>();
    for (const seed of SEEDS) {
      // tpami and current share stage 1 (margin mining, tuples); cvpr2020 has its own.
      for (const stage1Preset of ['cvpr2020', 'current'] as const) {
        let config = applyPreset(resolveConfig({ dataset: split.dataset, teacher: info.id, teacherClasses: split.teacherClasses, studentClasses: split.studentClasses, seed }), stage1Preset);
        config = setField(config, 'runtime.reportIntervalSteps', 20);
        const exp = await createExperiment(config, assets, { backend: 'wasm' });
        while (exp.stage === 1) await exp.step();
        const dataset = await assets.dataset(split.dataset);
        const { teacher } = await assets.teacher(info.id);
        // The training images, as the experiment sampled them (same seed → same split).
        const { sampleExperimentSplits } = await import('../src/core/data/splits');
        const splits = sampleExperimentSplits(dataset, { studentClasses: split.studentClasses, shotsPerClass: config.shotsPerClass, validationFraction: config.validationFraction, seed });
        const x = tf.tensor4d(splits.train.images, [splits.train.count, ...IMAGE_SHAPE]);
        const y = tf.tensor1d(splits.train.labels, 'int32');
        const teacherEmb = teacher.embed(x);
        const logits = tf.tidy(() => exp.student.head(exp.student.embed(x, false, exp.convGradient)));
        const centres = classCentres(teacherEmb, y, split.studentClasses.length);
        for (const preset of PRESETS.filter((p) => (stage1Preset === 'cvpr2020' ? p === 'cvpr2020' : p !== 'cvpr2020'))) {
          for (const teacherTau of ['tau2', 'auto'] as const) {
            const cfg = { ...applyPreset(config, preset).stage2, teacherTau };
            const local = await measureTeacherLocalClassifier(teacherEmb, y, split.studentClasses.length, cfg, (t) => t.data());
            const loss = (z: tf.Tensor2D) =>
              refilledStage2Loss({ studentLogits: z, teacherEmb, labels: y, numClasses: split.studentClasses.length, centres: cfg.centres, globalCentres: centres, score: cfg.score, tau2: local.studentTau, teacherTau: local.teacherTau, temperatureOn: 'both', lambda: cfg.lambda, scope: cfg.scope, klReduction: cfg.klReduction });
            const norms = tf.tidy(() => {
              const gCe = tf.grad((z: tf.Tensor) => loss(z as tf.Tensor2D).ce)(logits);
              const gKd = tf.grad((z: tf.Tensor) => tf.mul(loss(z as tf.Tensor2D).kd, cfg.lambda) as tf.Scalar)(logits);
              return tf.stack([tf.norm(gCe), tf.norm(gKd)]);
            });
            const [ceGradNorm, kdGradNorm] = Array.from(await norms.data());
            norms.dispose();
            const key = `${preset}|${teacherTau}`;
            const list = acc.get(key) ?? [];
            list.push({
              teacher: info.id,
              studentClasses: split.studentClasses,
              preset,
              teacherTau,
              meanEmbeddingNorm: local.meanEmbeddingNorm,
              calibratedTau: local.calibratedTau,
              teacherTauValue: local.teacherTau,
              studentTauValue: local.studentTau,
              meanMaxProb: local.meanMaxProb,
              meanEntropy: local.meanEntropy,
              argmaxAccuracy: local.argmaxAccuracy,
              lambda: cfg.lambda,
              ceGradNorm,
              kdGradNorm,
            });
            acc.set(key, list);
          }
        }
        tf.dispose([x, y, teacherEmb, logits, centres]);
        exp.dispose();
      }
    }
    for (const list of acc.values()) {
      const avg = (f: (r: (typeof list)[number]) => number) => mean(list.map(f));
      const r = list[0];
      const row: DiagnosisRow = {
        ...r,
        seeds: list.length,
        meanEmbeddingNorm: avg((x) => x.meanEmbeddingNorm),
        calibratedTau: avg((x) => x.calibratedTau),
        teacherTauValue: avg((x) => x.teacherTauValue),
        studentTauValue: avg((x) => x.studentTauValue),
        meanMaxProb: avg((x) => x.meanMaxProb),
        meanEntropy: avg((x) => x.meanEntropy),
        argmaxAccuracy: avg((x) => x.argmaxAccuracy),
        ceGradNorm: avg((x) => x.ceGradNorm),
        kdGradNorm: avg((x) => x.kdGradNorm),
      };
      rows.push(row);
      console.error(`${row.teacher} ${row.preset} teacherTau=${row.teacherTau}: ‖f_T‖ ${row.meanEmbeddingNorm.toFixed(2)}, τ* ${row.calibratedTau.toFixed(3)}, q max ${row.meanMaxProb.toFixed(3)} H ${row.meanEntropy.toFixed(3)} acc ${row.argmaxAccuracy.toFixed(3)}, ‖∇CE‖ ${row.ceGradNorm.toFixed(3)} ‖∇λKL‖ ${row.kdGradNorm.toFixed(3)}`);
    }
  }
  await writeFile(path.join(DOCS_DIR, 'diagnosis.json'), `${JSON.stringify({ generatedBy: 'npm run diagnose', shots: 10, seeds: SEEDS, rows }, null, 1)}\n`);
  console.error(`wrote docs/diagnosis.json (${rows.length} rows)`);
}

const DOCS_DIR = path.join(path.dirname(DATA_ROOT), 'docs');

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.stack : e);
  process.exit(1);
});
