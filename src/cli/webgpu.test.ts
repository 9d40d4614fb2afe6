import * as tf from '@tensorflow/tfjs';
import { afterAll, describe, expect, it } from 'vitest';
import { NodeBackendError, useNodeBackend } from './backend';
import { parseArgs } from './refilled';
import { adapterText, releaseNodeWebGpu, startNodeWebGpu } from './webgpu';

afterAll(() => releaseNodeWebGpu());

describe('tfjs WebGPU in Node through Dawn', () => {
  it('starts on a GPU adapter, or says in one line why not (no Vulkan driver on CI machines)', async () => {
    const started = await startNodeWebGpu();
    if (started.ok) {
      expect(tf.getBackend()).toBe('webgpu');
      expect(started.adapter.length).toBeGreaterThan(0);
      expect((await tf.add(tf.tensor1d([1, 2]), tf.tensor1d([3, 4])).data()).join(',')).toBe('4,6');
    } else {
      expect(started.why).toMatch(/adapter|Vulkan|Dawn|setBackend/);
      expect(started.why).not.toContain('\n');
      expect(tf.findBackend('webgpu') === null || tf.getBackend() !== 'webgpu').toBe(true);
      await expect(useNodeBackend('webgpu')).rejects.toBeInstanceOf(NodeBackendError);
      await expect(useNodeBackend('webgpu')).rejects.toThrow(/could not start in this Node\.js: /);
    }
  });

  it('describes an adapter by vendor, architecture and description, once each', () => {
    expect(adapterText({ vendor: 'nvidia', architecture: 'hopper', description: 'NVIDIA H100 80GB HBM3', device: '' })).toBe('nvidia hopper NVIDIA H100 80GB HBM3');
    expect(adapterText({ vendor: 'google', architecture: 'swiftshader', description: 'swiftshader' })).toBe('google swiftshader');
    expect(adapterText(undefined)).toBe('unknown adapter');
  });

  it('is a CLI backend', async () => {
    expect((await parseArgs(['--backend', 'webgpu'], async () => '')).backend).toBe('webgpu');
  });
});
