import { beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_TEACHER_TRAINING, type TeacherTrainingEvent, type TeacherTrainingRequest } from '../protocol/teacherTraining';
import { useConfigStore } from '../state/configStore';
import { useRunStore } from '../state/runStore';
import { useTeacherTrainingStore } from '../state/teacher-training/store';
import { TeacherTrainingBridge, type TeacherWorkerPort } from './teacherTraining';

class FakeWorker implements TeacherWorkerPort {
  sent: TeacherTrainingRequest[] = [];
  terminated = false;
  onmessage: ((event: MessageEvent<TeacherTrainingEvent>) => void) | null = null;
  onerror: ((event: ErrorEvent) => void) | null = null;
  postMessage(message: TeacherTrainingRequest): void {
    this.sent.push(message);
  }
  terminate(): void {
    this.terminated = true;
  }
  emit(event: TeacherTrainingEvent): void {
    this.onmessage?.({ data: event } as MessageEvent<TeacherTrainingEvent>);
  }
}

beforeEach(() => {
  useTeacherTrainingStore.setState({ job: null });
});

describe('teacher-training bridge', () => {
  it('starts its own worker on the asked backend, sends the job and cancel, and re-reads the list when saved', async () => {
    const workers: FakeWorker[] = [];
    let refreshed = 0;
    const bridge = new TeacherTrainingBridge({
      createWorker: () => {
        workers.push(new FakeWorker());
        return workers[workers.length - 1];
      },
      backend: () => 'wasm',
      onSaved: async () => {
        refreshed += 1;
      },
    });
    const jobId = bridge.train(DEFAULT_TEACHER_TRAINING);
    expect(workers[0].sent).toEqual([{ type: 'init', backend: 'wasm' }, { type: 'train', jobId, spec: DEFAULT_TEACHER_TRAINING }]);
    bridge.cancel();
    expect(workers[0].sent.at(-1)).toEqual({ type: 'cancel', jobId });
    expect(useTeacherTrainingStore.getState().job?.status).toBe('cancelling');
    workers[0].emit({ type: 'cancelled', jobId });

    const second = bridge.train(DEFAULT_TEACHER_TRAINING);
    expect(workers).toHaveLength(1); // the worker is kept between jobs
    const teacher = { id: 'user:t', title: 't', dataset: 'fashion-mnist' as const, classes: [0, 1, 2, 3, 4], trainingImages: 1472, testAccuracy: 0.8, testImages: 2500, ncmOtherClasses: 0.6, parameters: 1, embeddingSize: 64, epochLosses: [1], trainMs: 1 };
    workers[0].emit({ type: 'saved', jobId: second, teacher });
    await Promise.resolve();
    expect(refreshed).toBe(1);
    expect(useTeacherTrainingStore.getState().job?.status).toBe('saved');
  });

  it("without a backend in the link, trains on the one the student's worker measured fastest", () => {
    const workers: FakeWorker[] = [];
    useConfigStore.setState({ backend: null });
    useRunStore.setState({ backend: { name: 'wasm', reason: 'measured: 4.5× faster than WebGL here', forced: false } });
    const bridge = new TeacherTrainingBridge({ createWorker: () => (workers.push(new FakeWorker()), workers[workers.length - 1]) });
    bridge.train(DEFAULT_TEACHER_TRAINING);
    expect(workers[0].sent[0]).toEqual({ type: 'init', backend: 'wasm' });
    useRunStore.setState({ backend: null });
  });

  it('a crashed worker fails the job and is replaced on the next Train', () => {
    const workers: FakeWorker[] = [];
    const bridge = new TeacherTrainingBridge({ createWorker: () => (workers.push(new FakeWorker()), workers[workers.length - 1]), backend: () => null });
    bridge.train(DEFAULT_TEACHER_TRAINING);
    workers[0].onerror?.({ message: 'boom', preventDefault: () => undefined } as ErrorEvent);
    expect(workers[0].terminated).toBe(true);
    expect(useTeacherTrainingStore.getState().job?.error?.message).toBe('The teacher-training worker crashed: boom.');
    bridge.train(DEFAULT_TEACHER_TRAINING);
    expect(workers).toHaveLength(2);
  });
});
