/**
 * The fused kernels of REFILLED's stage-1 loss (see losses/stage1.ts for the method), with
 * their reference loops: what the cpu and wasm kernels run and the GPU kernels are tested
 * against. Written as tfjs operations, the loss of one batch (unit rows, pairwise distances,
 * mining, the tuples' KL divergence and all their gradients) is about 150 small kernels; here
 * it is six, each a pass over [B, D] or [B, B] whose element loops over the batch.
 *
 * B is the batch, D the embedding's width. Everything is float32 in row-major arrays.
 * Mining decides with float32 comparisons, exactly as `mineTriplets` does: the negative n of
 * a positive p (seen from anchor a) is semi-hard under the margin rule when d_an > d_ap and
 * fround(d_an − d_ap) ≤ fround(margin).
 */
import { SQUARED_NORM_EPS } from '../losses/distances';

const f = Math.fround;

/** Stage-1 settings as the kernels take them. */
export interface Stage1Attrs {
  tau1: number;
  /** The margin of the `semihard-margin` rule (unused by `semihard-nearest`). */
  margin: number;
  /** `semihard-nearest` mining (one negative per positive), else `semihard-margin`. */
  nearest: boolean;
  /** The binary triplet form, else the tuple form. */
  triplet: boolean;
}

export interface Stage1GradAttrs extends Stage1Attrs {
  /** w₁, the loss scale. */
  w1: number;
}

/** Planes of the per-pair output [5, B, B] of `stage1Pairs`, indexed [plane, a, p]. */
export const PAIR_PLANES = {
  /** The pair's share of the summed divergence: the tuple's KL, or the sum of its mined triplets' KL. */
  kl: 0,
  /** The pair's share of the count the mean divides by: 1 per tuple, or its number of mined triplets. */
  count: 1,
  /** `semihard-nearest`: the index of the mined negative, −1 where there is none (the margin rule: −1). */
  chosen: 2,
  /** Tuple form: the partition functions Z_S and Z_T of the tuple (0 where (a, p) is no tuple). */
  zS: 3,
  zT: 4,
} as const;
export const PAIR_PLANE_COUNT = 5;

/** ẑ = z / sqrt(max(Σ z², 1e-12)) per row: z [B, D] → [B, D]. */
export function unitRows(z: Float32Array, d: number, out: Float32Array = new Float32Array(z.length)): Float32Array {
  for (let base = 0; base < z.length; base += d) {
    let s = 0;
    for (let k = 0; k < d; k++) s += z[base + k] * z[base + k];
    const norm = Math.sqrt(Math.max(f(s), SQUARED_NORM_EPS));
    for (let k = 0; k < d; k++) out[base + k] = z[base + k] / norm;
  }
  return out;
}

/**
 * The gradient of unitRows: with s = Σ z², n = sqrt(max(s, 1e-12)),
 * dz = dy/n − z·(z·dy)/n³ where s ≥ 1e-12 (below it the norm is a constant: dz = dy/n).
 */
export function unitRowsGrad(z: Float32Array, dy: Float32Array, d: number, out: Float32Array = new Float32Array(z.length)): Float32Array {
  for (let base = 0; base < z.length; base += d) {
    let s = 0;
    let dot = 0;
    for (let k = 0; k < d; k++) {
      s += z[base + k] * z[base + k];
      dot += z[base + k] * dy[base + k];
    }
    const sf = f(s);
    const norm = Math.sqrt(Math.max(sf, SQUARED_NORM_EPS));
    const along = sf >= SQUARED_NORM_EPS ? dot / (norm * norm * norm) : 0;
    for (let k = 0; k < d; k++) out[base + k] = dy[base + k] / norm - z[base + k] * along;
  }
  return out;
}

/**
 * Pairwise distances of the rows of u [B, D] (losses' `pairwiseDistances`): d² = ‖u_i‖² + ‖u_j‖²
 * − 2⟨u_i, u_j⟩ clamped at 0, d = sqrt(d²) where d² > 1e-12, else 0; the diagonal is 0. [B, B].
 */
export function rowDistances(u: Float32Array, d: number, out?: Float32Array): Float32Array {
  const b = u.length / d;
  const dist = out ?? new Float32Array(b * b);
  const norms = new Float64Array(b);
  for (let i = 0; i < b; i++) for (let k = 0; k < d; k++) norms[i] += u[i * d + k] * u[i * d + k];
  for (let i = 0; i < b; i++) {
    dist[i * b + i] = 0;
    for (let j = i + 1; j < b; j++) {
      let g = 0;
      for (let k = 0; k < d; k++) g += u[i * d + k] * u[j * d + k];
      const sq = Math.max(f(f(norms[i]) + f(norms[j]) - 2 * f(g)), 0);
      dist[i * b + j] = dist[j * b + i] = sq > SQUARED_NORM_EPS ? Math.sqrt(sq) : 0;
    }
  }
  return dist;
}

/** The gradient of rowDistances: du_i = Σ_j (dy_ij + dy_ji)·(u_i − u_j)/d_ij over the j with d_ij > 0. [B, D]. */
export function rowDistancesGrad(u: Float32Array, dist: Float32Array, dy: Float32Array, d: number, out: Float32Array = new Float32Array(u.length)): Float32Array {
  const b = u.length / d;
  out.fill(0);
  for (let i = 0; i < b; i++)
    for (let j = 0; j < b; j++) {
      const dij = dist[i * b + j];
      if (!(dij > 0)) continue;
      const w = (dy[i * b + j] + dy[j * b + i]) / dij;
      for (let k = 0; k < d; k++) out[i * d + k] += w * (u[i * d + k] - u[j * d + k]);
    }
  return out;
}

/** softplus(x) = log(1 + eˣ), without overflow. */
const softplus = (x: number) => Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x)));
const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

/** What the pair kernels share about one batch: sizes, labels, the logits l = −d/τ₁ and E = exp(l). */
class Batch {
  readonly b: number;
  readonly lS: Float32Array;
  readonly lT: Float32Array;
  readonly eS: Float64Array;
  readonly eT: Float64Array;
  private readonly marginF: number;
  /** The mined negatives of the pair last asked for (`mined`). */
  readonly list: Int32Array;

  constructor(
    readonly dS: Float32Array,
    dT: Float32Array,
    readonly labels: ArrayLike<number>,
    readonly attrs: Stage1Attrs,
  ) {
    this.b = labels.length;
    const negTau = f(-attrs.tau1);
    this.lS = dS.map((v) => v / negTau);
    this.lT = dT.map((v) => v / negTau);
    this.eS = Float64Array.from(this.lS, (v) => f(Math.exp(v)));
    this.eT = Float64Array.from(this.lT, (v) => f(Math.exp(v)));
    this.marginF = f(attrs.margin);
    this.list = new Int32Array(this.b);
  }

  /** (a, p) is a positive pair: same label, a ≠ p. */
  positive(a: number, p: number): boolean {
    return a !== p && this.labels[a] === this.labels[p];
  }

  /**
   * The negatives mined for the positive pair (a, p) into `list`; returns how many. The
   * margin rule: every n of another class with d_an > d_ap and fround(d_an − d_ap) ≤ margin.
   * The nearest rule: `chosen` (from nearestNegative), when there is one.
   */
  mined(a: number, p: number, chosen: number): number {
    if (this.attrs.nearest) {
      if (chosen < 0) return 0;
      this.list[0] = chosen;
      return 1;
    }
    const { b, dS, labels, list, marginF } = this;
    const row = a * b;
    const dp = dS[row + p];
    const label = labels[a];
    let count = 0;
    for (let n = 0; n < b; n++) {
      const dn = dS[row + n];
      if (labels[n] !== label && dn > dp && f(dn - dp) <= marginF) list[count++] = n;
    }
    return count;
  }

  /** Nearest rule: the negative mined for (a, p), or −1 (ties to the lowest index). */
  nearestNegative(a: number, p: number): number {
    if (!this.positive(a, p)) return -1;
    const row = a * this.b;
    const dp = this.dS[row + p];
    let semihard = -1;
    let farthest = -1;
    for (let n = 0; n < this.b; n++) {
      if (this.labels[n] === this.labels[a]) continue;
      const dn = this.dS[row + n];
      if (dn > dp && (semihard < 0 || dn < this.dS[row + semihard])) semihard = n;
      if (farthest < 0 || dn > this.dS[row + farthest]) farthest = n;
    }
    return semihard >= 0 ? semihard : farthest;
  }

  /** u = l_an − l_ap (one float32 rounding) on the student (S) or the teacher (T). */
  private closer(l: Float32Array, a: number, p: number, n: number): number {
    return f(l[a * this.b + n] - l[a * this.b + p]);
  }

  /** The binary triplet's KL(P_T ‖ P_S), with p = σ(−u). */
  tripletKl(a: number, p: number, n: number): number {
    const uS = this.closer(this.lS, a, p, n);
    const uT = this.closer(this.lT, a, p, n);
    return softplus(uS) - softplus(uT) + sigmoid(uT) * (uT - uS);
  }

  /** Its derivative in u_S: σ(u_S) − σ(u_T). */
  tripletSlope(a: number, p: number, n: number): number {
    return sigmoid(this.closer(this.lS, a, p, n)) - sigmoid(this.closer(this.lT, a, p, n));
  }
}

/**
 * Per positive pair (a, p) of the batch, what the stage-1 loss needs ([5, B, B], see
 * PAIR_PLANES), from the student's distances dS [B, B] (mining and P_S), the teacher's dT
 * [B, B] (P_T) and the labels [B]. The loss is w₁ · Σ kl / max(Σ count, 1).
 * - Tuple form: the tuple [p, n₁, …, n_k] of (a, p)'s mined negatives (k ≥ 1), with
 *   P = softmax(l over the tuple), l = −d/τ₁; KL(P_T ‖ P_S) = Σ_i q_T,i (l_T,i − l_S,i)
 *   + log Z_S − log Z_T through the partition functions Z = Σ_i exp(l_i).
 * - Triplet form: Σ over mined n of KL([p, 1 − p]_T ‖ [p, 1 − p]_S), p = σ(l_ap − l_an).
 */
export function stage1Pairs(dS: Float32Array, dT: Float32Array, labels: ArrayLike<number>, attrs: Stage1Attrs, out?: Float32Array): Float32Array {
  const batch = new Batch(dS, dT, labels, attrs);
  const { b, list, eS, eT, lS, lT } = batch;
  const plane = b * b;
  const res = out ?? new Float32Array(PAIR_PLANE_COUNT * plane);
  res.fill(0);
  for (let a = 0; a < b; a++)
    for (let p = 0; p < b; p++) {
      const ap = a * b + p;
      const chosen = attrs.nearest ? batch.nearestNegative(a, p) : -1;
      res[PAIR_PLANES.chosen * plane + ap] = chosen;
      if (!batch.positive(a, p)) continue;
      const count = batch.mined(a, p, chosen);
      if (count === 0) continue;
      if (attrs.triplet) {
        let kl = 0;
        for (let i = 0; i < count; i++) kl += batch.tripletKl(a, p, list[i]);
        res[PAIR_PLANES.kl * plane + ap] = kl;
        res[PAIR_PLANES.count * plane + ap] = count;
        continue;
      }
      let zS = eS[ap];
      let zT = eT[ap];
      let weighted = eT[ap] * (lT[ap] - lS[ap]);
      for (let i = 0; i < count; i++) {
        const an = a * b + list[i];
        zS += eS[an];
        zT += eT[an];
        weighted += eT[an] * (lT[an] - lS[an]);
      }
      res[PAIR_PLANES.kl * plane + ap] = weighted / zT + Math.log(zS) - Math.log(zT);
      res[PAIR_PLANES.count * plane + ap] = 1;
      res[PAIR_PLANES.zS * plane + ap] = zS;
      res[PAIR_PLANES.zT * plane + ap] = zT;
    }
  return res;
}

/**
 * The gradient of the stage-1 loss w₁ · Σ kl / max(Σ count, 1) in the student's distances
 * dS [B, B], times dy, from stage1Pairs' output `pairs` and its plane sums `totals` [5].
 * With s = dy·w₁/max(count, 1), in the logits l = −d/τ₁ (so ∂/∂d = −∂/∂l / τ₁):
 * - tuple form: ∂/∂l_S[a, j] = s·([(a, j) is a tuple]·(q_S − q_T)[a, j]
 *   + Σ_p [n = j mined for (a, p)]·(E_S[a, j]/Z_S[a, p] − E_T[a, j]/Z_T[a, p]));
 * - triplet form: with g = σ(u_S) − σ(u_T), u = l_an − l_ap:
 *   ∂/∂l_S[a, j] = s·(Σ_p [(a, p, j) mined]·g(a, p, j) − Σ_n [(a, j, n) mined]·g(a, j, n)).
 * Computed pair by pair: each mined triplet adds its terms to the entries it touches.
 */
export function stage1Grad(dS: Float32Array, dT: Float32Array, labels: ArrayLike<number>, pairs: Float32Array, totals: Float32Array, dy: number, attrs: Stage1GradAttrs, out?: Float32Array): Float32Array {
  const batch = new Batch(dS, dT, labels, attrs);
  const { b, list, eS, eT } = batch;
  const plane = b * b;
  const grad = new Float64Array(plane);
  for (let a = 0; a < b; a++)
    for (let p = 0; p < b; p++) {
      const ap = a * b + p;
      if (!batch.positive(a, p)) continue;
      const count = batch.mined(a, p, pairs[PAIR_PLANES.chosen * plane + ap]);
      if (count === 0) continue;
      if (attrs.triplet) {
        for (let i = 0; i < count; i++) {
          const g = batch.tripletSlope(a, p, list[i]);
          grad[a * b + list[i]] += g;
          grad[ap] -= g;
        }
        continue;
      }
      const zS = pairs[PAIR_PLANES.zS * plane + ap];
      const zT = pairs[PAIR_PLANES.zT * plane + ap];
      grad[ap] += eS[ap] / zS - eT[ap] / zT;
      for (let i = 0; i < count; i++) {
        const an = a * b + list[i];
        grad[an] += eS[an] / zS - eT[an] / zT;
      }
    }
  const toDistance = -(dy * attrs.w1) / (Math.max(totals[PAIR_PLANES.count], 1) * attrs.tau1);
  const res = out ?? new Float32Array(plane);
  for (let i = 0; i < plane; i++) res[i] = grad[i] * toDistance;
  return res;
}
