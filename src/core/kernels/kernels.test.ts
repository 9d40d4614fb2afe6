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
    expect([...new Set(results.map((r) => r.kernel))].sort()).toEqual([...ALL_KERNELS].sort());
    // The stage-1 kernels run each mining rule and form, the stage-2 ones each setting.
    expect(results.filter((r) => r.variant).map((r) => r.variant)).toHaveLength(8 + 3 + 4);
    for (const r of results) expect({ kernel: r.kernel, variant: r.variant, pass: checkPasses(r, 1e-6) }).toEqual({ kernel: r.kernel, variant: r.variant, pass: true });
  });
});
