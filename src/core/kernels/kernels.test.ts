import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { beforeAll, describe, expect, it } from 'vitest';
import { ALL_KERNELS } from './index';
import { checkFusedKernels, checkPasses } from './selfCheck';

describe.each(['cpu', 'wasm'])('fused kernels on %s', (backend) => {
  beforeAll(async () => {
    await tf.setBackend(backend);
  });

  it('match the reference loops, leaving no tensor behind', async () => {
    const before = tf.memory().numTensors;
    const results = await checkFusedKernels();
    expect(tf.memory().numTensors).toBe(before);
    expect(results.map((r) => r.kernel).sort()).toEqual([...ALL_KERNELS].sort());
    for (const r of results) expect({ kernel: r.kernel, pass: checkPasses(r, 1e-6) }).toEqual({ kernel: r.kernel, pass: true });
  });
});
