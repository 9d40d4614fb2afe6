import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { resolveConfig } from '../../protocol/config';
import type { MetricsPoint } from '../../protocol/results';
import { refilledStage1Loss, refilledStage2Loss, teacherDistances } from '../losses';
import { METHOD_TABLE, type BatchContext } from '../trainer/objectives';
import { classAffinity } from './affinity';
import { batchScope, localClassifierView, targetSharpness } from './localClassifier';
import { decodeTripletSample, TRIPLET_SAMPLE_SIZE, tripletProbabilities } from './tripletSample';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

/** Unit rows of a seeded random matrix, as plain arrays. */
function randomRows(n: number, d: number, seed: number): number[][] {
  let s = seed;
  const next = () => ((s = (s * 1103515245 + 12345) % 2147483648) / 2147483648) * 2 - 1;
  return Array.from({ length: n }, () => Array.from({ length: d }, next));
}

function unit(v: number[]): number[] {
  const norm = Math.hypot(...v);
  return v.map((x) => x / norm);
}

function dist(u: number[], v: number[]): number {
  return Math.hypot(...u.map((x, i) => x - v[i]));
}

const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

describe('sampleMinedTriplets (through refilledStage1Loss)', () => {
  const labels = [0, 0, 0, 1, 1, 2, 2, 2];
  const student = randomRows(8, 5, 7);
  const teacher = randomRows(8, 6, 11);
  const rowIds = [40, 41, 42, 43, 44, 45, 46, 47];
  const tau1 = 4;
  const margin = 0.6;

  function run(form: 'triplet' | 'tuple', size = TRIPLET_SAMPLE_SIZE) {
    return tf.tidy(() => {
      const r = refilledStage1Loss({
        studentEmb: tf.tensor2d(student),
        teacherEmb: tf.tensor2d(teacher),
        labels: tf.tensor1d(labels, 'int32'),
        mining: 'semihard-margin',
        margin,
        form,
        tau1,
        w1: 1,
        sample: { size, rowIds: tf.tensor1d(rowIds, 'int32') },
      });
      return { sample: r.sample as tf.Tensor2D, mined: r.stats.mined, meanPT: r.stats.meanPT, meanPS: r.stats.meanPS };
    });
  }

  /** The mined triplets by the rule, computed by hand in plain numbers. */
  function minedByHand(): { a: number; p: number; n: number; pT: number; pS: number }[] {
    const s = student.map(unit);
    const t = teacher.map(unit);
    const out = [];
    for (let a = 0; a < 8; a++)
      for (let p = 0; p < 8; p++)
        for (let n = 0; n < 8; n++) {
          if (a === p || labels[a] !== labels[p] || labels[n] === labels[a]) continue;
          const gap = dist(s[a], s[n]) - dist(s[a], s[p]);
          if (gap <= 0 || gap > margin) continue;
          out.push({ a, p, n, pT: sigmoid((dist(t[a], t[n]) - dist(t[a], t[p])) / tau1), pS: sigmoid(gap / tau1) });
        }
    return out;
  }

  it('returns one mined triplet per anchor by training-set index, with p_T and p_S equal to the loss’s', () => {
    const r = tf.tidy(() => {
      const out = refilledStage1Loss({ studentEmb: tf.tensor2d(student), teacherEmb: tf.tensor2d(teacher), labels: tf.tensor1d(labels, 'int32'), mining: 'semihard-margin', margin, form: 'triplet', tau1, w1: 1, sample: { size: 64, rowIds: tf.tensor1d(rowIds, 'int32') } });
      return { sample: out.sample as tf.Tensor2D, anchors: out.stats.anchorsWithTriplet };
    });
    const rows = decodeTripletSample(r.sample.dataSync(), 64);
    const expected = minedByHand();
    expect(expected.length).toBeGreaterThan(3);
    // Every anchor with a mined triplet shows one (k exceeds the batch here).
    expect(rows.length).toBe(r.anchors.dataSync()[0]);
    expect(rows.length).toBe(new Set(expected.map((e) => e.a)).size);
    expect(new Set(rows.map((row) => row.anchor)).size).toBe(rows.length);
    for (const row of rows) {
      const [a, p, n] = [row.anchor - 40, row.positive - 40, row.negative - 40];
      const match = expected.find((e) => e.a === a && e.p === p && e.n === n);
      expect(match, `triplet ${a},${p},${n} is mined`).toBeDefined();
      expect(row.pT).toBeCloseTo(match!.pT, 5);
      expect(row.pS).toBeCloseTo(match!.pS, 5);
    }
    tf.dispose([r.sample, r.anchors]);
  });

  it('p_T and p_S are the statistics’ own: with one mined triplet the sample’s values are the means', () => {
    // Anchor 0 and positive 1 of class 0, one negative 2 close enough to be mined.
    const out = tf.tidy(() => {
      const r = refilledStage1Loss({ studentEmb: tf.tensor2d([[1, 0], [0.9, 0.1], [0.9, 0.2]]), teacherEmb: tf.tensor2d([[1, 0, 0], [0, 1, 0], [0, 0, 1]]), labels: tf.tensor1d([0, 0, 1], 'int32'), mining: 'semihard-margin', margin: 2, form: 'triplet', tau1, w1: 1, sample: { size: 4 } });
      return tf.concat([tf.reshape(r.sample as tf.Tensor2D, [-1]), tf.stack([r.stats.mined, r.stats.meanPT, r.stats.meanPS])]);
    });
    const v = out.dataSync();
    const rows = decodeTripletSample(v.slice(0, 24), 4);
    const [mined, meanPT, meanPS] = v.slice(24);
    expect(mined).toBe(rows.length);
    expect(rows[0].pT).toBe(meanPT);
    expect(rows[0].pS).toBe(meanPS);
    out.dispose();
  });

  it('keeps at most k triplets, one per anchor, in the tuple form too', () => {
    const k = 5;
    const { sample, mined, meanPT, meanPS } = run('tuple', k);
    expect(sample.shape).toEqual([k, 6]);
    const rows = decodeTripletSample(sample.dataSync(), k);
    expect(rows.length).toBe(k);
    expect(new Set(rows.map((r) => r.anchor)).size).toBe(k);
    for (const r of rows) {
      expect(labels[r.anchor - 40]).toBe(labels[r.positive - 40]);
      expect(labels[r.negative - 40]).not.toBe(labels[r.anchor - 40]);
    }
    tf.dispose([sample, mined, meanPT, meanPS]);
  });

  it('gives no rows when nothing is mined, and no sample without statistics', () => {
    const none = tf.tidy(() => {
      const r = refilledStage1Loss({ studentEmb: tf.tensor2d(student), teacherEmb: tf.tensor2d(teacher), labels: tf.tensor1d([0, 0, 0, 0, 0, 0, 0, 0], 'int32'), mining: 'semihard-margin', margin, form: 'triplet', tau1, w1: 1, sample: { size: 4 } });
      return r.sample as tf.Tensor2D;
    });
    expect(decodeTripletSample(none.dataSync(), 4)).toEqual([]);
    none.dispose();
    const before = tf.memory().numTensors;
    const r = refilledStage1Loss({ studentEmb: tf.tensor2d(student), teacherEmb: tf.tensor2d(teacher), labels: tf.tensor1d(labels, 'int32'), mining: 'semihard-margin', margin, form: 'triplet', tau1, w1: 1, stats: false, sample: { size: 4 } });
    expect(r.sample).toBeUndefined();
    tf.dispose([r.loss, ...Object.values(r.stats)]);
    expect(tf.memory().numTensors).toBe(before + 3); // the three inputs created inline above
  });

  it('leaks no tensor over repeated steps', () => {
    const first = run('triplet');
    tf.dispose(Object.values(first));
    const before = tf.memory().numTensors;
    for (let i = 0; i < 5; i++) tf.dispose(Object.values(run(i % 2 ? 'tuple' : 'triplet')));
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('localClassifierView', () => {
  it('matches hand-computed q and p on a tiny case', () => {
    const before = tf.memory().numTensors;
    const view = tf.tidy(() => {
      const { q, p } = localClassifierView({
        teacherEmb: tf.tensor2d([[1, 0]]),
        centres: tf.tensor2d([[2, 0], [0, 1]]), // ĉ = e₁, e₂ → s = (1, 0)
        studentLogits: tf.tensor2d([[0, Math.log(3)]]),
        classMask: null,
        score: 'dot',
        teacherTau: 1,
        studentTau: 1,
      });
      return tf.concat([q, p]);
    });
    const [q0, q1, p0, p1] = view.dataSync();
    expect(q0).toBeCloseTo(Math.E / (Math.E + 1), 6);
    expect(q1).toBeCloseTo(1 / (Math.E + 1), 6);
    expect(p0).toBeCloseTo(0.25, 6);
    expect(p1).toBeCloseTo(0.75, 6);
    view.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('uses the squared distance, temperatures and the class mask', () => {
    const out = tf.tidy(() => {
      const { q, p } = localClassifierView({
        teacherEmb: tf.tensor2d([[1, 0]]),
        centres: tf.tensor2d([[1, 0], [0, 0], [0, 1]]), // −‖f − c‖² = (0, −1, −2)
        studentLogits: tf.tensor2d([[2, 0, 9]]),
        classMask: tf.tensor2d([[1, 1, 0]]),
        score: 'sqeuclidean',
        teacherTau: 2,
        studentTau: 2,
      });
      return tf.concat([q, p]);
    });
    const [q0, q1, q2, p0, p1, p2] = out.dataSync();
    expect(q0).toBeCloseTo(1 / (1 + Math.exp(-0.5)), 6);
    expect(q1).toBeCloseTo(Math.exp(-0.5) / (1 + Math.exp(-0.5)), 6);
    expect(q2).toBe(0);
    expect(p0).toBeCloseTo(Math.E / (Math.E + 1), 6);
    expect(p1).toBeCloseTo(1 / (Math.E + 1), 6);
    expect(p2).toBe(0);
    out.dispose();
  });

  it('gives the stage-2 loss’s KL term: mean KL(q ‖ p) over the batch equals kd', () => {
    const emb = randomRows(6, 4, 3);
    const logits = randomRows(6, 4, 5);
    const labels = [0, 0, 1, 1, 3, 3];
    for (const centres of ['local', 'global'] as const) {
      const [kl, kd] = tf.tidy(() => {
        const teacherEmb = tf.tensor2d(emb);
        const y = tf.tensor1d(labels, 'int32');
        const globalCentres = tf.tensor2d(randomRows(4, 4, 9));
        const studentLogits = tf.tensor2d(logits);
        const scope = batchScope(teacherEmb, y, 4, centres === 'global' ? globalCentres : null, 'batch');
        const { q, p } = localClassifierView({ teacherEmb, centres: scope.centres, studentLogits, classMask: scope.classMask, score: 'dot', teacherTau: 0.5, studentTau: 2 });
        const klRows = tf.sum(tf.mul(q, tf.sub(tf.log(tf.maximum(q, 1e-30)), tf.log(tf.maximum(p, 1e-30)))), 1);
        const loss = refilledStage2Loss({ studentLogits, teacherEmb, labels: y, numClasses: 4, centres, globalCentres, score: 'dot', tau2: 2, teacherTau: 0.5, temperatureOn: 'both', lambda: 1, scope: 'batch', klReduction: 'batchmean' });
        return [tf.mean(klRows), loss.kd];
      });
      expect(kl.dataSync()[0]).toBeCloseTo(kd.dataSync()[0], 5);
      tf.dispose([kl, kd]);
    }
  });
});

describe('targetSharpness', () => {
  it('is (1/m, ln m) for uniform rows and (1, 0) for one-hot rows', () => {
    const out = tf.tidy(() => tf.concat([targetSharpness(tf.tensor2d([[0.25, 0.25, 0.25, 0.25]])), targetSharpness(tf.tensor2d([[0, 1, 0], [1, 0, 0]])), targetSharpness(tf.tensor2d([[0.5, 0.5, 0], [0.9, 0.1, 0]]))]));
    const v = out.dataSync();
    expect(v[0]).toBeCloseTo(0.25, 6);
    expect(v[1]).toBeCloseTo(Math.log(4), 6);
    expect(v[2]).toBeCloseTo(1, 6);
    expect(v[3]).toBeCloseTo(0, 6);
    expect(v[4]).toBeCloseTo((0.5 + 0.9) / 2, 6);
    expect(v[5]).toBeCloseTo((Math.log(2) - 0.9 * Math.log(0.9) - 0.1 * Math.log(0.1)) / 2, 6);
    out.dispose();
  });
});

describe('classAffinity', () => {
  it('averages the teacher’s softmax over each student class', () => {
    const before = tf.memory().numTensors;
    const a = tf.tidy(() => classAffinity(tf.tensor2d([[0, 0], [Math.log(3), 0], [0, Math.log(4)]]), tf.tensor1d([0, 0, 1], 'int32'), 3));
    expect(Array.from(a.dataSync()).map((x) => Math.round(x * 1e6) / 1e6)).toEqual([0.625, 0.375, 0.2, 0.8, 0, 0]);
    a.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('tripletProbabilities', () => {
  it('is σ((d_an − d_ap)/τ₁) on the normalised embedding', () => {
    const before = tf.memory().numTensors;
    // ẑ: a = e₁, p = (e₁ + e₂)/√2, n = −e₁ → d_ap = √(2 − √2), d_an = 2.
    const p = tf.tidy(() => tripletProbabilities(tf.tensor2d([[3, 0], [1, 1], [-2, 0]]), tf.tensor2d([[0, 1, 2], [0, 2, 1]], [2, 3], 'int32'), 4));
    const dap = Math.sqrt(2 - Math.SQRT2);
    const [first, second] = p.dataSync();
    expect(first).toBeCloseTo(sigmoid((2 - dap) / 4), 6);
    expect(second).toBeCloseTo(sigmoid((dap - 2) / 4), 6);
    p.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('the explorer’s probes in the objectives table', () => {
  it('are computed on reporting steps only when the explorer listens', () => {
    const labels = [0, 0, 1, 1, 2, 2];
    const stage1 = METHOD_TABLE.refilled.stage1!;
    const probeSize = (explore: boolean, withStats: boolean) =>
      tf.tidy(() => {
        const ctx: BatchContext = {
          config: resolveConfig({ 'stage1.margin': 2 }),
          numClasses: 3,
          labels: tf.tensor1d(labels, 'int32'),
          rows: tf.tensor1d([10, 11, 12, 13, 14, 15], 'int32'),
          teacherEmb: () => tf.tensor2d(randomRows(6, 4, 21)),
          teacherDist: () => teacherDistances(tf.tensor2d(randomRows(6, 4, 21))),
          teacherLogits: () => {
            throw new Error('not used');
          },
          globalCentres: null,
          tau2: 1,
          teacherTau: 1,
          lambda: 0,
          withStats,
          explore,
        };
        const r = stage1.compute(ctx, tf.tensor2d(randomRows(6, 3, 23)));
        const point: MetricsPoint = { stage: 1, step: 1, epoch: 0, learningRate: 0.1, loss: 0, stepMs: 0 };
        stage1.report({ mined: 1 }, 1, point, r.probe ? Array.from(r.probe.dataSync()) : []);
        return r.probe ? (point.tripletSample?.length ?? -1) : 0;
      });
    expect(probeSize(false, true)).toBe(0);
    expect(probeSize(true, false)).toBe(0);
    const shown = probeSize(true, true);
    expect(shown).toBeGreaterThan(0);
    expect(shown).toBeLessThanOrEqual(6);
  });
});
