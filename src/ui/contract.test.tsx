/**
 * The data-testid contract the browser tests rely on, checked by rendering to static HTML in
 * Node (no DOM needed): every control of the FIELDS table, the class chips, the charts.
 */
import { renderToStaticMarkup } from 'react-dom/server';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { FIELDS } from '../protocol/config';
import { useConfigStore } from '../state/configStore';
import { ConfigPanel } from './config/ConfigPanel';
import { LiveCharts } from './charts/LiveCharts';
import { EmbeddingQualityCard } from './charts/EmbeddingQualityCard';
import { DEFAULT_CONFIG } from '../protocol/config';
import type { ExperimentResult } from '../protocol/results';
import { UrlNotices } from './banners/UrlNotices';
import { SoftwareGpuNotice } from './banners/SoftwareGpuNotice';
import { useRunStore } from '../state/runStore';
import { parseTyped } from './config/inputs';
import { fieldSpec } from '../protocol/config';

// Server rendering reads a zustand store's *initial* state; read the current one instead.
vi.mock('../state/configStore', async (importOriginal) => {
  const real = await importOriginal<typeof import('../state/configStore')>();
  const hook = <T,>(selector: (s: ReturnType<typeof real.useConfigStore.getState>) => T) => selector(real.useConfigStore.getState());
  return { ...real, useConfigStore: Object.assign(hook, real.useConfigStore) };
});
vi.mock('../state/runStore', async (importOriginal) => {
  const real = await importOriginal<typeof import('../state/runStore')>();
  const hook = <T,>(selector: (s: ReturnType<typeof real.useRunStore.getState>) => T) => selector(real.useRunStore.getState());
  return { ...real, useRunStore: Object.assign(hook, real.useRunStore) };
});

const testIds = (html: string) => new Set([...html.matchAll(/data-testid="([^"]+)"/g)].map((m) => m[1]));

// A cross-task default: the teacher's classes 0-4, the student's 5-9.
beforeEach(() => useConfigStore.getState().loadHash('#dataset=fashion-mnist&teacher=fashion-0-4&studentClasses=5-9&method=refilled'));

describe('config panel', () => {
  it('renders a control for every field, the class chips and the teacher’s thumbnails', () => {
    const ids = testIds(renderToStaticMarkup(<ConfigPanel />));
    for (const f of FIELDS) {
      if (f.kind === 'classes' && f.key === 'teacherClasses') continue;
      expect(ids, f.key).toContain(`field-${f.key}`);
    }
    for (let c = 0; c < 10; c++) expect(ids).toContain(`class-chip-${c}`);
    expect(ids).toContain('teacher-thumbnails');
    expect(ids).toContain('relation-badge');
  });

  it('says how the student’s classes relate to the teacher’s', () => {
    expect(renderToStaticMarkup(<ConfigPanel />)).toMatch(/data-testid="relation-badge">cross-task</);
    useConfigStore.getState().setStudentClasses([0, 1, 2, 3, 4]);
    expect(renderToStaticMarkup(<ConfigPanel />)).toMatch(/data-testid="relation-badge">same-task</);
    useConfigStore.getState().setStudentClasses([3, 4, 5]);
    expect(renderToStaticMarkup(<ConfigPanel />)).toMatch(/data-testid="relation-badge">partial-overlap</);
  });

  it('shows a validation error at its control', () => {
    useConfigStore.getState().setField('stage1.tau1', 0);
    const html = renderToStaticMarkup(<ConfigPanel />);
    expect(html).toMatch(/data-testid="error-stage1.tau1"[^>]*>τ₁ must be between 0.05 and 100 \(it is 0\): raise it.</);
  });

  it('hides the controls and panels a link hides', () => {
    useConfigStore.getState().loadHash('#method=refilled&stage1.tau1_hide=1&advanced_hide=0&shotsPerClass_hide=1');
    let ids = testIds(renderToStaticMarkup(<ConfigPanel />));
    expect(ids).not.toContain('field-stage1.tau1');
    expect(ids).not.toContain('field-shotsPerClass');
    expect(ids).toContain('field-stage1.w1');
    useConfigStore.getState().loadHash('#advanced_hide=1');
    ids = testIds(renderToStaticMarkup(<ConfigPanel />));
    expect(ids).not.toContain('field-stage2.lambda');
    expect(ids).toContain('field-method');
  });
});

describe('charts and banners', () => {
  it('every chart renders its frame with data-points, empty before a run', () => {
    const html = renderToStaticMarkup(<LiveCharts />);
    for (const id of ['chart-stage1-loss', 'chart-stage2-loss', 'chart-ncm', 'chart-triplets', 'chart-accuracy', 'chart-embedding', 'chart-per-class', 'confusion-matrix', 'embedding-quality']) {
      expect(html).toContain(`data-testid="${id}" data-points="0"`);
    }
    expect(html).toContain('data-testid="result-test-accuracy"');
  });

  it('shows NMI next to NCM after stage 1 and at the end, and the episodic accuracy ± its interval', () => {
    const result: ExperimentResult = {
      config: DEFAULT_CONFIG,
      method: 'refilled',
      seed: 1,
      backend: 'cpu',
      classNames: ['Sandal', 'Shirt'],
      counts: { train: 10, val: 4, test: 100 },
      teacherNcmValAccuracy: 0.5,
      stage1: { ncmAccuracy: 0.61, ncmValAccuracy: 0.6, bestStep: 10, steps: 10, nmi: 0.4123 },
      final: {
        valAccuracy: 0.7,
        testAccuracy: 0.7,
        ncmTestAccuracy: 0.72,
        perClassAccuracy: [0.7, 0.7],
        confusion: [
          [35, 15],
          [15, 35],
        ],
        bestStep: 20,
        steps: 10,
        nmi: 0.5557,
        episodic: [{ ways: 2, shots: 1, queries: 15, tasks: 500, mean: 0.6021, halfWidth: 0.0094 }],
      },
      series: { metrics: [], evals: [] },
      timing: { totalMs: 1000, teacherCacheMs: 1, stage1Ms: 400, stage2Ms: 400, msPerStep: 40 },
      readbacks: 3,
    };
    const store = useRunStore.getState();
    store.clearRuns();
    expect(renderToStaticMarkup(<EmbeddingQualityCard />)).toContain('Appears when the run finishes.');
    store.addRun({ runId: 41, label: 'refilled', config: DEFAULT_CONFIG });
    useRunStore.getState().applyEvent({ type: 'result', runId: 41, result });
    const html = renderToStaticMarkup(<EmbeddingQualityCard />);
    expect(html).toContain('data-testid="embedding-quality" data-points="2"');
    expect(html).toMatch(/data-testid="embedding-ncm-stage1">61.0%</);
    expect(html).toMatch(/data-testid="embedding-nmi-stage1">0.412</);
    expect(html).toMatch(/data-testid="embedding-ncm-final">72.0%</);
    expect(html).toMatch(/data-testid="embedding-nmi-final">0.556</);
    expect(html).toMatch(/data-testid="episodic-1-shot">60.2% ± 0.9</);
    expect(html).toContain('2-way 1-shot');
    useRunStore.getState().clearRuns();
  });

  it('names each malformed field of a link in the notice banner', () => {
    useConfigStore.getState().loadHash('#stage1.tau1=banana&shotsPerClass=-2');
    const html = renderToStaticMarkup(<UrlNotices />);
    expect(html).toContain('data-testid="url-notice"');
    expect(html).toContain('stage1.tau1');
    expect(html).toContain('shotsPerClass');
  });
});

describe('software GPU notice', () => {
  it('offers WebAssembly when the GPU backend renders in software, and only then', () => {
    useRunStore.getState().setBackend({ name: 'webgpu', reason: 'WebGPU, the best available', adapter: 'google swiftshader', forced: false, software: true }, 0);
    const software = renderToStaticMarkup(<SoftwareGpuNotice />);
    expect(software).toContain('data-testid="software-hint"');
    expect(software).toContain('data-testid="use-wasm"');
    useRunStore.getState().setBackend({ name: 'webgpu', reason: 'WebGPU, the best available', adapter: 'nvidia ampere', forced: false }, 0);
    expect(renderToStaticMarkup(<SoftwareGpuNotice />)).not.toContain('software-hint');
    useRunStore.getState().setBackend({ name: 'wasm', reason: 'WebAssembly, as the link asks (backend=wasm)', forced: true }, 0);
    expect(renderToStaticMarkup(<SoftwareGpuNotice />)).not.toContain('software-hint');
  });
});

describe('typed numbers', () => {
  it('parse numbers, and "all" for shots', () => {
    expect(parseTyped(fieldSpec('stage1.tau1')!, ' 2.5 ')).toEqual({ value: 2.5 });
    expect(parseTyped(fieldSpec('optimizer.weightDecay')!, '5e-4')).toEqual({ value: 0.0005 });
    expect(parseTyped(fieldSpec('stage1.tau1')!, '2.')).toEqual({ value: 2 });
    expect(parseTyped(fieldSpec('stage1.tau1')!, '')).toHaveProperty('error');
    expect(parseTyped(fieldSpec('stage1.tau1')!, 'all')).toHaveProperty('error');
    expect(parseTyped(fieldSpec('shotsPerClass')!, 'All')).toEqual({ value: 'all' });
  });
});
