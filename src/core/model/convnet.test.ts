import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { autoConvGradient, conv3x3, isSoftwareAdapter, maxPool2x2, setWebGpuSoftwareAdapter, WEBGPU_SOFTWARE_ADAPTER, type ConvGradientMode } from './conv';
import { ConvNet, blockChannels, type BatchMoments } from './convnet';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('conv3x3 and maxPool2x2 without the native gradient kernels', () => {
  // 1 and 3 input channels take the patch-matrix filter gradient in `swapped` mode, 5 the swapped convolution.
  for (const [mode, cIn] of [['matmul', 3], ['swapped', 1], ['swapped', 5]] as const) {
    it(`${mode}, ${cIn} input channels: matches the native gradients`, () => {
      const x = tf.randomNormal([2, 6, 5, cIn], 0, 1, 'float32', 1) as tf.Tensor4D;
      const w = tf.randomNormal([3, 3, cIn, 4], 0, 1, 'float32', 2) as tf.Tensor4D;
      const dy = tf.randomNormal([2, 6, 5, 4], 0, 1, 'float32', 3);
      const loss = (m: ConvGradientMode) => (a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(conv3x3(a as tf.Tensor4D, b as tf.Tensor4D, m), dy));
      const [dxN, dwN] = tf.grads(loss('native'))([x, w]);
      const [dxM, dwM] = tf.grads(loss(mode))([x, w]);
      expect(tf.max(tf.abs(tf.sub(dxN, dxM))).arraySync()).toBeLessThan(1e-4);
      expect(tf.max(tf.abs(tf.sub(dwN, dwM))).arraySync()).toBeLessThan(1e-4);
      expect(tf.max(tf.abs(tf.sub(conv3x3(x, w, mode), tf.conv2d(x, w, 1, 'same')))).arraySync()).toBe(0);
      // Without the input gradient (a first layer), the filter gradient is unchanged.
      const [dwOnly] = tf.grads((b: tf.Tensor) => tf.sum(tf.mul(conv3x3(x, b as tf.Tensor4D, mode, false), dy)))([w]);
      expect(tf.max(tf.abs(tf.sub(dwN, dwOnly))).arraySync()).toBeLessThan(1e-4);
    });
  }

  it('swapped: the pool after a ReLU has the native gradient, windows of zeros included', () => {
    // Pre-activations with whole 2×2 windows ≤ 0 (ties at 0 after the ReLU) and distinct positives.
    const pre = tf.tensor4d([0.5, -1, 2, 0.3, -0.2, -0.1, -3, 1.5, -1, -2, 0.7, -0.4, -0.5, -0.6, 0.1, 0.2], [1, 4, 4, 1]);
    const noisy = tf.concat([pre, tf.randomNormal([1, 4, 4, 1], 0, 1, 'float32', 4)]) as tf.Tensor4D;
    const dy = tf.randomNormal([2, 2, 2, 1], 0, 1, 'float32', 5);
    const loss = (m: ConvGradientMode) => (a: tf.Tensor) => tf.sum(tf.mul(maxPool2x2(tf.relu(a as tf.Tensor4D), m), dy));
    const [gN] = tf.grads(loss('native'))([noisy]);
    const [gS] = tf.grads(loss('swapped'))([noisy]);
    expect(tf.max(tf.abs(tf.sub(gN, gS))).arraySync()).toBe(0);
    expect(tf.max(tf.abs(tf.sub(maxPool2x2(noisy, 'swapped'), tf.maxPool(noisy, 2, 2, 'valid')))).arraySync()).toBe(0);
  });
});

describe('ConvNet', () => {
  it('has the documented widths', () => {
    expect(blockChannels(1)).toEqual([32, 64, 128]);
    expect(blockChannels(0.5)).toEqual([16, 32, 64]);
    expect(blockChannels(0.25)).toEqual([8, 16, 32]);
  });

  it('exports a layers model that computes the same inference embedding and logits', () => {
    const net = new ConvNet({ widthMultiplier: 0.25, numClasses: 3, seed: 7 });
    // Move the BN averages away from their initial values so the export is really tested.
    const x = tf.randomUniform([4, 28, 28, 1], 0, 1, 'float32', 5) as tf.Tensor4D;
    const moments: BatchMoments = [];
    net.embed(x, true, 'native', moments);
    net.updateMovingAverages(moments);
    const emb = net.embed(x, false, 'native');
    const logits = net.head(emb);
    const model = net.toLayersModel();
    const layerLogits = model.predict(x) as tf.Tensor;
    const embModel = tf.model({ inputs: model.inputs, outputs: model.getLayer('embedding').output as tf.SymbolicTensor });
    const layerEmb = embModel.predict(x) as tf.Tensor;
    expect(tf.max(tf.abs(tf.sub(layerLogits, logits))).arraySync()).toBeLessThan(1e-4);
    expect(tf.max(tf.abs(tf.sub(layerEmb, emb))).arraySync()).toBeLessThan(1e-4);
    net.dispose();
    model.dispose();
  });

  it('initialises identically from the same seed', () => {
    const a = new ConvNet({ widthMultiplier: 0.25, numClasses: 2, seed: 3 });
    const b = new ConvNet({ widthMultiplier: 0.25, numClasses: 2, seed: 3 });
    a.allVariables().forEach((v, i) => expect(tf.max(tf.abs(tf.sub(v, b.allVariables()[i]))).arraySync()).toBe(0));
    a.dispose();
    b.dispose();
  });
});

describe('autoConvGradient', () => {
  it('picks per backend, and on WebGPU per adapter: swapped on a GPU, native in software', () => {
    expect(autoConvGradient('wasm')).toBe('swapped');
    expect(autoConvGradient('cpu')).toBe('matmul');
    expect(autoConvGradient('webgl')).toBe('native');
    const before = tf.env().getBool(WEBGPU_SOFTWARE_ADAPTER);
    try {
      setWebGpuSoftwareAdapter(false);
      expect(autoConvGradient('webgpu')).toBe('swapped');
      setWebGpuSoftwareAdapter(true);
      expect(autoConvGradient('webgpu')).toBe('native');
    } finally {
      setWebGpuSoftwareAdapter(before);
    }
  });
});

describe('isSoftwareAdapter', () => {
  it('knows a software adapter by its flag, architecture or description', () => {
    expect(isSoftwareAdapter({ architecture: 'swiftshader', description: '' })).toBe(true);
    expect(isSoftwareAdapter({ description: 'llvmpipe (LLVM 15.0.6, 256 bits)' })).toBe(true);
    expect(isSoftwareAdapter({ isFallbackAdapter: true })).toBe(true);
    expect(isSoftwareAdapter({ vendor: 'nvidia', architecture: '', description: 'NVIDIA H100 80GB HBM3' })).toBe(false);
    expect(isSoftwareAdapter(undefined)).toBe(false);
  });
});

