/**
 * The teacher-training panel's contract with the browser flow, rendered to static HTML in
 * Node: its controls, the note on how many images a teacher trained here sees, the job's
 * progress line, and the stored teachers with their Use buttons.
 */
import { renderToStaticMarkup } from 'react-dom/server';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { DEFAULT_TEACHER_TRAINING } from '../../protocol/teacherTraining';
import { useTeacherTrainingStore } from '../../state/teacher-training/store';
import { TeacherTrainingPanel } from './TeacherTrainingPanel';

// Server rendering reads a zustand store's *initial* state; read the current one instead.
vi.mock('../../state/teacher-training/store', async (importOriginal) => {
  const real = await importOriginal<typeof import('../../state/teacher-training/store')>();
  const hook = <T,>(selector: (s: ReturnType<typeof real.useTeacherTrainingStore.getState>) => T) => selector(real.useTeacherTrainingStore.getState());
  return { ...real, useTeacherTrainingStore: Object.assign(hook, real.useTeacherTrainingStore) };
});

beforeEach(() => useTeacherTrainingStore.setState({ spec: structuredClone(DEFAULT_TEACHER_TRAINING), job: null }));

describe('teacher-training panel', () => {
  it('offers data set, class chips, width, epochs and Train, and says how many images the teacher sees', () => {
    const html = renderToStaticMarkup(<TeacherTrainingPanel />);
    for (const id of ['tt-dataset', 'tt-width', 'tt-epochs', 'tt-train', 'tt-class-0', 'tt-class-9']) expect(html).toContain(`data-testid="${id}"`);
    expect(html).toContain('300 images per class, 1,500 here');
    expect(html).toContain('The shipped teachers saw about 6,000 per class');
  });

  it('shows the job in progress', () => {
    useTeacherTrainingStore.getState().started(1, DEFAULT_TEACHER_TRAINING);
    useTeacherTrainingStore.getState().receive({ type: 'phase', jobId: 1, phase: 'training' });
    const html = renderToStaticMarkup(<TeacherTrainingPanel />);
    expect(html).toContain('data-testid="tt-cancel"');
    expect(html).toContain('Epoch 1 of 5 · step 0 of 115 · measuring the time left…');
  });
});
