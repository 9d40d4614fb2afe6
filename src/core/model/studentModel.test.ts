import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { weightBytes } from '../../protocol/runFileIo';
import { ConvNet } from './convnet';
import { loadStudentModel, saveStudentModel } from './studentModel';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('student model export', () => {
  it('saves the layers model whose logits are the ConvNet head, without leaking tensors', async () => {
    const net = new ConvNet({ widthMultiplier: 0.25, numClasses: 3, seed: 5 });
    const before = tf.memory().numTensors;
    const saved = await saveStudentModel(net);
    expect(tf.memory().numTensors).toBe(before);
    // conv (1) + BN (4) per block, 3 blocks, head kernel + bias.
    expect(saved.weightSpecs).toHaveLength(3 * 5 + 2);
    expect(saved.weightData.byteLength).toBe(weightBytes(saved.weightSpecs));
    const model = await loadStudentModel(saved);
    const x = tf.randomUniform([4, 28, 28, 1], 0, 1, 'float32', 3) as tf.Tensor4D;
    const fromModel = model.predict(x) as tf.Tensor;
    const fromNet = tf.tidy(() => net.head(net.embed(x, false, 'native')));
    expect(fromModel.shape).toEqual([4, 3]);
    const a = await fromModel.data();
    const b = await fromNet.data();
    a.forEach((v, i) => expect(v).toBeCloseTo(b[i], 4));
    tf.dispose([x, fromModel, fromNet]);
    model.dispose();
    net.dispose();
  });
});
