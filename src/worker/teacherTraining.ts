/**
 * The teacher-training worker's side of its protocol, without the worker: trains a ConvNet
 * teacher on the shipped pool images of the chosen classes with the shipped teachers' own
 * recipe (core `trainSupervised`, `TEACHER_TRAINING`), measures it like `npm run teachers`
 * does (head accuracy on its classes' test images, NCM of its frozen embedding on the other
 * classes), and saves it as a stored teacher (source 'trained'). One job at a time; a job is
 * cancellable at every step. Reports through an injected `post`, so it runs in Node too.
 */
import * as tf from '@tensorflow/tfjs';
import { loadDataset, type Dataset, type FetchBytes } from '../core/data/loader';
import { autoConvGradient } from '../core/model/conv';
import { ConvNet } from '../core/model/convnet';
import { layersModelFiles, teacherFromLayersModel, type Teacher } from '../core/model/teacher';
import { trainSupervised } from '../core/trainer/supervised';
import { TEACHER_TRAINING, headAccuracy, selectClassImages, teacherNcmAccuracy } from '../core/trainer/teacherCard';
import { DATASETS } from '../protocol/catalog';
import type { BackendInfo } from '../protocol/messages';
import {
  trainedTeacherTitle,
  validateTeacherTraining,
  type TeacherTrainingEvent,
  type TeacherTrainingRequest,
  type TeacherTrainingSpec,
  type TrainedTeacherReport,
} from '../protocol/teacherTraining';
import type { StorageResult } from '../storage/errors';
import { STORED_TEACHER_PREFIX, type StoredTeacher } from '../storage/teachers';
import { toErrorEvent } from './handler';

export interface TeacherTrainingHandlerOptions {
  post: (event: TeacherTrainingEvent) => void;
  /** Reads a path under the data root (`<dataset>/manifest.json`, …). */
  data: FetchBytes;
  backend: BackendInfo;
  /** Keeps the trained teacher (storage's putTeacher in the app). */
  save: (teacher: StoredTeacher) => Promise<StorageResult<void>>;
  /** Milliseconds clock (default `performance.now`). */
  now?: () => number;
  /** Lets a queued 'cancel' in between steps (default: a 0 ms timeout). */
  yieldToEventLoop?: () => Promise<void>;
  /** Yield at least this often while training (default 25 ms; 0: after every step). */
  yieldEveryMs?: number;
  /** Progress is posted at most this often (default 250 ms; 0: every step). */
  progressEveryMs?: number;
  /** The random part of a new teacher's id (default: crypto.randomUUID). */
  newId?: () => string;
  /** Wall-clock time for `createdAt` (default: now). */
  clock?: () => Date;
}

export interface TeacherTrainingHandler {
  handle(msg: TeacherTrainingRequest): Promise<void>;
  /** The job in flight, if any (its training loop). */
  readonly busy: boolean;
}

/** A job asked to stop; unwinds the phases. */
class Cancelled extends Error {}

export function createTeacherTrainingHandler(options: TeacherTrainingHandlerOptions): TeacherTrainingHandler {
  const { post, data, save } = options;
  const now = options.now ?? (() => performance.now());
  const yieldToEventLoop = options.yieldToEventLoop ?? (() => new Promise<void>((resolve) => setTimeout(resolve, 0)));
  const yieldEveryMs = options.yieldEveryMs ?? 25;
  const progressEveryMs = options.progressEveryMs ?? 250;
  const newId = options.newId ?? (() => crypto.randomUUID());
  const clock = options.clock ?? (() => new Date());
  const datasets = new Map<string, Promise<Dataset>>();
  let job: { id: number; cancelled: boolean } | null = null;

  function dataset(name: string): Promise<Dataset> {
    let p = datasets.get(name);
    if (!p) {
      p = loadDataset(name, data);
      p.catch(() => datasets.delete(name));
      datasets.set(name, p);
    }
    return p;
  }

  async function train(jobId: number, spec: TeacherTrainingSpec, title: string | undefined): Promise<void> {
    const problems = validateTeacherTraining(spec);
    if (problems.length > 0) {
      post({ type: 'error', jobId, code: 'config-invalid', message: problems.join(' '), hint: 'Fix the teacher’s settings and train again.' });
      return;
    }
    if (job) {
      post({ type: 'error', jobId, code: 'config-invalid', message: 'A teacher is already training.', hint: 'Wait for it to finish, or cancel it first.' });
      return;
    }
    const self = { id: jobId, cancelled: false };
    job = self;
    const check = () => {
      if (self.cancelled) throw new Cancelled();
    };
    let net: ConvNet | null = null;
    let teacher: Teacher | null = null;
    try {
      post({ type: 'phase', jobId, phase: 'data' });
      const ds = await dataset(spec.dataset);
      check();
      const classes = [...spec.classes];
      const trainSet = selectClassImages(ds.splits.pool, classes);
      const testSet = selectClassImages(ds.splits.test, classes);
      const convGradient = autoConvGradient(tf.getBackend());

      post({ type: 'phase', jobId, phase: 'training' });
      net = new ConvNet({ widthMultiplier: spec.widthMultiplier, numClasses: classes.length, seed: spec.seed });
      const started = now();
      let lastYield = started;
      let lastProgress = -Infinity;
      const epochLosses: number[] = [];
      const stepsPerEpoch = Math.floor(trainSet.labels.length / spec.batchSize);
      const outcome = await trainSupervised(net, trainSet.images, trainSet.labels, {
        epochs: spec.epochs,
        batchSize: spec.batchSize,
        ...TEACHER_TRAINING,
        seed: spec.seed,
        convGradient,
        onEpoch: (_epoch, loss) => epochLosses.push(loss),
        onStep: async (step, totalSteps) => {
          const t = now();
          if (step === totalSteps || t - lastProgress >= progressEveryMs) {
            lastProgress = t;
            post({
              type: 'progress',
              jobId,
              step,
              totalSteps,
              epoch: Math.min(spec.epochs, Math.floor((step - 1) / stepsPerEpoch) + 1),
              epochs: spec.epochs,
              elapsedMs: t - started,
              epochLoss: epochLosses.length > 0 ? epochLosses[epochLosses.length - 1] : null,
              numTensors: tf.memory().numTensors,
            });
          }
          if (t - lastYield >= yieldEveryMs) {
            await yieldToEventLoop();
            lastYield = now();
          }
          return self.cancelled ? 'stop' : undefined;
        },
      });
      check();
      if (outcome.stopped) throw new Cancelled();
      const trainMs = now() - started;

      post({ type: 'phase', jobId, phase: 'evaluating' });
      const testAccuracy = await headAccuracy(net, testSet, convGradient);
      // Measured through the exported model, as the shipped teachers are: what the student will load.
      const model = net.toLayersModel();
      teacher = teacherFromLayersModel(model);
      const others = DATASETS[spec.dataset].classNames.map((_, c) => c).filter((c) => !classes.includes(c));
      const ncmOtherClasses = others.length >= 2 ? await teacherNcmAccuracy(teacher, selectClassImages(ds.splits.pool, others), selectClassImages(ds.splits.test, others), others.length) : null;
      check();

      post({ type: 'phase', jobId, phase: 'saving' });
      const files = await layersModelFiles(model);
      const exported = JSON.parse(files.modelJson) as { modelTopology: unknown; weightsManifest: { weights: unknown[] }[]; format: string; generatedBy: string; convertedBy: null };
      const report: TrainedTeacherReport = {
        id: `${STORED_TEACHER_PREFIX}${newId()}`,
        title: title?.trim() || trainedTeacherTitle(spec),
        dataset: spec.dataset,
        classes,
        trainingImages: stepsPerEpoch * spec.batchSize,
        testAccuracy,
        testImages: testSet.labels.length,
        ncmOtherClasses,
        parameters: model.countParams(),
        embeddingSize: teacher.embeddingSize,
        epochLosses,
        trainMs,
      };
      const record: StoredTeacher = {
        id: report.id,
        title: report.title,
        dataset: spec.dataset,
        classes,
        source: 'trained',
        createdAt: clock().toISOString(),
        embeddingLayer: teacher.embeddingLayer,
        modelJson: {
          format: exported.format,
          generatedBy: exported.generatedBy,
          convertedBy: exported.convertedBy,
          modelTopology: exported.modelTopology,
          weightSpecs: exported.weightsManifest.flatMap((g) => g.weights),
          // tfjs's own slot for metadata: how this teacher was trained, kept with the model.
          userDefinedMetadata: { trainedIn: 'browser', spec, backend: options.backend.name, trainingImages: report.trainingImages, testImages: report.testImages, epochLosses, trainMs },
        },
        weightData: files.weights.slice().buffer,
        card: { testAccuracy, ncmOtherClasses, parameters: report.parameters, embeddingSize: report.embeddingSize },
      };
      const saved = await save(record);
      if (!saved.ok) {
        post({ type: 'error', jobId, code: 'internal', message: `The teacher trained (test accuracy ${(testAccuracy * 100).toFixed(1)} %) but could not be saved: ${saved.error.message}`, hint: 'Free some storage, then train it again.' });
        return;
      }
      post({ type: 'saved', jobId, teacher: report });
    } catch (e) {
      if (e instanceof Cancelled) post({ type: 'cancelled', jobId });
      else {
        const { code, message, hint } = toErrorEvent(e, jobId);
        post({ type: 'error', jobId, code, message, hint });
      }
    } finally {
      teacher?.dispose();
      net?.dispose();
      if (job === self) job = null;
    }
  }

  return {
    get busy() {
      return job !== null;
    },
    async handle(msg) {
      switch (msg.type) {
        case 'init':
          post({ type: 'ready', backend: options.backend });
          return;
        case 'train':
          return train(msg.jobId, msg.spec, msg.title);
        case 'cancel':
          if (job && job.id === msg.jobId) job.cancelled = true;
          return;
        default: {
          const never: never = msg;
          throw new Error(`unknown request ${JSON.stringify(never)}`);
        }
      }
    },
  };
}
