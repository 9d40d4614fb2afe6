/**
 * The teacher being trained in the browser (the draft settings, the job's phase, progress and
 * time left). Written by the teacher-training bridge (`useTeacherTrainingStore.getState()…`);
 * read by the UI. The teachers kept in this browser live in state/teachersStore.ts.
 */
import { create } from 'zustand';
import { DATASETS, type DatasetId } from '../../protocol/catalog';
import {
  DEFAULT_TEACHER_TRAINING,
  teacherTrainingImages,
  teacherTrainingSteps,
  validateTeacherTraining,
  type TeacherTrainingEvent,
  type TeacherTrainingSpec,
  type TrainedTeacherReport,
} from '../../protocol/teacherTraining';
import { ETA_START, etaObserve, etaRemainingMs, etaResume, type EtaState } from '../eta';

export type TeacherJobStatus = 'idle' | 'starting' | 'data' | 'training' | 'evaluating' | 'saving' | 'saved' | 'cancelling' | 'cancelled' | 'error';

export interface TeacherJob {
  jobId: number;
  spec: TeacherTrainingSpec;
  status: TeacherJobStatus;
  step: number;
  totalSteps: number;
  epoch: number;
  epochs: number;
  epochLoss: number | null;
  eta: EtaState;
  report: TrainedTeacherReport | null;
  error: { message: string; hint: string } | null;
}

export interface TeacherTrainingState {
  spec: TeacherTrainingSpec;
  job: TeacherJob | null;

  setDataset(dataset: DatasetId): void;
  toggleClass(datasetClass: number): void;
  setClasses(classes: number[]): void;
  setSpec(patch: Partial<Omit<TeacherTrainingSpec, 'dataset' | 'classes'>>): void;
  /** A job was sent to the worker. */
  started(jobId: number, spec: TeacherTrainingSpec): void;
  cancelRequested(): void;
  /** A worker event; events of another job are dropped. */
  receive(event: TeacherTrainingEvent): void;
  /** The worker died under the job. */
  crashed(message: string): void;
}

const ACTIVE: readonly TeacherJobStatus[] = ['starting', 'data', 'training', 'evaluating', 'saving', 'cancelling'];

/** Whether a job is in flight (its button reads Cancel). */
export function jobActive(job: TeacherJob | null): boolean {
  return job !== null && ACTIVE.includes(job.status);
}

/** Time left of the job's training phase in ms, or null before the first measured interval. */
export function jobEtaMs(job: TeacherJob | null): number | null {
  if (!job || job.status !== 'training') return null;
  return etaRemainingMs(job.eta, job.step, job.totalSteps);
}

/** Problems of the draft spec, as sentences (empty: Train is enabled). */
export function specProblems(state: Pick<TeacherTrainingState, 'spec'>): string[] {
  return validateTeacherTraining(state.spec);
}

/** "600 images (2 classes × 300), 18 steps per epoch": what the draft will train on. */
export function specSummary(spec: TeacherTrainingSpec): { images: number; perClass: number; steps: number } {
  return { images: teacherTrainingImages(spec), perClass: DATASETS[spec.dataset].poolImagesPerClass, steps: teacherTrainingSteps(spec) };
}

export const useTeacherTrainingStore = create<TeacherTrainingState>()((set, get) => {
  const patchJob = (jobId: number, patch: Partial<TeacherJob>) => {
    const job = get().job;
    if (!job || job.jobId !== jobId) return;
    set({ job: { ...job, ...patch } });
  };
  return {
    spec: structuredClone(DEFAULT_TEACHER_TRAINING),
    job: null,

    setDataset: (dataset) => {
      const n = DATASETS[dataset].classNames.length;
      set({ spec: { ...get().spec, dataset, classes: get().spec.classes.filter((c) => c < n) } });
    },
    toggleClass: (c) => {
      const classes = get().spec.classes;
      get().setClasses(classes.includes(c) ? classes.filter((x) => x !== c) : [...classes, c]);
    },
    setClasses: (classes) => set({ spec: { ...get().spec, classes: [...new Set(classes)].sort((a, b) => a - b) } }),
    setSpec: (patch) => set({ spec: { ...get().spec, ...patch } }),

    started: (jobId, spec) =>
      set({
        job: { jobId, spec, status: 'starting', step: 0, totalSteps: teacherTrainingSteps(spec), epoch: 0, epochs: spec.epochs, epochLoss: null, eta: ETA_START, report: null, error: null },
      }),
    cancelRequested: () => {
      const job = get().job;
      if (job && jobActive(job)) set({ job: { ...job, status: 'cancelling' } });
    },
    receive: (event) => {
      switch (event.type) {
        case 'ready':
          return;
        case 'phase':
          if (get().job?.status === 'cancelling') return;
          return patchJob(event.jobId, { status: event.phase });
        case 'progress': {
          const job = get().job;
          if (!job || job.jobId !== event.jobId) return;
          // The first report opens the interval; each later one closes it into the rate.
          const eta = job.eta.anchor === null && job.eta.msPerStep === null ? etaResume(job.eta, event.step, event.elapsedMs) : etaObserve(job.eta, event.step, event.elapsedMs);
          return patchJob(event.jobId, { step: event.step, totalSteps: event.totalSteps, epoch: event.epoch, epochs: event.epochs, epochLoss: event.epochLoss, eta });
        }
        case 'saved':
          return patchJob(event.jobId, { status: 'saved', report: event.teacher, step: get().job?.totalSteps ?? 0 });
        case 'cancelled':
          return patchJob(event.jobId, { status: 'cancelled' });
        case 'error': {
          const job = get().job;
          if (event.jobId === null ? !jobActive(job) : job?.jobId !== event.jobId) return;
          if (job) set({ job: { ...job, status: 'error', error: { message: event.message, hint: event.hint } } });
          return;
        }
        default: {
          const never: never = event;
          throw new Error(`unknown event ${JSON.stringify(never)}`);
        }
      }
    },
    crashed: (message) => {
      const job = get().job;
      if (job && jobActive(job)) set({ job: { ...job, status: 'error', error: { message, hint: 'The teacher-training worker stopped; train again (a smaller width or fewer classes needs less memory).' } } });
    },
  };
});

const PHASE_TEXT: Record<TeacherJobStatus, string> = {
  idle: '',
  starting: 'Starting the teacher-training worker…',
  data: 'Reading the data…',
  training: 'Training',
  evaluating: 'Measuring it on the test images…',
  saving: 'Saving it in this browser…',
  saved: 'Saved',
  cancelling: 'Cancelling…',
  cancelled: 'Cancelled: nothing was saved.',
  error: 'Failed',
};

/** The job in words for the status line: phase, epoch, step, last epoch's loss and time left. */
export function jobStatusText(job: TeacherJob | null): string {
  if (!job) return '';
  if (job.status !== 'training') return PHASE_TEXT[job.status];
  const parts = [`Epoch ${Math.max(1, job.epoch)} of ${job.epochs}`, `step ${job.step} of ${job.totalSteps}`];
  if (job.epochLoss !== null) parts.push(`loss ${job.epochLoss.toFixed(3)}`);
  const eta = jobEtaMs(job);
  parts.push(eta === null ? 'measuring the time left…' : `about ${formatSeconds(eta)} left`);
  return parts.join(' · ');
}

/** Fraction of the job's steps done, 0..1. */
export function jobFraction(job: TeacherJob | null): number {
  if (!job || job.totalSteps === 0) return 0;
  return job.status === 'saved' ? 1 : Math.min(1, job.step / job.totalSteps);
}

function formatSeconds(ms: number): string {
  const s = Math.round(ms / 1000);
  return s < 90 ? `${s} s` : `${Math.round(s / 60)} min`;
}
