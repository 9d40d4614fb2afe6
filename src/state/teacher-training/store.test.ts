import { beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_TEACHER_TRAINING, type TeacherTrainingSpec } from '../../protocol/teacherTraining';
import { jobActive, jobEtaMs, jobFraction, jobStatusText, specProblems, specSummary, useTeacherTrainingStore } from './store';

const SPEC: TeacherTrainingSpec = { dataset: 'mnist', classes: [0, 1], widthMultiplier: 0.125, epochs: 2, batchSize: 32, seed: 1 };
const store = () => useTeacherTrainingStore.getState();
const progress = (jobId: number, step: number, elapsedMs: number) =>
  store().receive({ type: 'progress', jobId, step, totalSteps: 36, epoch: step > 18 ? 2 : 1, epochs: 2, elapsedMs, epochLoss: step > 18 ? 0.25 : null, numTensors: 10 });

beforeEach(() => {
  useTeacherTrainingStore.setState({ spec: structuredClone(DEFAULT_TEACHER_TRAINING), job: null });
});

describe('teacher-training store', () => {
  it('edits the draft: classes sorted and unique, a data-set switch drops classes it lacks', () => {
    store().setClasses([4, 1, 1]);
    expect(store().spec.classes).toEqual([1, 4]);
    store().toggleClass(1);
    expect(specProblems(store())).toEqual(['Pick at least 2 classes for the teacher (1 picked).']);
    expect(specSummary({ ...SPEC })).toEqual({ images: 600, perClass: 300, steps: 36 });
  });

  it('follows a job: phases, progress with time left from the measured rate, saved', () => {
    store().started(3, SPEC);
    expect(jobActive(store().job)).toBe(true);
    store().receive({ type: 'phase', jobId: 3, phase: 'training' });
    progress(3, 2, 1000);
    expect(jobEtaMs(store().job)).toBeNull(); // one report opens the interval
    progress(3, 12, 6000); // 10 steps in 5 s: 500 ms a step
    expect(jobEtaMs(store().job)).toBeCloseTo(24 * 500);
    expect(jobStatusText(store().job)).toBe('Epoch 1 of 2 · step 12 of 36 · about 12 s left');
    progress(4, 30, 7000); // another job's event is dropped
    expect(store().job?.step).toBe(12);
    expect(jobFraction(store().job)).toBeCloseTo(12 / 36);
    const teacher = { id: 'user:x', title: 't', dataset: 'mnist' as const, classes: [0, 1], trainingImages: 576, testAccuracy: 0.99, testImages: 800, ncmOtherClasses: 0.5, parameters: 100, embeddingSize: 16, epochLosses: [0.5, 0.2], trainMs: 9000 };
    store().receive({ type: 'saved', jobId: 3, teacher });
    expect(store().job).toMatchObject({ status: 'saved', report: teacher });
    expect(jobActive(store().job)).toBe(false);
    expect(jobFraction(store().job)).toBe(1);
  });

  it('cancelling holds until the worker confirms; errors and crashes are kept as sentences', () => {
    store().started(1, SPEC);
    store().cancelRequested();
    store().receive({ type: 'phase', jobId: 1, phase: 'evaluating' });
    expect(store().job?.status).toBe('cancelling');
    store().receive({ type: 'cancelled', jobId: 1 });
    expect(jobStatusText(store().job)).toBe('Cancelled: nothing was saved.');
    store().started(2, SPEC);
    store().crashed('The teacher-training worker crashed.');
    expect(store().job).toMatchObject({ status: 'error', error: { message: 'The teacher-training worker crashed.' } });
    store().started(5, SPEC);
    store().receive({ type: 'error', jobId: 5, code: 'out-of-memory', message: 'Out of memory.', hint: 'Use a smaller width.' });
    expect(store().job?.error).toEqual({ message: 'Out of memory.', hint: 'Use a smaller width.' });
  });
});
