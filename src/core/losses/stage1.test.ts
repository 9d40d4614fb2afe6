import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { describeBothPaths } from '../kernels/bothPaths.testkit';
import { l2Normalize, pairwiseDistances } from './distances';
import { mineTriplets } from './mining';
import { refilledStage1Loss, teacherDistances, type Stage1Options, type TripletStatsTensors } from './stage1';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const unit = (deg: number) => [Math.cos((deg * Math.PI) / 180), Math.sin((deg * Math.PI) / 180)];
const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

function readStats(stats: TripletStatsTensors): Record<keyof TripletStatsTensors, number> {
  const out = {} as Record<keyof TripletStatsTensors, number>;
  for (const key of Object.keys(stats) as (keyof TripletStatsTensors)[]) out[key] = stats[key].arraySync();
  return out;
}

function randomBatch(seed: number, b: number, dim: number, classes: number) {
  return {
    student: tf.randomNormal([b, dim], 0, 1, 'float32', seed) as tf.Tensor2D,
    teacher: tf.randomNormal([b, dim + 3], 0, 1, 'float32', seed + 1) as tf.Tensor2D,
    labels: tf.tensor1d(Array.from({ length: b }, (_, i) => i % classes), 'int32'),
  };
}

const defaults = { mining: 'semihard-margin', margin: 0.2, form: 'triplet', tau1: 4, w1: 1 } as const;

// Every test runs twice: with the fused stage-1 kernels (the default on cpu) and with tfjs's own operations.
describeBothPaths('stage1', () => {

  describe('refilledStage1Loss: hand-computed binary triplets', () => {
    // Student: unit vectors 0:(1,0) 1:(0,1) [class 0], 2:(−1,0) 3:(0,−1) [class 1].
    //   d = √2 between neighbours, 2 between opposites. With margin 0.6 the mined triplets are
    //   (0,1,2), (1,0,3), (2,3,0), (3,2,1), each with student gap d_an − d_ap = 2 − √2.
    // Teacher (raw, normalised inside): 0:(2,0) 1:(0.5,0) 2:(−3,0) 3:(0,4) → ẑ 0=1=(1,0), 2=(−1,0), 3=(0,1).
    //   Teacher gaps: (0,1,2): 2 − 0 = 2; (1,0,3): √2 − 0; (2,3,0): 2 − √2; (3,2,1): √2 − √2 = 0.
    // p = σ(gap/τ₁), τ₁ = 4: p_S = σ((2−√2)/4) = 0.5365463594 for all four;
    //   p_T = σ(0.5) = 0.6224593312, σ(√2/4) = 0.5874790008, 0.5365463594, σ(0) = 0.5.
    // KL([p_T,1−p_T] ‖ [p_S,1−p_S]) = p_T ln(p_T/p_S) + (1−p_T) ln((1−p_T)/(1−p_S)):
    //   0.0150445421, 0.0052516367, 0, 0.0026784340 → mean 0.0057436532.
    const options = (): Stage1Options => ({
      ...defaults,
      studentEmb: tf.tensor2d([[1, 0], [0, 1], [-1, 0], [0, -1]]),
      teacherEmb: tf.tensor2d([[2, 0], [0.5, 0], [-3, 0], [0, 4]]),
      labels: tf.tensor1d([0, 0, 1, 1], 'int32'),
      margin: 0.6,
      w1: 1000,
    });

    it('gives w₁ · mean KL over the mined triplets', () => {
      const { loss } = refilledStage1Loss(options());
      expect(loss.arraySync()).toBeCloseTo(1000 * 0.0057436532, 3);
    });

    it('reports the triplet statistics', () => {
      const stats = readStats(refilledStage1Loss(options()).stats);
      expect(stats.mined).toBe(4);
      expect(stats.anchorsWithTriplet).toBe(4);
      expect(stats.meanPS).toBeCloseTo(0.5365463594, 6);
      expect(stats.meanPT).toBeCloseTo(0.5616211729, 6); // mean of the four p_T
      // The teacher ranks the positive closer in 3 of 4 (its last gap is 0).
      expect(stats.agreement).toBeCloseTo(0.75, 6);
      expect(stats.meanAbsDiff).toBeCloseTo(0.0433479932, 6);
    });

    it('semihard-nearest mines the same four triplets here, and gives the same loss', () => {
      const { loss, stats } = refilledStage1Loss({ ...options(), mining: 'semihard-nearest' });
      expect(stats.mined.arraySync()).toBe(4);
      expect(loss.arraySync()).toBeCloseTo(1000 * 0.0057436532, 3);
    });

    it('tuple form with exactly one negative per (a, p) equals the binary form', () => {
      const binary = refilledStage1Loss(options()).loss.arraySync();
      const tuple = refilledStage1Loss({ ...options(), form: 'tuple' }).loss.arraySync();
      expect(tuple).toBeCloseTo(binary, 4);
    });
  });

  describe('refilledStage1Loss: hand-computed tuples', () => {
    // Student at angles 0°, 60° [class 0], 180° [class 1], 270° [class 2]; teacher at 0°, 90°, 180°, 270°.
    // d = 2 sin(Δθ/2). Margin 10 keeps every negative farther than the positive:
    //   (0,1): student [d_ap, d_a2, d_a3] = [1, 2, √2], teacher [√2, 2, √2];
    //   (1,0): student [1, √3, 2 sin 105° = 1.9318516526], teacher [√2, √2, 2].
    // Tuple: P = softmax(−[d_ap, d_an₁, d_an₂]/4); KL(P_T ‖ P_S) = 0.0012307476, 0.0029199079 → mean 0.0020753278.
    // Binary on the same 4 triplets: 0.0013293059, 0.0013398146, 0.0041808763, 0.0009283895 → mean 0.0019445966.
    const options = (form: 'triplet' | 'tuple'): Stage1Options => ({
      ...defaults,
      studentEmb: tf.tensor2d([unit(0), unit(60), unit(180), unit(270)]),
      teacherEmb: tf.tensor2d([unit(0), unit(90), unit(180), unit(270)]),
      labels: tf.tensor1d([0, 0, 1, 2], 'int32'),
      margin: 10,
      form,
    });

    it('tuple form: mean over (a, p) of the KL of the (1 + k)-way softmax', () => {
      expect(refilledStage1Loss(options('tuple')).loss.arraySync()).toBeCloseTo(0.0020753278, 6);
    });

    it('binary form on the same triplets', () => {
      const { loss, stats } = refilledStage1Loss(options('triplet'));
      expect(stats.mined.arraySync()).toBe(4);
      expect(stats.anchorsWithTriplet.arraySync()).toBe(2);
      expect(loss.arraySync()).toBeCloseTo(0.0019445966, 6);
    });
  });

  describe('refilledStage1Loss: invariants', () => {
    it('is 0 when the student equals the teacher', () => {
      const { student, labels } = randomBatch(11, 24, 8, 3);
      for (const form of ['triplet', 'tuple'] as const) {
        const { loss, stats } = refilledStage1Loss({ ...defaults, form, studentEmb: student, teacherEmb: student, labels });
        expect(stats.mined.arraySync()).toBeGreaterThan(0);
        expect(Math.abs(loss.arraySync())).toBeLessThan(1e-6);
        expect(stats.agreement.arraySync()).toBe(1);
      }
    });

    it('is 0 and finite, with zero stats, for a one-class batch', () => {
      const student = tf.randomNormal([8, 5], 0, 1, 'float32', 2) as tf.Tensor2D;
      const teacher = tf.randomNormal([8, 6], 0, 1, 'float32', 3) as tf.Tensor2D;
      const labels = tf.fill([8], 1, 'int32') as tf.Tensor1D;
      for (const mining of ['semihard-margin', 'semihard-nearest'] as const) {
        for (const form of ['triplet', 'tuple'] as const) {
          const options = { ...defaults, mining, form, w1: 1000, studentEmb: student, teacherEmb: teacher, labels };
          const { loss, stats } = refilledStage1Loss(options);
          expect(loss.arraySync()).toBe(0);
          expect(Object.values(readStats(stats))).toEqual([0, 0, 0, 0, 0, 0]);
          const [g] = tf.grads((s: tf.Tensor) => refilledStage1Loss({ ...options, studentEmb: s as tf.Tensor2D }).loss)([student]);
          expect((g.arraySync() as number[][]).flat().every((v) => v === 0)).toBe(true);
        }
      }
    });

    it('is ≥ 0 on random batches, and tuple equals binary under semihard-nearest (one negative each)', () => {
      for (let seed = 0; seed < 4; seed++) {
        const { student, teacher, labels } = randomBatch(100 + seed, 20, 6, 4);
        const common = { ...defaults, studentEmb: student, teacherEmb: teacher, labels };
        for (const mining of ['semihard-margin', 'semihard-nearest'] as const) {
          for (const form of ['triplet', 'tuple'] as const) {
            expect(refilledStage1Loss({ ...common, mining, form }).loss.arraySync()).toBeGreaterThanOrEqual(0);
          }
        }
        const binary = refilledStage1Loss({ ...common, mining: 'semihard-nearest' }).loss.arraySync();
        const tuple = refilledStage1Loss({ ...common, mining: 'semihard-nearest', form: 'tuple' }).loss.arraySync();
        expect(binary).toBeGreaterThan(0);
        expect(tuple).toBeCloseTo(binary, 6);
      }
    });

    it('tuple form: value and gradient match a dense softmax over [B, B, 1 + B] logits', () => {
      // The textbook formulation: every tuple's logits laid out densely, unmined entries masked out.
      const denseTupleLoss = (s: tf.Tensor2D, t: tf.Tensor2D, labels: tf.Tensor1D, tau1: number) => {
        const dS = pairwiseDistances(l2Normalize(s));
        const dT = pairwiseDistances(l2Normalize(t));
        const mask = mineTriplets(dS, labels, 'semihard-margin', 0.2);
        const b = labels.shape[0];
        const entries = tf.concat([tf.ones([b, b, 1]), mask], 2);
        const logits = (d: tf.Tensor2D) => {
          const l = tf.div(d, -tau1);
          const dense = tf.concat([tf.expandDims(l, 2), tf.tile(tf.expandDims(l, 1), [1, b, 1])], 2); // [a, p, 0] = l_ap, [a, p, 1 + n] = l_an
          return tf.logSoftmax(tf.add(dense, tf.mul(tf.sub(1, entries), -1e9)), 2);
        };
        const logQ = logits(dT);
        const logP = logits(dS);
        const kl = tf.sum(tf.mul(tf.mul(entries, tf.exp(logQ)), tf.sub(logQ, logP)), 2);
        const isTuple = tf.minimum(tf.sum(mask, 2), 1);
        return tf.div(tf.sum(tf.mul(kl, isTuple)), tf.maximum(tf.sum(isTuple), 1)) as tf.Scalar;
      };
      for (const [seed, tau1, layout] of [[11, 4, 'separate'], [12, 1, 'stacked'], [13, 0.05, 'separate'], [14, 0.05, 'stacked']] as const) {
        const { student, teacher, labels } = randomBatch(seed, 24, 5, 3);
        const ours = (s: tf.Tensor) => refilledStage1Loss({ ...defaults, tau1, layout, form: 'tuple', studentEmb: s as tf.Tensor2D, teacherEmb: teacher, labels }).loss;
        const dense = (s: tf.Tensor) => denseTupleLoss(s as tf.Tensor2D, teacher, labels, tau1);
        const value = ours(student).arraySync();
        expect(value).toBeGreaterThan(0);
        expect(value).toBeCloseTo(dense(student).arraySync(), 5);
        const [g] = tf.grads(ours)([student]);
        const [gRef] = tf.grads(dense)([student]);
        const scale = Math.max(...(gRef.abs().arraySync() as number[][]).flat());
        expect(scale).toBeGreaterThan(0);
        const worst = Math.max(...(tf.sub(g, gRef).abs().arraySync() as number[][]).flat());
        expect(worst / scale).toBeLessThan(1e-4);
      }
    });

    it('binary p matches σ((d_an − d_ap)/τ₁) for a single triplet', () => {
      // One triplet only: anchor 0:(1,0), positive 1:(0,1), negative 2:(−1,0); margin 1 keeps gap 2 − √2.
      const { stats } = refilledStage1Loss({
        ...defaults,
        margin: 1,
        studentEmb: tf.tensor2d([[1, 0], [0, 1], [-1, 0]]),
        teacherEmb: tf.tensor2d([[1, 0], [0, 1], [-1, 0]]),
        labels: tf.tensor1d([0, 0, 1], 'int32'),
      });
      // Mined: (0,1,2) gap 2−√2 and (1,0,2) gap √2−√2 = 0 (not > 0) → one triplet.
      expect(stats.mined.arraySync()).toBe(1);
      expect(stats.meanPS.arraySync()).toBeCloseTo(sigmoid((2 - Math.SQRT2) / 4), 6);
    });

    it('sends finite gradients to the student and none to the teacher', () => {
      const { student, teacher, labels } = randomBatch(5, 16, 6, 3);
      // A duplicated student row puts a zero distance off the diagonal.
      const studentWithTwin = tf.concat([student, student.slice([0, 0], [1, 6])]) as tf.Tensor2D;
      const teacherWithTwin = tf.concat([teacher, teacher.slice([0, 0], [1, 9])]) as tf.Tensor2D;
      const labelsWithTwin = tf.concat([labels, labels.slice([0], [1])]) as tf.Tensor1D;
      for (const form of ['triplet', 'tuple'] as const) {
        const [gS, gT] = tf.grads((s: tf.Tensor, t: tf.Tensor) =>
          refilledStage1Loss({
            ...defaults,
            form,
            w1: 1000,
            studentEmb: s as tf.Tensor2D,
            teacherEmb: t as tf.Tensor2D,
            labels: labelsWithTwin,
          }).loss,
        )([studentWithTwin, teacherWithTwin]);
        const gradS = (gS.arraySync() as number[][]).flat();
        expect(gradS.every(Number.isFinite)).toBe(true);
        expect(gradS.some((v) => v !== 0)).toBe(true);
        expect((gT.arraySync() as number[][]).flat().every((v) => v === 0)).toBe(true);
      }
    });

    it('leaks no tensors, called directly or under tf.tidy and tf.grads', () => {
      const { student, teacher, labels } = randomBatch(9, 12, 4, 3);
      const options = { ...defaults, studentEmb: student, teacherEmb: teacher, labels };
      for (const form of ['triplet', 'tuple'] as const) {
        const before = tf.memory().numTensors;
        const { loss, stats } = refilledStage1Loss({ ...options, form });
        tf.dispose([loss, ...Object.values(stats)]);
        expect(tf.memory().numTensors).toBe(before);
        tf.tidy(() => refilledStage1Loss({ ...options, form }).loss.arraySync());
        expect(tf.memory().numTensors).toBe(before);
        tf.tidy(() => {
          tf.grads((s: tf.Tensor) => refilledStage1Loss({ ...options, form, studentEmb: s as tf.Tensor2D }).loss)([student]);
        });
        expect(tf.memory().numTensors).toBe(before);
      }
    });
  });

  describe('refilledStage1Loss with the teacher distances given', () => {
    it('gives the loss, gradient and statistics it computes from the teacher embedding, in both forms', () => {
      for (const form of ['triplet', 'tuple'] as const) {
        const { student, teacher, labels } = randomBatch(31, 12, 6, 3);
        const run = (withDist: boolean) =>
          tf.tidy(() => {
            const teacherInput = withDist ? { teacherDist: teacherDistances(teacher) } : { teacherEmb: teacher };
            const f = (s: tf.Tensor) => refilledStage1Loss({ ...defaults, form, margin: 0.5, studentEmb: s as tf.Tensor2D, labels, ...teacherInput }).loss;
            const { value, grad } = tf.valueAndGrad(f)(student);
            const stats = refilledStage1Loss({ ...defaults, form, margin: 0.5, studentEmb: student, labels, ...teacherInput }).stats;
            return { loss: value.arraySync(), grad: Array.from(grad.dataSync()), stats: readStats(stats) };
          });
        const a = run(true);
        const b = run(false);
        expect(a.loss).toBeGreaterThan(0);
        expect(a.loss).toBeCloseTo(b.loss, 6);
        a.grad.forEach((g, i) => expect(g).toBeCloseTo(b.grad[i], 6));
        expect(a.stats).toEqual(b.stats);
        tf.dispose([student, teacher, labels]);
      }
    });

    it('the rows and columns of the whole set\'s matrix are the batch\'s own distances', () => {
      const emb = tf.randomNormal([20, 9], 0, 1, 'float32', 5) as tf.Tensor2D;
      const idx = tf.tensor1d([3, 17, 0, 8, 8, 11], 'int32');
      const whole = teacherDistances(emb);
      const gathered = tf.gather(tf.gather(whole, idx), idx, 1);
      const direct = teacherDistances(tf.gather(emb, idx) as tf.Tensor2D);
      expect(tf.max(tf.abs(tf.sub(gathered, direct))).arraySync()).toBeLessThan(1e-5);
      tf.dispose([emb, idx, whole, gathered, direct]);
    });

    it('needs one of the two', () => {
      const { student, labels } = randomBatch(3, 4, 3, 2);
      expect(() => refilledStage1Loss({ ...defaults, studentEmb: student, labels })).toThrow(/teacherEmb or teacherDist/);
      tf.dispose([student, labels]);
    });
  });
});
