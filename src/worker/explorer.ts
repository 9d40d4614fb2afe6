/**
 * The worker's side of the explorer panels, for one run. Hears the run's reporting steps
 * (`onMetrics`, inside the experiment's report), queues the device work for them there, and
 * reads it back once per reporting step in `drain` (between steps); posts nothing on the other
 * steps. The stage-1 triplet sample itself comes with the reporting step's statistics (the
 * objective's probe), so it costs no read-back of its own.
 */
import * as tf from '@tensorflow/tfjs';
import { DATASETS, type DatasetId } from '../protocol/catalog';
import { MAX_FOLLOWED_TRIPLETS, type ClassAffinity, type ExplorerEvent, type ExplorerImage, type TripletIds } from '../protocol/explorer';
import type { MetricsPoint } from '../protocol/results';
import { classAffinity, localClassifierView, tripletProbabilities } from '../core/explorer';
import { classCentres } from '../core/losses';
import type { Experiment } from '../core/trainer/experiment';
import { mapInChunks } from '../core/trainer/evaluate';

/** Training images per student class averaged for the class affinity (an even stride). */
const AFFINITY_IMAGES_PER_CLASS = 64;
/** Images sent with one explorer event at most (a sample has ≤ 72 distinct ones). */
const MAX_IMAGES_PER_EVENT = 96;

interface Pending {
  step: number;
  stage: 1 | 2;
  event: Extract<ExplorerEvent, { type: 'explorer' }>;
  /** [followed pT…, followed pS…, q…, p…, train images…, val images…] on the device. */
  values: tf.Tensor1D;
  follow: TripletIds[];
  images: { split: 'train' | 'val'; index: number }[];
}

export class ExplorerProbe {
  private follow: TripletIds[] = [];
  private valIndex = 0;
  private readonly sentImages = new Set<string>();
  private pending: Pending[] = [];
  /** Raw class means [C, Dt] of f_T over the training set: the local classifier's centres for one image. */
  private readonly centres: tf.Tensor2D;

  constructor(
    private readonly exp: Experiment,
    private readonly runId: number,
    private readonly post: (event: ExplorerEvent) => void,
  ) {
    exp.explore = true;
    const view = exp.explorerView();
    this.centres = classCentres(view.teacherTrainEmb, view.train.labels, exp.config.studentClasses.length);
  }

  /** Once per run, before training: the class affinity and the local classifier's candidate images (one read-back). */
  async setup(): Promise<void> {
    const { train, val, teacher } = this.exp.explorerView();
    const config = this.exp.config;
    const numClasses = config.studentClasses.length;
    const candidates = firstOfEachClass(val.labelArray, numClasses);
    const rows = affinityRows(train.labelArray, numClasses);
    const withAffinity = teacher.numClasses > 0;
    const packed = tf.tidy(() => {
      const parts: tf.Tensor[] = [tf.reshape(tf.gather(val.images, candidates.map((c) => c.valIndex)), [-1])];
      if (withAffinity) {
        const logits = mapInChunks(tf.gather(train.images, rows), 64, (x) => teacher.logits(x));
        parts.unshift(tf.reshape(classAffinity(logits, tf.gather(train.labels, rows), numClasses), [-1]));
      }
      return tf.concat(parts);
    });
    const values = await this.exp.readbacks.read(packed);
    packed.dispose();
    const t = withAffinity ? teacher.numClasses : 0;
    const names = (DATASETS[config.dataset as DatasetId] as { classNames: readonly string[] } | undefined)?.classNames ?? [];
    const nameOf = (c: number) => names[c] ?? `class ${c}`;
    const affinity: ClassAffinity = {
      studentClasses: config.studentClasses.map(nameOf),
      teacherClasses: Array.from({ length: t }, (_, j) => (teacher.numClasses === config.teacherClasses.length ? nameOf(config.teacherClasses[j]) : `output ${j}`)),
      matrix: Array.from({ length: withAffinity ? numClasses : 0 }, (_, c) => Array.from(values.slice(c * t, (c + 1) * t))),
    };
    const offset = withAffinity ? numClasses * t : 0;
    const images = candidates.map((c, i) => this.image('val', c.valIndex, values.subarray(offset + i * 784, offset + (i + 1) * 784)));
    this.post({ type: 'explorer-setup', runId: this.runId, affinity, candidates, images });
  }

  /** The page's choice: triplets to follow (training-set indices, checked and bounded) and the validation image to inspect. */
  focus(follow: TripletIds[], valIndex: number): void {
    const { train, val } = this.exp.explorerView();
    const valid = (i: number) => Number.isInteger(i) && i >= 0 && i < train.count;
    this.follow = follow.filter((t) => valid(t.anchor) && valid(t.positive) && valid(t.negative)).slice(0, MAX_FOLLOWED_TRIPLETS);
    if (Number.isInteger(valIndex) && valIndex >= 0 && valIndex < val.count) this.valIndex = valIndex;
  }

  /**
   * A reporting step: moves the point's triplet sample into an explorer event and queues, on
   * the device, the followed triplets' p_T and p_S, the local classifier on the chosen image
   * and the pixels of images the page has not seen. Called synchronously from the report.
   */
  onMetrics(point: MetricsPoint): void {
    const triplets = point.tripletSample;
    delete point.tripletSample;
    const event: Pending['event'] = { type: 'explorer', runId: this.runId, step: point.step, stage: point.stage };
    if (triplets) event.triplets = triplets;
    if (point.teacherTargets) event.sharpness = point.teacherTargets;
    const wanted = new Set<number>();
    for (const t of [...(triplets ?? []), ...this.follow]) for (const i of [t.anchor, t.positive, t.negative]) if (!this.sentImages.has(`train:${i}`)) wanted.add(i);
    const images: Pending['images'] = [...wanted].slice(0, MAX_IMAGES_PER_EVENT).map((index) => ({ split: 'train', index }));
    if (!this.sentImages.has(`val:${this.valIndex}`)) images.push({ split: 'val', index: this.valIndex });
    const follow = [...this.follow];
    const values = tf.tidy(() => this.deviceValues(follow, images));
    this.pending.push({ step: point.step, stage: point.stage, event, values, follow, images });
  }

  /** Reads the queued reporting steps back (one read-back each) and posts them in order. */
  async drain(): Promise<void> {
    const queued = this.pending;
    this.pending = [];
    try {
      for (const item of queued) await this.postItem(item);
    } finally {
      for (const item of queued) item.values.dispose();
    }
  }

  dispose(): void {
    for (const item of this.pending) item.values.dispose();
    this.pending = [];
    this.centres.dispose();
  }

  private deviceValues(follow: TripletIds[], images: { split: 'train' | 'val'; index: number }[]): tf.Tensor1D {
    const { train, val, teacher, teacherTrainEmb, tau2, teacherTau, convGradient } = this.exp.explorerView();
    const student = this.exp.student;
    const config = this.exp.config;
    const parts: tf.Tensor[] = [];
    if (follow.length > 0) {
      const ids = follow.flatMap((t) => [t.anchor, t.positive, t.negative]);
      const rows = tf.tensor2d(
        follow.map((_, k) => [3 * k, 3 * k + 1, 3 * k + 2]),
        [follow.length, 3],
        'int32',
      );
      parts.push(tripletProbabilities(tf.gather(teacherTrainEmb, ids), rows, config.stage1.tau1));
      parts.push(tripletProbabilities(student.embed(tf.gather(train.images, ids), false, convGradient), rows, config.stage1.tau1));
    }
    const x = tf.gather(val.images, [this.valIndex]);
    const { q, p } = localClassifierView({
      teacherEmb: teacher.embed(x),
      centres: this.centres,
      studentLogits: student.head(student.embed(x, false, convGradient)),
      classMask: null,
      score: config.stage2.score,
      teacherTau,
      studentTau: tau2,
    });
    parts.push(tf.reshape(q, [-1]), tf.reshape(p, [-1]));
    for (const split of ['train', 'val'] as const) {
      const indices = images.filter((i) => i.split === split).map((i) => i.index);
      if (indices.length > 0) parts.push(tf.reshape(tf.gather((split === 'train' ? train : val).images, indices), [-1]));
    }
    return tf.concat(parts) as tf.Tensor1D;
  }

  private async postItem(item: Pending): Promise<void> {
    const { event, follow, images } = item;
    {
      const values = await this.exp.readbacks.read(item.values);
      const k = follow.length;
      if (k > 0) event.followed = follow.map((t, i) => ({ ...t, pT: values[i], pS: values[k + i] }));
      const c = this.exp.config.studentClasses.length;
      const { val } = this.exp.explorerView();
      event.local = { valIndex: this.valIndex, label: val.labelArray[this.valIndex], q: Array.from(values.slice(2 * k, 2 * k + c)), p: Array.from(values.slice(2 * k + c, 2 * k + 2 * c)) };
      let offset = 2 * k + 2 * c;
      const ordered = [...images.filter((i) => i.split === 'train'), ...images.filter((i) => i.split === 'val')];
      event.images = ordered.map((i) => {
        const image = this.image(i.split, i.index, values.subarray(offset, offset + 784));
        offset += 784;
        return image;
      });
    }
    this.post(event);
  }

  /** A 28×28 image from [0, 1] floats to bytes, remembered as sent. */
  private image(split: 'train' | 'val', index: number, pixels: ArrayLike<number>): ExplorerImage {
    this.sentImages.add(`${split}:${index}`);
    return { split, index, pixels: Uint8Array.from({ length: 784 }, (_, i) => Math.round(Math.min(1, Math.max(0, pixels[i])) * 255)) };
  }
}

/** The first validation image of each class (the split is grouped by class). */
function firstOfEachClass(labels: Int32Array, numClasses: number): { valIndex: number; label: number }[] {
  const out: { valIndex: number; label: number }[] = [];
  for (let c = 0; c < numClasses; c++) {
    const i = labels.indexOf(c);
    if (i >= 0) out.push({ valIndex: i, label: c });
  }
  return out;
}

/** ≤ AFFINITY_IMAGES_PER_CLASS training rows of each class, an even stride through its images. */
function affinityRows(labels: Int32Array, numClasses: number): number[] {
  const rows: number[] = [];
  for (let c = 0; c < numClasses; c++) {
    const members: number[] = [];
    labels.forEach((y, i) => {
      if (y === c) members.push(i);
    });
    const n = Math.min(AFFINITY_IMAGES_PER_CLASS, members.length);
    for (let j = 0; j < n; j++) rows.push(members[Math.floor((j * members.length) / n)]);
  }
  return rows;
}
