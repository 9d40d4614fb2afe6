/**
 * Normalised mutual information between two labellings of the same items: how much knowing
 * one assignment tells about the other, from 0 (independent) to 1 (the same partition up to a
 * renaming of the labels). Used to judge the student's embedding by clustering its test
 * embeddings (REFILLED, TPAMI Table 4).
 */

/** Entropy −Σ p log p (natural log) of the counts' distribution; 0 for an empty or one-group list. */
function entropy(counts: Iterable<number>, total: number): number {
  let h = 0;
  for (const c of counts) if (c > 0) h -= (c / total) * Math.log(c / total);
  return h;
}

/** Dense renaming of arbitrary integer labels to 0…m−1, in order of first appearance. */
function relabel(labels: ArrayLike<number>): { ids: Int32Array; groups: number } {
  const index = new Map<number, number>();
  const ids = new Int32Array(labels.length);
  for (let i = 0; i < labels.length; i++) {
    let id = index.get(labels[i]);
    if (id === undefined) index.set(labels[i], (id = index.size));
    ids[i] = id;
  }
  return { ids, groups: index.size };
}

/**
 * NMI(U, V) = I(U; V) / ((H(U) + H(V)) / 2), the arithmetic-mean normalisation (scikit-learn's
 * default `normalized_mutual_info_score`), with, from the contingency counts n_ij (N items,
 * row sums a_i, column sums b_j):
 *   I(U; V) = Σ_ij (n_ij / N) · log(N · n_ij / (a_i · b_j)),   H(U) = −Σ_i (a_i / N) · log(a_i / N).
 * The base of the logarithm cancels. Two one-group labellings are the same partition: 1 (as
 * scikit-learn). Labels are any integers; `trueLabels` and `clusters` have the same length N ≥ 1.
 */
export function normalizedMutualInformation(trueLabels: ArrayLike<number>, clusters: ArrayLike<number>): number {
  const n = trueLabels.length;
  if (n !== clusters.length) throw new Error(`NMI needs two labellings of the same items (got ${n} and ${clusters.length}).`);
  if (n === 0) return 1;
  const u = relabel(trueLabels);
  const v = relabel(clusters);
  if (u.groups === 1 && v.groups === 1) return 1;
  const table = new Float64Array(u.groups * v.groups);
  const a = new Float64Array(u.groups);
  const b = new Float64Array(v.groups);
  for (let i = 0; i < n; i++) {
    table[u.ids[i] * v.groups + v.ids[i]] += 1;
    a[u.ids[i]] += 1;
    b[v.ids[i]] += 1;
  }
  let mi = 0;
  for (let i = 0; i < u.groups; i++) {
    for (let j = 0; j < v.groups; j++) {
      const nij = table[i * v.groups + j];
      if (nij > 0) mi += (nij / n) * Math.log((n * nij) / (a[i] * b[j]));
    }
  }
  // Rounding can leave a tiny negative or positive residue for independent labellings.
  if (Math.abs(mi) < 1e-12) return 0;
  const normaliser = (entropy(a, n) + entropy(b, n)) / 2;
  return Math.min(1, mi / Math.max(normaliser, Number.EPSILON));
}
