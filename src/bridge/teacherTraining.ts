/**
 * The page's side of the teacher-training protocol. Owns the second worker (started on the
 * first Train, on the same backend the link asks for), gives every job an id, and turns its
 * events into teacher-training store actions; a saved teacher re-reads the stored list. A
 * worker that crashes is dropped (the next Train starts a fresh one) and the job says why.
 */
import type { BackendName } from '../protocol/messages';
import type { TeacherTrainingEvent, TeacherTrainingRequest, TeacherTrainingSpec } from '../protocol/teacherTraining';
import { useConfigStore } from '../state/configStore';
import { useRunStore } from '../state/runStore';
import { useTeacherTrainingStore } from '../state/teacher-training/store';
import { refreshStoredTeachers } from '../state/teacher-training/storedTeachers';

/** What the bridge needs of a Worker (a fake one in tests). */
export interface TeacherWorkerPort {
  postMessage(message: TeacherTrainingRequest): void;
  terminate(): void;
  onmessage: ((event: MessageEvent<TeacherTrainingEvent>) => void) | null;
  onerror: ((event: ErrorEvent) => void) | null;
}

export interface TeacherTrainingBridgeOptions {
  createWorker?: () => TeacherWorkerPort;
  baseUrl?: string;
  /** The backend to train on (default: the link's `backend=`, else the student worker's measured choice). */
  backend?: () => BackendName | null;
  /** Called after a teacher was saved (default: re-read the stored teachers). */
  onSaved?: () => Promise<void>;
}

function defaultWorker(): TeacherWorkerPort {
  return new Worker(new URL('../worker/teacherTrainingWorker.ts', import.meta.url), { type: 'module' }) as unknown as TeacherWorkerPort;
}

export class TeacherTrainingBridge {
  private worker: TeacherWorkerPort | null = null;
  private nextJobId = 1;

  constructor(private readonly options: TeacherTrainingBridgeOptions = {}) {}

  /** Trains a teacher with `spec`; returns the job id. */
  train(spec: TeacherTrainingSpec, title?: string): number {
    const jobId = this.nextJobId++;
    useTeacherTrainingStore.getState().started(jobId, spec);
    this.port().postMessage(title ? { type: 'train', jobId, spec, title } : { type: 'train', jobId, spec });
    return jobId;
  }

  /** Asks the running job to stop at its next step. */
  cancel(): void {
    const job = useTeacherTrainingStore.getState().job;
    if (!job || !this.worker) return;
    useTeacherTrainingStore.getState().cancelRequested();
    this.worker.postMessage({ type: 'cancel', jobId: job.jobId });
  }

  dispose(): void {
    this.worker?.terminate();
    this.worker = null;
  }

  private port(): TeacherWorkerPort {
    if (this.worker) return this.worker;
    const worker = (this.options.createWorker ?? defaultWorker)();
    worker.onmessage = (event) => this.receive(event.data);
    worker.onerror = (event) => {
      event.preventDefault?.();
      if (this.worker === worker) this.worker = null;
      worker.terminate();
      useTeacherTrainingStore.getState().crashed(`The teacher-training worker crashed${event.message ? `: ${event.message}` : ''}.`);
    };
    // The link's backend if it names one, else the one the student's worker measured fastest here.
    const backend = this.options.backend?.() ?? useConfigStore.getState().backend ?? useRunStore.getState().backend?.name ?? null;
    worker.postMessage({ type: 'init', backend, ...(this.options.baseUrl ? { baseUrl: this.options.baseUrl } : {}) });
    this.worker = worker;
    return worker;
  }

  private receive(event: TeacherTrainingEvent): void {
    useTeacherTrainingStore.getState().receive(event);
    if (event.type === 'saved') void (this.options.onSaved ?? refreshStoredTeachers)();
  }
}

export const teacherTrainingBridge = new TeacherTrainingBridge(
  typeof location === 'undefined' ? {} : { baseUrl: new URL(import.meta.env.BASE_URL, location.href).href },
);
