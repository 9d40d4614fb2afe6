/** The upload control, the stored teachers' list and card, rendered to static HTML in Node. */
import { renderToStaticMarkup } from 'react-dom/server';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { setStoredTeachers } from '../../protocol/teacherRegistry';
import type { CheckedTeacherModel } from '../../protocol/teacherUpload';
import { useConfigStore } from '../../state/configStore';
import { infoOf, useTeachersStore } from '../../state/teachersStore';
import type { TeacherSummary } from '../../storage/teachers';
import { RelationBadge } from '../config/RelationBadge';
import { TeacherCard } from '../config/TeacherCard';
import { StoredTeachers } from './StoredTeachers';
import { TeacherUpload } from './TeacherUpload';

// Server rendering reads a zustand store's *initial* state; read the current one instead.
vi.mock('../../state/configStore', async (importOriginal) => {
  const real = await importOriginal<typeof import('../../state/configStore')>();
  const hook = <T,>(selector: (s: ReturnType<typeof real.useConfigStore.getState>) => T) => selector(real.useConfigStore.getState());
  return { ...real, useConfigStore: Object.assign(hook, real.useConfigStore) };
});
vi.mock('../../state/teachersStore', async (importOriginal) => {
  const real = await importOriginal<typeof import('../../state/teachersStore')>();
  const hook = <T,>(selector: (s: ReturnType<typeof real.useTeachersStore.getState>) => T) => selector(real.useTeachersStore.getState());
  return { ...real, useTeachersStore: Object.assign(hook, real.useTeachersStore) };
});

const text = (html: string) => html.replace(/<[^>]+>/g, '').replace(/&#x27;/g, "'").replace(/&quot;/g, '"');
const CARD = { testAccuracy: 0.912, testImages: 1000, ncmOtherClasses: 0.655, ncmClasses: [5, 6, 7, 8, 9], parameters: 25285, embeddingSize: 32 };
const summary = (id: string, classes: number[] | null): TeacherSummary => ({ id, title: `Teacher ${id}`, dataset: 'mnist', classes, source: 'upload', createdAt: '2026-11-27T00:00:00Z', embeddingLayer: 'embedding', sizeBytes: 101140, card: CARD });
const MODEL = { embeddingLayer: 'embedding', inputShape: [null, 28, 28, 1], parameters: 25285, headUnits: 5 } as CheckedTeacherModel;

beforeEach(() => {
  setStoredTeachers([]);
  useTeachersStore.setState({ stored: [], loaded: true, storageError: null });
  useTeachersStore.getState().resetUpload();
  useConfigStore.getState().loadHash('#dataset=mnist&teacher=mnist-0-4&studentClasses=5-9');
});

describe('upload a teacher', () => {
  it('is a closed link until opened', () => {
    expect(renderToStaticMarkup(<TeacherUpload />)).toContain('data-testid="teacher-upload-open"');
  });

  it("shows a refusal's message as it is", () => {
    useTeachersStore.setState((s) => ({ upload: { ...s.upload, check: { ok: false, error: { code: 'not-json', message: 'model.json is not JSON (x): pick the model.json.' } } } }));
    const html = renderToStaticMarkup(<TeacherUpload defaultOpen />);
    expect(html).toContain('data-code="not-json"');
    expect(text(html)).toContain('model.json is not JSON (x): pick the model.json.');
  });

  it('asks for one class per output of the head before measuring, then shows the card', () => {
    useTeachersStore.setState((s) => ({ upload: { ...s.upload, check: { ok: true, model: MODEL }, classes: [0, 1] } }));
    let html = renderToStaticMarkup(<TeacherUpload defaultOpen />);
    expect(text(html)).toContain('Input [batch, 28, 28, 1] · embedding: embedding · 25,285 weights · head of 5 outputs');
    expect(text(html)).toContain('Name 5 classes, one per output (2 named), or tick “unknown”.');
    expect(html).toMatch(/data-testid="teacher-upload-measure" disabled=""/);
    useTeachersStore.setState((s) => ({ upload: { ...s.upload, classes: [0, 1, 2, 3, 4], card: CARD, cardStatus: 'ready' } }));
    html = renderToStaticMarkup(<TeacherUpload defaultOpen />);
    expect(html).not.toMatch(/data-testid="teacher-upload-keep" disabled=""/);
    expect(text(html)).toContain('Test accuracy on its own classes 91.2% (1,000 images) · its NCM on classes 5, 6, 7, 8, 9 65.5% · 25,285 weights · embedding of 32');
  });
});

describe('kept teachers', () => {
  it('are listed with delete buttons, and the picked one shows its stored card', () => {
    const kept = [summary('user:a', [0, 1, 2, 3, 4]), summary('user:b', null)];
    useTeachersStore.setState({ stored: kept });
    setStoredTeachers(kept.map(infoOf));
    const list = renderToStaticMarkup(<StoredTeachers />);
    expect(list.match(/data-testid="stored-teacher"/g)).toHaveLength(2);
    expect(text(list)).toContain('MNIST digits · classes unknown · 99 KB');
    useConfigStore.getState().setTeacher('user:a');
    expect(text(renderToStaticMarkup(<TeacherCard />))).toContain('Teacher user:a: knows 0, 1, 2, 3, 4');
    expect(text(renderToStaticMarkup(<RelationBadge />))).toMatch(/^cross-task/);
  });

  it('of unknown classes: the relation badge says "unknown"', () => {
    const kept = [summary('user:b', null)];
    useTeachersStore.setState({ stored: kept });
    setStoredTeachers(kept.map(infoOf));
    useConfigStore.getState().setTeacher('user:b');
    expect(useConfigStore.getState().config.teacherClasses).toEqual([]);
    const badge = renderToStaticMarkup(<RelationBadge />);
    expect(badge).toContain('data-testid="relation-badge">unknown<');
    expect(text(renderToStaticMarkup(<TeacherCard />))).toContain('its classes are unknown');
  });

  it('a link to one this browser lacks: the card says so', () => {
    useConfigStore.setState((s) => ({ config: { ...s.config, teacher: 'user:gone' } }));
    expect(text(renderToStaticMarkup(<TeacherCard />))).toContain('Teacher user:gone is not in this browser: upload its model files, or pick a shipped teacher.');
  });
});
