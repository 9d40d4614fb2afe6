import * as tf from '@tensorflow/tfjs';
import type { StudentModel, WeightSpec } from '../../protocol/runFileIo';
import type { ConvNet } from './convnet';

/**
 * The trained student as a TensorFlow.js layers model's parts (`ConvNet.toLayersModel`,
 * saved through `tf.io.withSaveHandler`): topology, weight specs and the weight bytes, the
 * BN moving averages included. Reads the weights back once (`data()`, never a sync read);
 * the temporary layers model is disposed, so no tensor outlives the call.
 */
export async function saveStudentModel(net: ConvNet): Promise<StudentModel> {
  const model = net.toLayersModel();
  let saved: StudentModel | undefined;
  try {
    await model.save(
      tf.io.withSaveHandler(async (artifacts) => {
        const data = artifacts.weightData;
        const weightData = data instanceof ArrayBuffer ? data : tf.io.concatenateArrayBuffers(data ?? []);
        saved = {
          modelTopology: artifacts.modelTopology as Record<string, unknown>,
          weightSpecs: (artifacts.weightSpecs ?? []).map((s) => ({ name: s.name, shape: [...s.shape], dtype: s.dtype as WeightSpec['dtype'] })),
          weightData,
        };
        return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
      }),
    );
  } finally {
    model.dispose();
  }
  if (!saved) throw new Error('Saving the student produced no model.');
  return saved;
}

/** A student saved by `saveStudentModel` (or read from a bundle) as a layers model: x [B,28,28,1] → logits [B,C]. */
export function loadStudentModel(student: StudentModel): Promise<tf.LayersModel> {
  return tf.loadLayersModel(tf.io.fromMemory({ modelTopology: student.modelTopology, weightSpecs: student.weightSpecs, weightData: student.weightData }));
}
