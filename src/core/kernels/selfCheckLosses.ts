/**
 * The loss kernels' part of the self-check (selfCheck.ts): seeded inputs like a real batch's
 * and the reference's outputs. Stage 1: unit rows, one of them repeated and one zero, a few
 * classes, every mining rule and form. Stage 2: a class without examples, every score,
 * scope, reduction and the uniform targets.
 */
import * as tf from '@tensorflow/tfjs';
import type { KernelCase } from './selfCheck';
import { KERNELS } from './spec';
import * as ref from './stage1Spec';
import * as ref2 from './stage2Spec';

type Generator = (seed: number, n: number, lo: number, hi: number) => Float32Array;

/** Cases for a batch of `rows` embeddings of width `width` (rows ≥ 4). */
export function stage1Cases(rows: number, width: number, uniforms: Generator): KernelCase[] {
  const b = rows;
  const d = width;
  const t = (values: Float32Array, s: number[]) => tf.tensor(values, s, 'float32');
  // Row 1 repeats row 0 (a zero distance off the diagonal); row 2 is zero (the ε-guarded norm).
  const z = uniforms(21, b * d, -1, 1);
  z.copyWithin(d, 0, d);
  z.fill(0, 2 * d, 3 * d);
  const dyRows = uniforms(22, b * d, -1, 1);
  const u = ref.unitRows(z, d);
  const dist = ref.rowDistances(u, d);
  const dyDist = uniforms(23, b * b, -1, 1);
  const teacher = ref.rowDistances(ref.unitRows(uniforms(24, b * (d + 3), -1, 1), d + 3), d + 3);
  const labels = Int32Array.from(uniforms(25, b, 0, 4), Math.floor);
  const cases: KernelCase[] = [
    { kernel: KERNELS.unitRows, inputs: () => ({ z: t(z, [b, d]) }), attrs: {}, expected: ref.unitRows(z, d) },
    { kernel: KERNELS.unitRowsGrad, inputs: () => ({ z: t(z, [b, d]), dy: t(dyRows, [b, d]) }), attrs: {}, expected: ref.unitRowsGrad(z, dyRows, d) },
    { kernel: KERNELS.rowDistances, inputs: () => ({ u: t(u, [b, d]) }), attrs: {}, expected: dist },
    { kernel: KERNELS.rowDistancesGrad, inputs: () => ({ u: t(u, [b, d]), dist: t(dist, [b, b]), dy: t(dyDist, [b, b]) }), attrs: {}, expected: ref.rowDistancesGrad(u, dist, dyDist, d) },
  ];
  for (const nearest of [false, true])
    for (const triplet of [false, true]) {
      const attrs: ref.Stage1Attrs = { tau1: 0.5, margin: 0.3, nearest, triplet };
      const gradAttrs: ref.Stage1GradAttrs = { ...attrs, w1: 1000 };
      const variant = `${nearest ? 'semihard-nearest' : 'semihard-margin'} ${triplet ? 'triplet' : 'tuple'}`;
      const pairs = ref.stage1Pairs(dist, teacher, labels, attrs);
      const totals = new Float32Array(ref.PAIR_PLANE_COUNT);
      pairs.forEach((v, i) => (totals[Math.floor(i / (b * b))] += v));
      const batch = () => ({ dS: t(dist, [b, b]), dT: t(teacher, [b, b]), labels: tf.tensor1d(labels, 'int32') });
      cases.push(
        { kernel: KERNELS.stage1Pairs, variant, inputs: batch, attrs: { ...attrs }, expected: pairs },
        {
          kernel: KERNELS.stage1Grad,
          variant,
          inputs: () => ({ ...batch(), pairs: t(pairs, [ref.PAIR_PLANE_COUNT, b, b]), totals: t(totals, [ref.PAIR_PLANE_COUNT]), dy: tf.scalar(1.7) }),
          attrs: { ...gradAttrs },
          expected: ref.stage1Grad(dist, teacher, labels, pairs, totals, 1.7, gradAttrs),
        },
      );
    }
  return cases;
}

/** Stage-2 cases for a batch of `rows` teacher embeddings of width `width`, over 7 classes (class 6 has no example). */
export function stage2Cases(rows: number, width: number, uniforms: Generator): KernelCase[] {
  const b = rows;
  const d = width;
  const classes = 7;
  const t = (values: Float32Array, s: number[]) => tf.tensor(values, s, 'float32');
  const emb = uniforms(31, b * d, -2, 2);
  const labels = Int32Array.from(uniforms(32, b, 0, classes - 1), Math.floor);
  const logits = uniforms(33, b * classes, -6, 6);
  const dy = uniforms(34, b, -1, 1);
  const means = ref2.classMeans(emb, labels, classes);
  const unit = ref.unitRows(means, d);
  const y = () => tf.tensor1d(labels, 'int32');
  const cases: KernelCase[] = [{ kernel: KERNELS.classMeans, inputs: () => ({ emb: t(emb, [b, d]), labels: y() }), attrs: { classes }, expected: means }];
  const targets: [string, ref2.Stage2TargetAttrs, Float32Array][] = [
    ['dot batch', { dot: true, teacherTau: 2, uniform: false, allClasses: false }, unit],
    ['sqeuclidean all', { dot: false, teacherTau: 0.7, uniform: false, allClasses: true }, means],
    ['uniform batch', { dot: true, teacherTau: 2, uniform: true, allClasses: false }, unit],
  ];
  for (const [variant, attrs, centres] of targets) {
    cases.push({ kernel: KERNELS.stage2Targets, variant, inputs: () => ({ emb: t(emb, [b, d]), centres: t(centres, [classes, d]), labels: y() }), attrs: { ...attrs }, expected: ref2.stage2Targets(emb, centres, labels, attrs) });
  }
  const q = ref2.stage2Targets(emb, unit, labels, targets[0][1]);
  const qAll = ref2.stage2Targets(emb, means, labels, targets[1][1]);
  const kls: [string, ref2.Stage2KlAttrs, Float32Array][] = [
    ['batch batchmean', { studentTau: 2, allClasses: false, elementwise: false }, q],
    ['all elementwise', { studentTau: 1, allClasses: true, elementwise: true }, qAll],
  ];
  for (const [variant, attrs, target] of kls) {
    const inputs = () => ({ z: t(logits, [b, classes]), q: t(target, [b, classes]), labels: y() });
    cases.push(
      { kernel: KERNELS.stage2Kl, variant, inputs, attrs: { ...attrs }, expected: ref2.stage2Kl(logits, target, labels, attrs) },
      { kernel: KERNELS.stage2KlGrad, variant, inputs: () => ({ ...inputs(), dy: t(dy, [b]) }), attrs: { ...attrs }, expected: ref2.stage2KlGrad(logits, target, labels, dy, attrs) },
    );
  }
  return cases;
}
