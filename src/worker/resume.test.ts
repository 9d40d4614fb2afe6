/**
 * Runs that survive their backend, in Node: the worker handler with a Resumer whose
 * `startBackend` switches tfjs between the cpu and wasm backends (the browser's WebGPU →
 * WebGL → WebAssembly → CPU moves, with the backends Node has). A lost device is reported
 * through `deviceLost`, as the worker does when WebGPU's `device.lost` resolves.
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nodeFetchBytes } from '../core/data/node-fs';
import { memoryFetchBytes, syntheticFiles } from '../core/data/synthetic';
import { AssetCache } from '../core/run';
import { resolveConfig, type ExperimentConfig } from '../protocol/config';
import type { BackendName, WorkerEvent } from '../protocol/messages';
import { fallbackOrder, resumeNotice } from '../protocol/resume';
import { createWorkerHandler, type WorkerHandler } from './handler';
import { Resumer, type ResumeOptions } from './resume';

const TEACHERS_DIR = new URL('../../public/teachers', import.meta.url).pathname;

/** 15 training images in batches of 5: 3 steps per epoch, 2 epochs per stage, 12 steps. */
function tinyConfig(overrides: Record<string, unknown> = {}): ExperimentConfig {
  return resolveConfig({
    dataset: 'mnist',
    teacher: 'mnist-0-4',
    studentClasses: [5, 6, 7, 8, 9],
    shotsPerClass: 3,
    validationFraction: 0.05,
    studentWidth: 0.25,
    batchSize: 5,
    'stage1.epochs': 2,
    'stage2.epochs': 2,
    'runtime.reportIntervalSteps': 1,
    ...overrides,
  });
}

let assets: AssetCache;

beforeAll(async () => {
  await tf.setBackend('cpu');
  const data = memoryFetchBytes(await syntheticFiles('mnist', new Array<number>(10).fill(40), 20));
  assets = new AssetCache({ data, teachers: nodeFetchBytes(TEACHERS_DIR) });
});
afterAll(async () => {
  assets.forgetTeachers();
  await tf.setBackend('cpu');
});

/** Starts a Node backend as the worker's tryBackend would; `refuse` lists backends that do not start. */
function nodeStart(refuse: BackendName[] = []): ResumeOptions['startBackend'] {
  return async (name) => {
    if (refuse.includes(name) || (name !== 'cpu' && name !== 'wasm')) return { ok: false, why: `${name} is not in Node` };
    const ok = await tf.setBackend(name);
    return ok ? { ok: true, info: { name, reason: `moved to ${name}`, forced: false } } : { ok: false, why: 'setBackend failed' };
  };
}

function setup(resume: Partial<ResumeOptions> & { startBackend: ResumeOptions['startBackend'] }, start: BackendName = 'cpu') {
  const events: WorkerEvent[] = [];
  const reactions: ((e: WorkerEvent) => void)[] = [];
  const ref: { handler: WorkerHandler | null } = { handler: null };
  const resumer = new Resumer({ checkpointEveryMs: 0, loseDevice: () => void ref.handler?.deviceLost('simulated'), ...resume }, () => performance.now());
  const handler = createWorkerHandler({
    post: (e) => {
      events.push(structuredClone(e));
      for (const react of reactions) react(e);
    },
    assets,
    backend: { name: start, reason: 'test', forced: true },
    flushEveryMs: 0,
    embeddings: false,
    resume: resumer,
  });
  ref.handler = handler;
  const of = <T extends WorkerEvent['type']>(type: T) => events.filter((e): e is Extract<WorkerEvent, { type: T }> => e.type === type);
  const ended = new Promise<void>((resolve) => reactions.push((e) => (e.type === 'result' || e.type === 'error' || (e.type === 'status' && e.status === 'paused') ? resolve() : undefined)));
  return { handler, events, of, ended, reactions };
}

/** The metric steps as a chart would keep them: a point replaced by a later one of the same step. */
function chartSteps(events: WorkerEvent[]): number[] {
  const steps: number[] = [];
  for (const e of events) {
    if (e.type === 'resumed') steps.splice(0, steps.length, ...steps.filter((s) => s <= e.fromStep));
    if (e.type === 'metrics') steps.push(...e.points.map((p) => p.step));
  }
  return steps;
}

/** A 12-step run on wasm, reporting every 2 steps, whose backend is switched to `backend` after step 4's report; resolves when it ends. */
async function switchDuringRun(backend: BackendName) {
  await tf.setBackend('wasm');
  const r = setup({ startBackend: nodeStart(), checkpointEveryMs: 60_000 }, 'wasm');
  let asked = false;
  r.reactions.push((e) => {
    if (!asked && e.type === 'metrics' && e.points.some((p) => p.step === 4)) {
      asked = true;
      void r.handler.handle({ type: 'switch-backend', backend });
    }
  });
  await r.handler.handle({ type: 'configure', runId: 1, config: tinyConfig({ 'runtime.reportIntervalSteps': 2 }) });
  await r.handler.handle({ type: 'start', runId: 1 });
  await r.ended;
  return r;
}

describe('a run that survives its backend', () => {
  it('moves to the next backend when the device is lost and continues from the last checkpoint under the same run id', async () => {
    await tf.setBackend('cpu');
    const r = setup({ startBackend: nodeStart(), loseDeviceAtStep: 5 });
    await r.handler.handle({ type: 'configure', runId: 1, config: tinyConfig() });
    const before = tf.memory().numTensors;
    await r.handler.handle({ type: 'start', runId: 1 });
    await r.ended;
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(r.of('error')).toEqual([]);
    const [resumed] = r.of('resumed');
    // The hook fires once step 4 has reported (and been checkpointed): the loss is at step 5.
    expect(resumed).toMatchObject({ runId: 1, cause: 'device-lost', atStep: 5, fromStep: 4, backend: 'wasm' });
    expect(resumed.message).toBe('The GPU device was lost at step 5; the run continues from step 4 on WebAssembly');
    expect(r.of('ready').at(-1)?.backend.name).toBe('wasm');
    expect(tf.getBackend()).toBe('wasm');
    const result = r.of('result')[0]?.result;
    expect(result?.final.steps).toBe(6);
    expect(result?.series.metrics.map((m) => m.step)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    expect(chartSteps(r.events)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    expect(r.of('status').at(-1)?.status).toBe('done');
    // Every event of the run carries its id; the teacher was loaded again on the new backend.
    expect(r.of('metrics').every((e) => e.runId === 1)).toBe(true);
    // Checkpoint read-backs are counted with the others: the result's count includes them.
    expect(result?.readbacks).toBeGreaterThan(12);
    await r.handler.dispose();
    // The run's tensors are gone; the teacher (reloaded on wasm) is all that stays, as before the run.
    expect(tf.memory().numTensors).toBeLessThanOrEqual(before);
  });

  it('starts over from step 0 when no checkpoint exists yet, and ends with device-lost when no backend is left', async () => {
    await tf.setBackend('cpu');
    const r = setup({ startBackend: nodeStart(), loseDeviceAtStep: 2 });
    // A report every 3 steps: the loss comes after step 1, before any checkpoint.
    await r.handler.handle({ type: 'configure', runId: 1, config: tinyConfig({ 'runtime.reportIntervalSteps': 3 }) });
    await r.handler.handle({ type: 'start', runId: 1 });
    await r.ended;
    expect(r.of('resumed')[0]).toMatchObject({ atStep: 2, fromStep: 0, backend: 'wasm' });
    expect(r.of('resumed')[0].message).toMatch(/starts over from step 0/);
    expect(r.of('result')[0]?.result.series.metrics.map((m) => m.step)).toEqual([3, 6, 9, 12]);

    await tf.setBackend('cpu');
    const none = setup({ startBackend: nodeStart(['wasm', 'cpu', 'webgl', 'webgpu']), loseDeviceAtStep: 3 });
    await none.handler.handle({ type: 'configure', runId: 2, config: tinyConfig() });
    await none.handler.handle({ type: 'start', runId: 2 });
    await none.ended;
    expect(none.of('resumed')).toEqual([]);
    expect(none.of('error')[0]).toMatchObject({ runId: 2, code: 'device-lost' });
    expect(none.of('error')[0].message).toMatch(/no other backend could start/);
  });

  it('loads the run again on the next backend when the device is lost while it loads', async () => {
    await tf.setBackend('cpu');
    const r = setup({ startBackend: nodeStart() });
    const configured = r.handler.handle({ type: 'configure', runId: 1, config: tinyConfig() });
    void r.handler.handle({ type: 'start', runId: 1 });
    await r.handler.deviceLost('lost while loading');
    await configured;
    await r.ended;
    expect(r.of('error')).toEqual([]);
    expect(r.of('resumed')).toMatchObject([{ runId: 1, cause: 'device-lost', atStep: 1, fromStep: 0, backend: 'wasm' }]);
    expect(r.of('result')[0]?.result.series.metrics.map((m) => m.step)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    expect(r.of('result')[0]?.result.backend).toBe('wasm');
    await r.handler.dispose();
  });

  it('switches the backend during a run at its next reporting step, and continues from there', async () => {
    const r = await switchDuringRun('cpu');
    expect(r.of('error')).toEqual([]);
    const [resumed] = r.of('resumed');
    // Asked for after step 4's report: the run takes a checkpoint at its next report (step 6) and goes on from it.
    expect(resumed).toMatchObject({ cause: 'switched', backend: 'cpu', atStep: 6, fromStep: 6 });
    expect(resumed.message).toBe(resumeNotice('switched', resumed.atStep, resumed.fromStep, 'cpu'));
    expect(tf.getBackend()).toBe('cpu');
    expect(r.of('result')[0]?.result.series.metrics.map((m) => m.step)).toEqual([2, 4, 6, 8, 10, 12]);
    await r.handler.dispose();
  });
});

describe('a switch whose backend does not start', () => {
  it('keeps the run on its backend, continues from the checkpoint and says why', async () => {
    // WebGL is not in Node: its start fails as a blocklisted GPU's would.
    const r = await switchDuringRun('webgl');
    expect(r.of('error')).toEqual([]);
    const [resumed] = r.of('resumed');
    expect(resumed).toMatchObject({ cause: 'switched', backend: 'wasm', atStep: 6, fromStep: 6 });
    expect(resumed.message).toBe('WebGL did not start (webgl is not in Node); the run continues from step 6 on WebAssembly');
    expect(tf.getBackend()).toBe('wasm');
    expect(r.of('result')[0]?.result.series.metrics.map((m) => m.step)).toEqual([2, 4, 6, 8, 10, 12]);
    await r.handler.dispose();
  });
});

describe('a switch back to a backend that lost its device', () => {
  it('starts it again on a new device, and the run continues there', async () => {
    await tf.setBackend('cpu');
    // 'cpu' plays the GPU: its device is lost before step 3, the run moves to wasm; after step 8's report the user switches back.
    const starts: { name: BackendName; cause: string; renew: boolean }[] = [];
    const start = nodeStart();
    const r = setup({
      startBackend: (name, cause, renew) => {
        starts.push({ name, cause, renew: renew ?? false });
        return start(name, cause, renew);
      },
      loseDeviceAtStep: 3,
      checkpointEveryMs: 60_000,
    });
    let asked = false;
    r.reactions.push((e) => {
      if (!asked && e.type === 'metrics' && e.points.some((p) => p.step === 8)) {
        asked = true;
        void r.handler.handle({ type: 'switch-backend', backend: 'cpu' });
      }
    });
    await r.handler.handle({ type: 'configure', runId: 1, config: tinyConfig({ 'runtime.reportIntervalSteps': 2 }) });
    await r.handler.handle({ type: 'start', runId: 1 });
    await r.ended;
    expect(r.of('error')).toEqual([]);
    expect(r.of('resumed').map((e) => [e.cause, e.backend])).toEqual([
      ['device-lost', 'wasm'],
      ['switched', 'cpu'],
    ]);
    // The fallback order tries WebGPU and WebGL first (not in Node), then wasm; the switch back renews cpu.
    expect(starts.filter((s) => s.name === 'wasm' || s.name === 'cpu')).toEqual([
      { name: 'wasm', cause: 'device-lost', renew: false },
      { name: 'cpu', cause: 'switched', renew: true },
    ]);
    expect(tf.getBackend()).toBe('cpu');
    expect(chartSteps(r.events)).toEqual([2, 4, 6, 8, 10, 12]);
    expect(r.of('result')[0]?.result.series.metrics.map((m) => m.step)).toEqual([2, 4, 6, 8, 10, 12]);
    await r.handler.dispose();
  });
});

describe('Resumer', () => {
  /** An experiment as far as the checkpoint policy reads it: a report every `every` steps. */
  function fakeExperiment(every: number) {
    const exp = { globalStep: 0, stage: 1 as const, taken: [] as number[], atReport: false, checkpoint: async () => ({ globalStep: exp.globalStep }) as never };
    const step = () => {
      exp.globalStep += 1;
      exp.atReport = exp.globalStep % every === 0;
    };
    return { exp, step };
  }

  it('checkpoints at the first report, then at most every checkpointEveryMs, only at reports; fires the loss hook once', async () => {
    let clock = 0;
    let losses = 0;
    const resumer = new Resumer({ startBackend: nodeStart(), checkpointEveryMs: 5000, loseDeviceAtStep: 7, loseDevice: () => (losses += 1) }, () => clock);
    const state = resumer.fresh();
    const { exp, step } = fakeExperiment(2);
    const taken: number[] = [];
    for (let i = 0; i < 12; i++) {
      step();
      clock += 1000;
      await resumer.afterStep(state, exp as unknown as Parameters<Resumer['afterStep']>[1]);
      if (state.checkpoint && !taken.includes(state.checkpoint.globalStep)) taken.push(state.checkpoint.globalStep);
    }
    // Step 2 (the first report, at 2 s), then the first report at least 5 s later: step 8 (at 8 s); 10 and 12 come too soon.
    expect(taken).toEqual([2, 8]);
    expect(losses).toBe(1);
    // A move under way: no checkpoint of a step that ended on a lost device.
    state.moving = 'device-lost';
    clock += 60_000;
    step();
    step();
    await resumer.afterStep(state, exp as unknown as Parameters<Resumer['afterStep']>[1]);
    expect(state.checkpoint?.globalStep).toBe(8);
  });
});

describe('fallbackOrder', () => {
  it("follows the probe's ranking, then the fixed order, without the lost backend", () => {
    expect(fallbackOrder({ name: 'webgpu', reason: '', forced: true })).toEqual(['webgl', 'wasm', 'cpu']);
    expect(fallbackOrder({ name: 'webgpu', reason: '', forced: true }, ['webgl'])).toEqual(['wasm', 'cpu']);
    const probe = { format: 1, fingerprint: '', measuredAt: 0, choice: 'webgpu' as const, reason: '', probeMs: 0, cached: false, measurements: [{ backend: 'wasm' as const, stepMs: 30 }, { backend: 'webgpu' as const, stepMs: 10 }, { backend: 'webgl' as const, stepMs: 50 }] };
    expect(fallbackOrder({ name: 'webgpu', reason: '', forced: false, probe })).toEqual(['wasm', 'webgl', 'cpu']);
  });

  it('tries WebAssembly before WebGL when the lost GPU rendered in software', () => {
    expect(fallbackOrder({ name: 'webgpu', reason: '', forced: true, software: true })).toEqual(['wasm', 'webgl', 'cpu']);
    expect(fallbackOrder({ name: 'webgpu', reason: '', forced: true, software: true }, ['wasm'])).toEqual(['webgl', 'cpu']);
  });
});
