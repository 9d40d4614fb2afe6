import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { timeTrainingSteps, type ProbeSpec } from './probe';

const TINY: ProbeSpec = { batchSize: 4, studentWidth: 0.25, numClasses: 3, maxTimedSteps: 3, budgetMs: 1000 };

describe('timeTrainingSteps', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  it('times real training steps after a warm-up and frees every tensor', async () => {
    const before = tf.memory().numTensors;
    const t = await timeTrainingSteps(TINY);
    expect(t.steps).toBe(3);
    expect(t.stepMs).toBeGreaterThan(0);
    expect(t.warmupMs).toBeGreaterThan(0);
    expect(tf.memory().numTensors).toBe(before);
    // Again: nothing accumulates across probes.
    await timeTrainingSteps(TINY);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('stops timing when the next step would pass the deadline, but always times one', async () => {
    // A fake clock that moves 50 ms at every reading: each step measures 50 ms; after the first
    // timed step the clock reads 250, and 250 + 50 passes the deadline.
    let clock = 0;
    const now = () => {
      clock += 50;
      return clock;
    };
    const t = await timeTrainingSteps({ ...TINY, maxTimedSteps: 5 }, 250, now);
    expect(t.steps).toBe(1);
    expect(t.stepMs).toBe(50);
    const none = await timeTrainingSteps({ ...TINY, maxTimedSteps: 5 }, 0, now);
    expect(none.steps).toBe(1);
  });
});
