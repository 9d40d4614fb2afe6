import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { describeBothPaths } from '../kernels/bothPaths.testkit';
import { classCentres, lambdaAt, normalizeRows, refilledStage2Loss, type Stage2Options } from './stage2';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

// A batch of 3 over C = 3 student classes, class 2 absent.
//   teacher f_T (raw): x0 = (1,0) [class 0], x1 = (3,0) [class 0], x2 = (0,2) [class 1].
//   local centres: c0 = (2,0), c1 = (0,2), c2 = 0 → ĉ0 = (1,0), ĉ1 = (0,1).
//   student logits z: [1,0,5], [0,0,−1], [2,1,0].
// dot scores s_k = ⟨f_T, ĉ_k⟩ over 𝓑 = {0,1}: [1,0], [3,0], [0,2].
// sqeuclidean s_k = −‖f_T − c_k‖²: [−1,−5], [−1,−13], [−8,0].
// CE over all 3 classes = mean(−log softmax(z)[y]) = 2.0981152195.
// KL(q ‖ p) per example, q = softmax(s/τ₂), p = softmax(z[𝓑]/τ):
//   dot, τ₂ = 2, both:           [0, 0.2180956169, 0.2574031646] → batchmean 0.1584995938
//   sqeuclidean, τ₂ = 2, both:   [0.1683445901, 0.6758357565, 0.8749891114] → 0.5730564860
//   dot, τ₂ = 1, teacher only:   [0, 0.5022822095, 0.8287249104] → 0.4436690400
//   dot, τ₂ = 2, both, scope all (s over {0,1,2}, ĉ2 = 0 → s2 = 0): → 0.3751548805
//   sqeuclidean, τ₂ = 2, teacher only: → 0.6493824069
// 'elementwise' divides the same sum by B · |𝓑| instead of B: dot/2/both → 0.0792497969.
const CE = 2.0981152195;
const base = (): Stage2Options => ({
  studentLogits: tf.tensor2d([[1, 0, 5], [0, 0, -1], [2, 1, 0]]),
  teacherEmb: tf.tensor2d([[1, 0], [3, 0], [0, 2]]),
  labels: tf.tensor1d([0, 0, 1], 'int32'),
  numClasses: 3,
  centres: 'local',
  score: 'dot',
  tau2: 2,
  temperatureOn: 'both',
  lambda: 0.5,
  scope: 'batch',
  klReduction: 'batchmean',
});

function read(options: Stage2Options) {
  const { loss, ce, kd } = refilledStage2Loss(options);
  return { loss: loss.arraySync(), ce: ce.arraySync(), kd: kd.arraySync() };
}

describe('classCentres and normalizeRows', () => {
  it('gives per-class means with zero rows for absent classes', () => {
    const centres = classCentres(tf.tensor2d([[1, 0], [3, 0], [0, 2]]), tf.tensor1d([0, 0, 1], 'int32'), 3);
    expect(centres.arraySync()).toEqual([[2, 0], [0, 2], [0, 0]]);
    expect(normalizeRows(centres).arraySync()).toEqual([[1, 0], [0, 1], [0, 0]]);
  });
});

// The loss's tests run twice: with the fused stage-2 kernels (the default on cpu) and with tfjs's own operations.
describeBothPaths('stage2', () => {

  describe('refilledStage2Loss: hand-computed', () => {
    it('dot score, τ₂ on both, local centres, batchmean: loss = CE + λ · KL', () => {
      const { loss, ce, kd } = read(base());
      expect(ce).toBeCloseTo(CE, 5);
      expect(kd).toBeCloseTo(0.1584995938, 6);
      expect(loss).toBeCloseTo(CE + 0.5 * 0.1584995938, 5);
    });

    it('elementwise reduction divides by B · |classes in the batch|', () => {
      expect(read({ ...base(), klReduction: 'elementwise' }).kd).toBeCloseTo(0.0792497969, 6);
    });

    it("sqeuclidean score (the paper's form) uses raw centres", () => {
      expect(read({ ...base(), score: 'sqeuclidean' }).kd).toBeCloseTo(0.573056486, 5);
      expect(read({ ...base(), score: 'sqeuclidean', temperatureOn: 'teacher' }).kd).toBeCloseTo(0.6493824069, 5);
    });

    it('temperature on the teacher only (TPAMI code)', () => {
      expect(read({ ...base(), tau2: 1, temperatureOn: 'teacher' }).kd).toBeCloseTo(0.44366904, 6);
    });

    it("scope 'all' takes the absent class into the KL, and differs from 'batch'", () => {
      const all = read({ ...base(), scope: 'all' }).kd;
      expect(all).toBeCloseTo(0.3751548805, 6);
      expect(all).not.toBeCloseTo(read(base()).kd, 3);
    });

    it('takes λ as a scalar tensor as well', () => {
      expect(read({ ...base(), lambda: tf.scalar(0.5) }).loss).toBeCloseTo(CE + 0.5 * 0.1584995938, 5);
    });
  });

  describe('refilledStage2Loss: invariants', () => {
    it('local and global centres agree when the batch holds every example of each class', () => {
      // Global centres from the same examples in another order.
      const globalCentres = classCentres(tf.tensor2d([[0, 2], [3, 0], [1, 0]]), tf.tensor1d([1, 0, 0], 'int32'), 3);
      for (const score of ['dot', 'sqeuclidean'] as const) {
        const local = read({ ...base(), score });
        const global = read({ ...base(), score, centres: 'global', globalCentres });
        expect(global.loss).toBeCloseTo(local.loss, 6);
        expect(global.kd).toBeCloseTo(local.kd, 6);
      }
    });

    it("needs globalCentres [C, D] for centres 'global', and logits over numClasses", () => {
      expect(() => refilledStage2Loss({ ...base(), centres: 'global' })).toThrow(/globalCentres/);
      expect(() => refilledStage2Loss({ ...base(), centres: 'global', globalCentres: tf.zeros([2, 2]) })).toThrow(/globalCentres/);
      expect(() => refilledStage2Loss({ ...base(), numClasses: 4 })).toThrow(/numClasses/);
    });

    it('KD is 0 when the student logits are the teacher scores (τ₂ on both)', () => {
      const scores = tf.tensor2d([[1, 0, 7], [3, 0, -2], [0, 2, 1]]); // s over 𝓑 = {0,1}; class 2 is masked out
      expect(read({ ...base(), studentLogits: scores }).kd).toBeCloseTo(0, 7);
    });

    it('is finite and ≥ 0 with a one-class batch', () => {
      const out = read({ ...base(), labels: tf.tensor1d([1, 1, 1], 'int32') });
      expect(out.kd).toBeCloseTo(0, 7); // a softmax over one class is 1 on both sides
      expect(Number.isFinite(out.loss)).toBe(true);
    });

    it('sends finite gradients to the student logits and none to the teacher or the centres', () => {
      const o = base();
      const globalCentres = tf.tensor2d([[2, 0.5], [0, 2], [1, 1]]);
      const lossOf = (z: tf.Tensor, t: tf.Tensor, c?: tf.Tensor) =>
        refilledStage2Loss({
          ...o,
          score: 'sqeuclidean',
          centres: c ? 'global' : 'local',
          studentLogits: z as tf.Tensor2D,
          teacherEmb: t as tf.Tensor2D,
          globalCentres: c as tf.Tensor2D | undefined,
        }).loss;
      const local = tf.grads((z: tf.Tensor, t: tf.Tensor) => lossOf(z, t))([o.studentLogits, o.teacherEmb]);
      const global = tf.grads(lossOf)([o.studentLogits, o.teacherEmb, globalCentres]);
      for (const [gZ, ...teacherSide] of [local, global]) {
        const gradZ = (gZ.arraySync() as number[][]).flat();
        expect(gradZ.every(Number.isFinite)).toBe(true);
        expect(gradZ.some((v) => v !== 0)).toBe(true);
        for (const g of teacherSide) expect((g.arraySync() as number[][]).flat().every((v) => v === 0)).toBe(true);
      }
      expect(global).toHaveLength(3);
    });

    it('leaks no tensors', () => {
      const o = base();
      const before = tf.memory().numTensors;
      const { loss, ce, kd } = refilledStage2Loss(o);
      tf.dispose([loss, ce, kd]);
      tf.tidy(() => {
        tf.grads((z: tf.Tensor) => refilledStage2Loss({ ...o, studentLogits: z as tf.Tensor2D }).loss)([o.studentLogits]);
      });
      expect(tf.memory().numTensors).toBe(before);
    });
  });
});

describe('lambdaAt', () => {
  it('is λ₀ when constant and λ₀ · exp(−r · e) when decayed', () => {
    expect(lambdaAt({ lambda0: 100, kind: 'constant', decayRate: 0.05 }, 7)).toBe(100);
    const decayed = { lambda0: 1000, kind: 'exp-decay', decayRate: 0.05 } as const;
    expect(lambdaAt(decayed, 0)).toBe(1000);
    expect(lambdaAt(decayed, 10)).toBeCloseTo(606.5306597, 6); // 1000 · e^−0.5
    expect(lambdaAt(decayed, 40)).toBeCloseTo(135.3352832, 6); // 1000 · e^−2
  });
});
