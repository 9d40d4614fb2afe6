/**
 * Episodic ("middle-shot") evaluation of an embedding (REFILLED TPAMI §5.3): random N-way
 * K-shot tasks from the test split's classes, each query assigned to the class whose centre
 * (the L2-normalised mean of its K support embeddings) has the highest cosine similarity. The
 * embedding is judged without any classifier trained on it, the way few-shot learning is.
 */
import { meanInterval } from '../../protocol/stats';
import type { EpisodicAccuracy } from '../../protocol/results';
import { streamRng } from '../random';

/** Episodic tasks per K that a run evaluates unless told otherwise (the paper reports means over ≥ 500). */
export const DEFAULT_EPISODES = 500;

export interface EpisodeSpec {
  /** N: classes per task. */
  ways: number;
  /** K: support rows per class. */
  shots: number;
  /** Query rows per class. */
  queries: number;
}

/** One task: for each of its N classes (a label), the row indices of its support and query sets. */
export interface Episode {
  classes: number[];
  support: number[][];
  query: number[][];
}

/** `count` distinct items of `items` drawn uniformly (partial Fisher–Yates on a copy). */
function drawDistinct(items: readonly number[], count: number, rng: () => number): number[] {
  const pool = items.slice();
  for (let i = 0; i < count; i++) {
    const j = i + Math.floor(rng() * (pool.length - i));
    const tmp = pool[i];
    pool[i] = pool[j];
    pool[j] = tmp;
  }
  return pool.slice(0, count);
}

/** Row indices of each label 0…numClasses−1, in row order. */
export function rowsByClass(labels: ArrayLike<number>, numClasses: number): number[][] {
  const byClass: number[][] = Array.from({ length: numClasses }, () => []);
  for (let i = 0; i < labels.length; i++) byClass[labels[i]]?.push(i);
  return byClass;
}

/**
 * Draws one task: N classes among those with at least K + Q rows, then for each class K + Q
 * distinct rows, the first K the support set and the other Q the queries (so support and query
 * never share a row). `byClass[c]` lists the rows of class c.
 */
export function sampleEpisode(byClass: readonly (readonly number[])[], spec: EpisodeSpec, rng: () => number): Episode {
  const need = spec.shots + spec.queries;
  const eligible = byClass.map((rows, c) => (rows.length >= need ? c : -1)).filter((c) => c >= 0);
  if (eligible.length < spec.ways) throw new Error(`A ${spec.ways}-way ${spec.shots}-shot task with ${spec.queries} queries needs ${spec.ways} classes of ≥ ${need} images; ${eligible.length} have that many.`);
  const classes = drawDistinct(eligible, spec.ways, rng);
  const support: number[][] = [];
  const query: number[][] = [];
  for (const c of classes) {
    const rows = drawDistinct(byClass[c], need, rng);
    support.push(rows.slice(0, spec.shots));
    query.push(rows.slice(spec.shots));
  }
  return { classes, support, query };
}

/**
 * Share of the episode's queries assigned to their own class. `embeddings` are row-major
 * [N×D] and L2-normalised; centre_c = normalise(mean of class c's support rows), the
 * prediction is argmax_c ⟨x, centre_c⟩ (cosine, since x is unit length; ties to the first way).
 */
export function episodeAccuracy(embeddings: Float32Array, d: number, episode: Episode): number {
  const ways = episode.classes.length;
  const centres = new Float64Array(ways * d);
  for (let w = 0; w < ways; w++) {
    for (const row of episode.support[w]) for (let j = 0; j < d; j++) centres[w * d + j] += embeddings[row * d + j];
    let s = 0;
    for (let j = 0; j < d; j++) s += centres[w * d + j] ** 2;
    const inv = s > 0 ? 1 / Math.sqrt(s) : 0;
    for (let j = 0; j < d; j++) centres[w * d + j] *= inv;
  }
  let correct = 0;
  let total = 0;
  for (let w = 0; w < ways; w++) {
    for (const row of episode.query[w]) {
      let best = 0;
      let bestScore = -Infinity;
      for (let c = 0; c < ways; c++) {
        let score = 0;
        for (let j = 0; j < d; j++) score += embeddings[row * d + j] * centres[c * d + j];
        if (score > bestScore) {
          bestScore = score;
          best = c;
        }
      }
      if (best === w) correct += 1;
      total += 1;
    }
  }
  return total > 0 ? correct / total : 0;
}

export interface EpisodicOptions {
  /** Tasks per K (≥ 2 for an interval). */
  tasks: number;
  /** The K values to evaluate. Default [1, 5]. */
  shots?: readonly number[];
  /** Query rows per class. Default 15. */
  queries?: number;
  /** Largest N; the tasks use min(maxWays, classes with enough rows). Default 5. */
  maxWays?: number;
  /** Run seed; each K draws from its own stream `eval/episodes/<K>-shot`. */
  seed: number;
}

/**
 * Mean episodic accuracy with its 95 % interval for each K, on L2-normalised `embeddings`
 * [N×D] with `labels` [N] in 0…numClasses−1. A K for which fewer than two classes have
 * K + Q rows is left out.
 */
export function episodicAccuracy(embeddings: Float32Array, labels: ArrayLike<number>, d: number, numClasses: number, options: EpisodicOptions): EpisodicAccuracy[] {
  const queries = options.queries ?? 15;
  const byClass = rowsByClass(labels, numClasses);
  const out: EpisodicAccuracy[] = [];
  for (const shots of options.shots ?? [1, 5]) {
    const eligible = byClass.filter((rows) => rows.length >= shots + queries).length;
    const ways = Math.min(options.maxWays ?? 5, eligible);
    if (ways < 2 || options.tasks < 1) continue;
    const rng = streamRng(options.seed, `eval/episodes/${shots}-shot`);
    const accs: number[] = [];
    for (let t = 0; t < options.tasks; t++) accs.push(episodeAccuracy(embeddings, d, sampleEpisode(byClass, { ways, shots, queries }, rng)));
    const interval = meanInterval(accs);
    out.push({ ways, shots, queries, tasks: options.tasks, mean: interval.mean, halfWidth: interval.halfWidth });
  }
  return out;
}
