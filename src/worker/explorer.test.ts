/**
 * The explorer's worker side in Node (cpu backend, fake `post`): the triplet sample rides on
 * the reporting step's read-back, the probe reads back on reporting steps only, followed
 * triplets and the local classifier come back, and nothing leaks.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { nodeFetchBytes } from '../core/data/node-fs';
import { memoryFetchBytes, syntheticFiles } from '../core/data/synthetic';
import { AssetCache, createExperiment } from '../core/run';
import { resolveConfig, type ExperimentConfig } from '../protocol/config';
import type { ExplorerEvent } from '../protocol/explorer';
import type { WorkerEvent } from '../protocol/messages';
import type { MetricsPoint } from '../protocol/results';
import { ExplorerProbe } from './explorer';
import { createWorkerHandler } from './handler';

const TEACHERS_DIR = new URL('../../public/teachers', import.meta.url).pathname;

/** 6 shots × 5 classes = 30 training images, batches of 10: 3 steps an epoch, a report every 3rd step. */
function tinyConfig(overrides: Record<string, unknown> = {}): ExperimentConfig {
  return resolveConfig({
    dataset: 'mnist',
    teacher: 'mnist-0-4',
    studentClasses: [5, 6, 7, 8, 9],
    shotsPerClass: 6,
    validationFraction: 0.05,
    studentWidth: 0.25,
    batchSize: 10,
    'stage1.epochs': 2,
    'stage2.epochs': 1,
    'runtime.reportIntervalSteps': 3,
    ...overrides,
  });
}

let assets: AssetCache;

beforeAll(async () => {
  await tf.setBackend('cpu');
  await tf.ready();
  const data = memoryFetchBytes(await syntheticFiles('mnist', new Array<number>(10).fill(40), 20));
  assets = new AssetCache({ data, teachers: nodeFetchBytes(TEACHERS_DIR) });
  await Promise.all([assets.dataset('mnist'), assets.teacher('mnist-0-4')]);
});

describe('read-backs of the explorer', () => {
  it('adds none on non-reporting steps: the sample rides on the statistics, the probe reads once per report', async () => {
    const baseline = tf.memory().numTensors;
    const points: MetricsPoint[] = [];
    let probe: ExplorerProbe | null = null;
    const events: ExplorerEvent[] = [];
    const exp = await createExperiment(tinyConfig(), assets, { backend: 'cpu', evalIntervalSteps: 1000, episodes: 0 }, {
      onMetrics: (point) => {
        probe?.onMetrics(point);
        points.push(point);
      },
    });
    probe = new ExplorerProbe(exp, 1, (e) => events.push(e));
    await probe.setup();
    const deltas: { step: number; reported: boolean; reads: number }[] = [];
    while (exp.stage === 1) {
      const before = exp.readbacks.count;
      const reportsBefore = points.length;
      const stageStep = exp.progress().stageStep;
      await exp.step();
      await probe.drain();
      if (exp.stage === 1) deltas.push({ step: stageStep + 1, reported: points.length > reportsBefore, reads: exp.readbacks.count - before });
    }
    // Steps 1, 2, 4, 5 do not report: no read-back at all; steps 3 reports: the statistics (with the sample) + the probe.
    expect(deltas.filter((d) => !d.reported).map((d) => d.reads)).toEqual([0, 0, 0, 0]);
    expect(deltas.filter((d) => d.reported).map((d) => d.reads)).toEqual([2]);
    const stage1Events = events.filter((e): e is Extract<ExplorerEvent, { type: 'explorer' }> => e.type === 'explorer' && e.stage === 1);
    expect(stage1Events.length).toBe(2);
    const { train } = exp.explorerView();
    for (const e of stage1Events) {
      expect(e.triplets!.length).toBeGreaterThan(0);
      expect(e.triplets!.length).toBeLessThanOrEqual(24);
      for (const t of e.triplets!) {
        for (const i of [t.anchor, t.positive, t.negative]) expect(i >= 0 && i < train.count).toBe(true);
        expect(train.labelArray[t.anchor]).toBe(train.labelArray[t.positive]);
        expect(t.anchor).not.toBe(t.positive);
        expect(train.labelArray[t.negative]).not.toBe(train.labelArray[t.anchor]);
        expect(t.pT > 0 && t.pT < 1 && t.pS > 0 && t.pS < 1).toBe(true);
      }
    }
    // The sample left the metrics point (the run's series stays as it was).
    expect(points.every((p) => p.tripletSample === undefined)).toBe(true);
    // Stage 2: the reporting step's targets are summarised.
    while (exp.stage === 2) {
      await exp.step();
      await probe.drain();
    }
    const sharp = events.find((e) => e.type === 'explorer' && e.sharpness);
    expect(sharp && sharp.type === 'explorer' ? sharp.sharpness!.meanMaxProb : 0).toBeGreaterThan(0);
    probe.dispose();
    exp.dispose();
    expect(tf.memory().numTensors).toBe(baseline);
  }, 120_000);
});

describe('the explorer through the worker handler', () => {
  it('posts the setup, samples, followed triplets and the local classifier, then frees everything', async () => {
    const baseline = tf.memory().numTensors;
    const events: WorkerEvent[] = [];
    let handler: ReturnType<typeof createWorkerHandler> | null = null;
    let focused = false;
    handler = createWorkerHandler({
      post: (e) => {
        events.push(structuredClone(e));
        // Follow the first sampled triplet and inspect the second class's candidate as soon as a sample arrives.
        if (e.type === 'explorer' && e.triplets?.length && !focused) {
          focused = true;
          const setup = events.find((x) => x.type === 'explorer-setup');
          const valIndex = setup && setup.type === 'explorer-setup' ? setup.candidates[1].valIndex : 0;
          void handler?.handle({ type: 'explorer-focus', runId: 1, follow: [e.triplets[0]], valIndex });
        }
      },
      assets,
      backend: { name: 'cpu', reason: 'test', forced: true },
      flushEveryMs: 0,
      yieldEveryMs: 0,
      embeddings: false,
    });
    await handler.handle({ type: 'configure', runId: 1, config: tinyConfig({ 'stage1.epochs': 3 }) });
    await handler.handle({ type: 'start', runId: 1 });
    const setup = events.find((e) => e.type === 'explorer-setup');
    if (setup?.type !== 'explorer-setup') throw new Error('no explorer-setup');
    expect(setup.affinity.studentClasses).toEqual(['5', '6', '7', '8', '9']);
    expect(setup.affinity.teacherClasses).toEqual(['0', '1', '2', '3', '4']);
    for (const row of setup.affinity.matrix) expect(row.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 4);
    expect(setup.candidates.map((c) => c.label)).toEqual([0, 1, 2, 3, 4]);
    expect(setup.images.every((i) => i.pixels.length === 784)).toBe(true);
    const explorer = events.filter((e): e is Extract<WorkerEvent, { type: 'explorer' }> => e.type === 'explorer');
    const metrics = events.flatMap((e) => (e.type === 'metrics' ? e.points : []));
    expect(explorer.length).toBe(metrics.length);
    const followed = explorer.filter((e) => e.followed?.length);
    expect(followed.length).toBeGreaterThan(1);
    // The teacher is frozen: the followed triplet's p_T does not move; its p_S is a probability.
    const pTs = followed.map((e) => e.followed![0].pT);
    for (const p of pTs) expect(p).toBeCloseTo(pTs[0], 5);
    expect(followed.every((e) => e.followed![0].pS > 0 && e.followed![0].pS < 1)).toBe(true);
    const last = explorer.at(-1)!;
    expect(last.local!.valIndex).toBe(setup.candidates[1].valIndex);
    expect(last.local!.label).toBe(1);
    expect(last.local!.q.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 4);
    expect(last.local!.p.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 4);
    // Every image a sample names was sent once.
    const sent = new Set(explorer.flatMap((e) => (e.images ?? []).filter((i) => i.split === 'train').map((i) => i.index)));
    for (const e of explorer) for (const t of e.triplets ?? []) expect(sent.has(t.anchor) && sent.has(t.positive) && sent.has(t.negative)).toBe(true);
    await handler.dispose();
    expect(tf.memory().numTensors).toBe(baseline);
  }, 120_000);
});
