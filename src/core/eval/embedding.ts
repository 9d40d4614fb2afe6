/**
 * The test-split evaluations of the student's embedding beyond NCM: NMI of a k-means
 * clustering and episodic N-way K-shot accuracy. The embeddings are read back once and the
 * rest runs in plain JavaScript (N ≤ ~5,000 rows, D ≤ 128: milliseconds to a few hundred).
 */
import type * as tf from '@tensorflow/tfjs';
import type { EpisodicAccuracy } from '../../protocol/results';
import { streamRng } from '../random';
import { episodicAccuracy } from './episodic';
import { kMeans, l2NormaliseRows } from './kmeans';
import { normalizedMutualInformation } from './nmi';

/** Reads a tensor's values (the experiment's counting reader). */
export interface TensorReader {
  read(t: tf.Tensor): Promise<ArrayLike<number>>;
}

export interface EmbeddingEvaluationOptions {
  /** Number of classes: k of k-means, and the label range. */
  numClasses: number;
  /** Run seed; k-means draws from `streamRng(seed, 'eval/kmeans/<stream>')`. */
  seed: number;
  /** Names this evaluation's k-means stream (`stage1`, `final`), so the two do not share draws. */
  stream: string;
  /** Episodic tasks per K; 0 or absent: no episodic evaluation. */
  episodes?: number;
  /** k-means restarts (lowest inertia kept). Default 3. */
  restarts?: number;
}

export interface EmbeddingEvaluation {
  nmi: number;
  /** Present when `episodes` > 0: one entry per K (1 and 5). */
  episodic?: EpisodicAccuracy[];
  /** Wall time of the JavaScript part (clustering and tasks), after the read-back. */
  ms: number;
}

/**
 * NMI(labels, k-means_k(normalise(f(x)))) with k = numClasses (arithmetic-mean normalisation)
 * and, if asked, episodic accuracy, on the embeddings [N,D] that `embed` returns. `embed` is
 * called once and this function owns its tensor (it may be one the caller already computed
 * for NCM, so the split is embedded once): it is read back once and freed here, also on failure.
 */
export async function evaluateEmbedding(embed: () => tf.Tensor2D, labels: Int32Array, reader: TensorReader, options: EmbeddingEvaluationOptions): Promise<EmbeddingEvaluation> {
  const embeddings = embed();
  const [n, d] = embeddings.shape;
  let values: ArrayLike<number>;
  try {
    values = await reader.read(embeddings);
  } finally {
    embeddings.dispose();
  }
  const t0 = performance.now();
  const unit = l2NormaliseRows(values, n, d);
  const k = Math.min(options.numClasses, n);
  const clusters = kMeans(unit, n, d, { k, rng: streamRng(options.seed, `eval/kmeans/${options.stream}`), restarts: options.restarts ?? 3 });
  const nmi = normalizedMutualInformation(labels, clusters.assignments);
  const episodes = options.episodes ?? 0;
  const episodic = episodes > 0 ? episodicAccuracy(unit, labels, d, options.numClasses, { tasks: episodes, seed: options.seed }) : undefined;
  return { nmi, ...(episodic ? { episodic } : {}), ms: performance.now() - t0 };
}
