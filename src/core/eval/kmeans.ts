/**
 * k-means in plain JavaScript on a row-major Float32Array [N×D]: k-means++ seeding from a
 * seeded generator, Lloyd iterations until no assignment changes (or a cap), and a few
 * restarts keeping the lowest inertia. Sized for evaluation (N ≤ ~5,000, D ≤ 128, k ≤ 10):
 * one iteration is N·k·D multiply-adds, well under a millisecond per 100k.
 */

export interface KMeansOptions {
  /** Number of clusters k (1 ≤ k ≤ N). */
  k: number;
  /** Uniform [0, 1) generator, e.g. `streamRng(seed, 'eval/kmeans')`; every restart draws from it in turn. */
  rng: () => number;
  /** Independent k-means++ starts; the one with the lowest inertia wins. Default 3. */
  restarts?: number;
  /** Lloyd iterations per start at most. Default 100. */
  maxIterations?: number;
}

export interface KMeansResult {
  /** Cluster of each row: [N], values in 0…k−1. */
  assignments: Int32Array;
  /** Cluster centres, row-major [k×D]. */
  centres: Float32Array;
  /** Σ over rows of the squared Euclidean distance to the row's centre. */
  inertia: number;
  /** Lloyd iterations the winning start ran. */
  iterations: number;
}

function squaredDistance(points: Float32Array, row: number, centres: Float64Array, centre: number, d: number): number {
  let s = 0;
  const p = row * d;
  const c = centre * d;
  for (let j = 0; j < d; j++) {
    const diff = points[p + j] - centres[c + j];
    s += diff * diff;
  }
  return s;
}

/**
 * k-means++ (Arthur & Vassilvitskii 2007): the first centre is a uniformly drawn row, each next
 * one a row drawn with probability ∝ its squared distance to the nearest centre chosen so far
 * (uniformly when every row already sits on a centre). Returns centres [k×D].
 */
export function kMeansPlusPlus(points: Float32Array, n: number, d: number, k: number, rng: () => number): Float64Array {
  const centres = new Float64Array(k * d);
  const nearest = new Float64Array(n).fill(Infinity);
  let chosen = Math.min(n - 1, Math.floor(rng() * n));
  for (let c = 0; c < k; c++) {
    for (let j = 0; j < d; j++) centres[c * d + j] = points[chosen * d + j];
    if (c === k - 1) break;
    let total = 0;
    for (let i = 0; i < n; i++) {
      const dist = squaredDistance(points, i, centres, c, d);
      if (dist < nearest[i]) nearest[i] = dist;
      total += nearest[i];
    }
    if (total > 0) {
      let target = rng() * total;
      chosen = n - 1;
      for (let i = 0; i < n; i++) {
        target -= nearest[i];
        if (target < 0) {
          chosen = i;
          break;
        }
      }
    } else {
      chosen = Math.min(n - 1, Math.floor(rng() * n));
    }
  }
  return centres;
}

/** Nearest centre of every row (ties to the lower index) and the inertia; returns whether any assignment changed. */
function assign(points: Float32Array, n: number, d: number, k: number, centres: Float64Array, assignments: Int32Array): { changed: boolean; inertia: number } {
  let changed = false;
  let inertia = 0;
  for (let i = 0; i < n; i++) {
    let best = 0;
    let bestDist = Infinity;
    for (let c = 0; c < k; c++) {
      const dist = squaredDistance(points, i, centres, c, d);
      if (dist < bestDist) {
        bestDist = dist;
        best = c;
      }
    }
    if (assignments[i] !== best) {
      assignments[i] = best;
      changed = true;
    }
    inertia += bestDist;
  }
  return { changed, inertia };
}

/** Centres ← means of their rows; a cluster left empty keeps its previous centre. */
function update(points: Float32Array, n: number, d: number, k: number, centres: Float64Array, assignments: Int32Array): void {
  const sums = new Float64Array(k * d);
  const counts = new Int32Array(k);
  for (let i = 0; i < n; i++) {
    const c = assignments[i];
    counts[c] += 1;
    for (let j = 0; j < d; j++) sums[c * d + j] += points[i * d + j];
  }
  for (let c = 0; c < k; c++) {
    if (counts[c] === 0) continue;
    for (let j = 0; j < d; j++) centres[c * d + j] = sums[c * d + j] / counts[c];
  }
}

/**
 * Clusters the rows of `points` [N×D] into k groups minimising Σ_i ‖x_i − μ_{a(i)}‖², with
 * k-means++ starts and Lloyd's alternation (assign to the nearest centre, move each centre to
 * its rows' mean). Deterministic for a given generator state.
 */
export function kMeans(points: Float32Array, n: number, d: number, options: KMeansOptions): KMeansResult {
  const { k, rng } = options;
  const restarts = options.restarts ?? 3;
  const maxIterations = options.maxIterations ?? 100;
  if (points.length !== n * d) throw new Error(`k-means: expected ${n}×${d} values, got ${points.length}.`);
  if (!Number.isInteger(k) || k < 1 || k > n) throw new Error(`k-means: k must be an integer in 1…${n} (got ${k}).`);
  let best: KMeansResult | null = null;
  for (let r = 0; r < Math.max(1, restarts); r++) {
    const centres = kMeansPlusPlus(points, n, d, k, rng);
    const assignments = new Int32Array(n).fill(-1);
    let { inertia } = assign(points, n, d, k, centres, assignments);
    let iterations = 0;
    while (iterations < maxIterations) {
      update(points, n, d, k, centres, assignments);
      iterations += 1;
      const step = assign(points, n, d, k, centres, assignments);
      inertia = step.inertia;
      if (!step.changed) break;
    }
    if (!best || inertia < best.inertia) best = { assignments, centres: Float32Array.from(centres), inertia, iterations };
  }
  return best as KMeansResult;
}

/** Copy of `points` [N×D] with every row scaled to unit L2 norm (a zero row stays zero). */
export function l2NormaliseRows(points: ArrayLike<number>, n: number, d: number): Float32Array {
  const out = new Float32Array(n * d);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let j = 0; j < d; j++) s += points[i * d + j] ** 2;
    const inv = s > 0 ? 1 / Math.sqrt(s) : 0;
    for (let j = 0; j < d; j++) out[i * d + j] = points[i * d + j] * inv;
  }
  return out;
}
