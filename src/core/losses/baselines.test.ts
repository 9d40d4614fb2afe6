import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { crossEntropy, hintonKdLoss, huber, rkdLoss } from './baselines';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('crossEntropy', () => {
  it('is −log softmax(z)[y] averaged over the batch', () => {
    // softmax([0, ln 3]) = [¼, ¾]: CE for y = 1 is −ln ¾, for y = 0 is −ln ¼.
    const z = tf.tensor2d([[0, Math.log(3)], [0, Math.log(3)]]);
    const ce = crossEntropy(z, tf.tensor1d([1, 0], 'int32')).arraySync();
    expect(ce).toBeCloseTo((-Math.log(0.75) - Math.log(0.25)) / 2, 6);
  });
});

describe('hintonKdLoss', () => {
  // z = [1,2,3], t = [3,2,1], y = 2, τ = 2, λ = 0.7:
  //   KL(softmax(t/2) ‖ softmax(z/2)) = 0.3201566678, CE = −log softmax(z)[2] = 0.4076059644,
  //   loss = CE + λ τ² KL = 0.4076059644 + 0.7 · 4 · 0.3201566678 = 1.3040446344.
  const options = () => ({
    studentLogits: tf.tensor2d([[1, 2, 3]]),
    teacherLogits: tf.tensor2d([[3, 2, 1]]),
    labels: tf.tensor1d([2], 'int32'),
    tau: 2,
    lambda: 0.7,
  });

  it('is CE + λ · τ² · KL, hand-computed', () => {
    const { loss, ce, kd } = hintonKdLoss(options());
    expect(kd.arraySync()).toBeCloseTo(0.3201566678, 6);
    expect(ce.arraySync()).toBeCloseTo(0.4076059644, 6);
    expect(loss.arraySync()).toBeCloseTo(1.3040446344, 5);
  });

  it('has zero KD when the logits are equal, and no gradient to the teacher', () => {
    const z = tf.tensor2d([[0.3, -1, 2], [1, 1, 0]]);
    const labels = tf.tensor1d([2, 0], 'int32');
    const { loss, ce, kd } = hintonKdLoss({ studentLogits: z, teacherLogits: z, labels, tau: 4, lambda: 0.9 });
    expect(kd.arraySync()).toBeCloseTo(0, 7);
    expect(loss.arraySync()).toBeCloseTo(ce.arraySync(), 6);
    const [gZ, gT] = tf.grads((s: tf.Tensor, t: tf.Tensor) =>
      hintonKdLoss({ ...options(), studentLogits: s as tf.Tensor2D, teacherLogits: t as tf.Tensor2D }).loss,
    )([options().studentLogits, options().teacherLogits]);
    expect((gZ.arraySync() as number[][]).flat().some((v) => v !== 0)).toBe(true);
    expect((gT.arraySync() as number[][]).flat().every((v) => v === 0)).toBe(true);
  });
});

describe('huber', () => {
  it('is ½x² inside |x| < 1 and |x| − ½ outside', () => {
    expect(huber(tf.tensor1d([-3, -0.5, 0, 0.5, 2])).arraySync()).toEqual([2.5, 0.125, 0, 0.125, 1.5]);
  });
});

describe('rkdLoss', () => {
  // Student (0,0), (1,0), (0,1); teacher (0,0), (2,0), (0,1).
  //   distance: ψ_D = d / mean off-diagonal d; student d = 1, 1, √2; teacher d = 2, 1, √5;
  //   mean Huber over the 6 ordered pairs = 0.0277266799.
  //   angle: cosines at each vertex of the two triangles; mean Huber over the 6 ordered distinct
  //   triples = 0.0171055673. loss = 25 · 0.0277266799 + 50 · 0.0171055673 = 1.5484453637.
  it('is the weighted sum of the distance-wise and angle-wise Huber terms, hand-computed', () => {
    const { loss, distance, angle } = rkdLoss({
      studentEmb: tf.tensor2d([[0, 0], [1, 0], [0, 1]]),
      teacherEmb: tf.tensor2d([[0, 0], [2, 0], [0, 1]]),
    });
    expect(distance.arraySync()).toBeCloseTo(0.0277266799, 6);
    expect(angle.arraySync()).toBeCloseTo(0.0171055673, 6);
    expect(loss.arraySync()).toBeCloseTo(1.5484453637, 5);
  });

  it('is 0 when the embeddings are identical up to scale (teacher may have another width)', () => {
    const student = tf.randomNormal([10, 4], 0, 1, 'float32', 4) as tf.Tensor2D;
    // Teacher = 3 · student padded with a zero column: same relations, different dimension.
    const teacher = tf.concat([tf.mul(student, 3), tf.zeros([10, 1])], 1) as tf.Tensor2D;
    const { loss, distance, angle } = rkdLoss({ studentEmb: student, teacherEmb: teacher });
    expect(distance.arraySync()).toBeCloseTo(0, 6);
    expect(angle.arraySync()).toBeCloseTo(0, 6);
    expect(loss.arraySync()).toBeCloseTo(0, 4);
  });

  it('sends finite gradients to the student, none to the teacher, and leaks nothing', () => {
    const student = tf.randomNormal([8, 5], 0, 1, 'float32', 5) as tf.Tensor2D;
    const teacher = tf.randomNormal([8, 7], 0, 1, 'float32', 6) as tf.Tensor2D;
    const before = tf.memory().numTensors;
    tf.tidy(() => {
      const [gS, gT] = tf.grads((s: tf.Tensor, t: tf.Tensor) =>
        rkdLoss({ studentEmb: s as tf.Tensor2D, teacherEmb: t as tf.Tensor2D, distanceWeight: 1, angleWeight: 2 }).loss,
      )([student, teacher]);
      const gradS = (gS.arraySync() as number[][]).flat();
      expect(gradS.every(Number.isFinite)).toBe(true);
      expect(gradS.some((v) => v !== 0)).toBe(true);
      expect((gT.arraySync() as number[][]).flat().every((v) => v === 0)).toBe(true);
    });
    const { loss, distance, angle } = rkdLoss({ studentEmb: student, teacherEmb: teacher });
    tf.dispose([loss, distance, angle]);
    expect(tf.memory().numTensors).toBe(before);
  });
});
