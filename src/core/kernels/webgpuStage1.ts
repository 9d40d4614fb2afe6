/**
 * The stage-1 loss's kernels (stage1Spec.ts) as WGSL programs for tfjs's `webgpu` backend, one
 * dispatch each, one invocation per output element. An element of [B, B] or [B, D] loops over
 * the batch (or the width): B ≤ 256, so each invocation does at most a few thousand steps,
 * and nothing needs a second pass or shared memory.
 *
 * τ₁, the margin and w₁ are uniforms; the mining rule and the form are written into the
 * shader (its key names them): a run keeps them, and one program serves every batch size.
 * Mining compares distances exactly as the reference does (d_an > d_ap, then the float32
 * difference against the margin), so a triplet is mined on the GPU iff it is on the CPU.
 */
import { stage1Shapes } from './shapes';
import { KERNELS } from './spec';
import type { Stage1Attrs, Stage1GradAttrs } from './stage1Spec';
import { ElementwiseProgram, f32, kernel } from './webgpu';

/** WGSL: mining and the divergences' pieces, for the rule and form in `attrs` (reads dS, dT, labels; B = uniforms.dSShape.x). */
function miningHelpers(attrs: Stage1Attrs, chosenFromPairs: boolean): string {
  const nearest = chosenFromPairs
    ? `
      fn minedNegative(a : i32, p : i32) -> i32 {
        let b = uniforms.dSShape.x;
        return i32(round(pairs[2 * b * b + a * b + p]));
      }`
    : `
      fn minedNegative(a : i32, p : i32) -> i32 {
        if (!isPositive(a, p)) {
          return -1;
        }
        let b = uniforms.dSShape.x;
        let dp = dS[a * b + p];
        var semihard = -1;
        var farthest = -1;
        for (var n = 0; n < b; n = n + 1) {
          if (labels[n] == labels[a]) {
            continue;
          }
          let dn = dS[a * b + n];
          if (dn > dp && (semihard < 0 || dn < dS[a * b + semihard])) {
            semihard = n;
          }
          if (farthest < 0 || dn > dS[a * b + farthest]) {
            farthest = n;
          }
        }
        if (semihard >= 0) {
          return semihard;
        }
        return farthest;
      }`;
  const mined = attrs.nearest
    ? `
      fn mined(a : i32, p : i32, n : i32) -> bool {
        return minedNegative(a, p) == n;
      }`
    : `
      fn mined(a : i32, p : i32, n : i32) -> bool {
        if (!isPositive(a, p) || labels[n] == labels[a]) {
          return false;
        }
        let b = uniforms.dSShape.x;
        let dn = dS[a * b + n];
        let dp = dS[a * b + p];
        return dn > dp && dn - dp <= uniforms.margin;
      }`;
  // WebGPU binds only what a shader reads: the nearest rule's gradient, which finds its
  // negatives in pairs, must not mention the labels (see gradInputs).
  const positive = attrs.nearest && chosenFromPairs ? '' : `
      fn isPositive(a : i32, p : i32) -> bool {
        return a != p && labels[a] == labels[p];
      }`;
  return `${positive}
      fn logitS(i : i32) -> f32 {
        return dS[i] / -uniforms.tau1;
      }
      fn logitT(i : i32) -> f32 {
        return dT[i] / -uniforms.tau1;
      }
      fn softplus(x : f32) -> f32 {
        return max(x, 0.0) + log(1.0 + exp(-abs(x)));
      }
      fn sigmoid(x : f32) -> f32 {
        return 1.0 / (1.0 + exp(-x));
      }
      ${attrs.nearest ? nearest : ''}
      ${attrs.nearest && !chosenFromPairs ? '' : mined}`;
}

/**
 * The inputs stage1Grad's shader reads in a variant: a pipeline's bind group holds exactly
 * the buffers its shader uses. The nearest rule reads its negatives from `pairs`, not the
 * labels; the triplet form needs no partition functions, so the margin rule's triplets read
 * no `pairs`.
 */
function gradInputs(attrs: Stage1Attrs): string[] {
  if (attrs.nearest) return ['dS', 'dT', 'pairs', 'totals', 'dy'];
  return attrs.triplet ? ['dS', 'dT', 'labels', 'totals', 'dy'] : ['dS', 'dT', 'labels', 'pairs', 'totals', 'dy'];
}

const variant = (attrs: Stage1Attrs) => `${attrs.nearest ? 'nearest' : 'margin'}_${attrs.triplet ? 'triplet' : 'tuple'}`;

/** Registers the six stage-1 kernels for tfjs's `webgpu` backend. */
export function registerWebGpuStage1Kernels(): void {
  kernel(KERNELS.unitRows, ['z'], (ins) => {
    stage1Shapes(KERNELS.unitRows, ins);
    const body = `
          let d = uniforms.zShape.y;
          let row = (index / d) * d;
          var s = 0.0;
          for (var k = 0; k < d; k = k + 1) {
            s = s + z[row + k] * z[row + k];
          }
          setOutputAtIndex(index, z[index] / sqrt(max(s, 1e-12)));`;
    return { program: new ElementwiseProgram('refilledUnitRows', ['z'], ins.z.shape, '', body), uniforms: [] };
  });

  kernel(KERNELS.unitRowsGrad, ['z', 'dy'], (ins) => {
    stage1Shapes(KERNELS.unitRowsGrad, ins);
    const body = `
          let d = uniforms.zShape.y;
          let row = (index / d) * d;
          var s = 0.0;
          var zDotDy = 0.0;
          for (var k = 0; k < d; k = k + 1) {
            s = s + z[row + k] * z[row + k];
            zDotDy = zDotDy + z[row + k] * dy[row + k];
          }
          let norm = sqrt(max(s, 1e-12));
          var along = 0.0;
          if (s >= 1e-12) {
            along = zDotDy / (norm * norm * norm);
          }
          setOutputAtIndex(index, dy[index] / norm - z[index] * along);`;
    return { program: new ElementwiseProgram('refilledUnitRowsGrad', ['z', 'dy'], ins.z.shape, '', body), uniforms: [] };
  });

  kernel(KERNELS.rowDistances, ['u'], (ins) => {
    const { b } = stage1Shapes(KERNELS.rowDistances, ins);
    const body = `
          let b = uniforms.uShape.x;
          let d = uniforms.uShape.y;
          let i = index / b;
          let j = index % b;
          var dist = 0.0;
          if (i != j) {
            var ni = 0.0;
            var nj = 0.0;
            var g = 0.0;
            for (var k = 0; k < d; k = k + 1) {
              let ui = u[i * d + k];
              let uj = u[j * d + k];
              ni = ni + ui * ui;
              nj = nj + uj * uj;
              g = g + ui * uj;
            }
            let sq = max((ni + nj) - 2.0 * g, 0.0);
            if (sq > 1e-12) {
              dist = sqrt(sq);
            }
          }
          setOutputAtIndex(index, dist);`;
    return { program: new ElementwiseProgram('refilledRowDistances', ['u'], [b, b], '', body), uniforms: [] };
  });

  kernel(KERNELS.rowDistancesGrad, ['u', 'dist', 'dy'], (ins) => {
    stage1Shapes(KERNELS.rowDistancesGrad, ins);
    const body = `
          let b = uniforms.uShape.x;
          let d = uniforms.uShape.y;
          let i = index / d;
          let k = index % d;
          let ui = u[index];
          var acc = 0.0;
          for (var j = 0; j < b; j = j + 1) {
            let dij = dist[i * b + j];
            if (dij > 0.0) {
              acc = acc + (dy[i * b + j] + dy[j * b + i]) / dij * (ui - u[j * d + k]);
            }
          }
          setOutputAtIndex(index, acc);`;
    return { program: new ElementwiseProgram('refilledRowDistancesGrad', ['u', 'dist', 'dy'], ins.u.shape, '', body), uniforms: [] };
  });

  kernel(
    KERNELS.stage1Pairs,
    ['dS', 'dT', 'labels'],
    (ins, rawAttrs) => {
      const attrs = rawAttrs as unknown as Stage1Attrs;
      const { b } = stage1Shapes(KERNELS.stage1Pairs, ins);
      // The nearest rule's negative is found once per pair, not once per candidate.
      const minedHere = attrs.nearest ? 'n == chosen' : 'mined(a, p, n)';
      const perPair = attrs.triplet
        ? `
            var kl = 0.0;
            var count = 0.0;
            for (var n = 0; n < b; n = n + 1) {
              if (${minedHere}) {
                let uS = logitS(a * b + n) - logitS(ap);
                let uT = logitT(a * b + n) - logitT(ap);
                kl = kl + (softplus(uS) - softplus(uT) + sigmoid(uT) * (uT - uS));
                count = count + 1.0;
              }
            }
            if (plane == 0) {
              value = kl;
            } else if (plane == 1) {
              value = count;
            }`
        : `
            var zS = exp(logitS(ap));
            var zT = exp(logitT(ap));
            var weighted = zT * (logitT(ap) - logitS(ap));
            var count = 0;
            for (var n = 0; n < b; n = n + 1) {
              if (${minedHere}) {
                let an = a * b + n;
                let eT = exp(logitT(an));
                zS = zS + exp(logitS(an));
                zT = zT + eT;
                weighted = weighted + eT * (logitT(an) - logitS(an));
                count = count + 1;
              }
            }
            if (count > 0) {
              if (plane == 0) {
                value = weighted / zT + log(zS) - log(zT);
              } else if (plane == 1) {
                value = 1.0;
              } else if (plane == 3) {
                value = zS;
              } else if (plane == 4) {
                value = zT;
              }
            }`;
      const body = `
          let b = uniforms.dSShape.x;
          let plane = index / (b * b);
          let ap = index % (b * b);
          let a = ap / b;
          let p = ap % b;
          ${attrs.nearest ? 'let chosen = minedNegative(a, p);' : ''}
          var value = 0.0;
          if (plane == 2) {
            ${attrs.nearest ? 'value = f32(chosen);' : 'value = -1.0;'}
          } else if (isPositive(a, p)) {
            ${perPair}
          }
          setOutputAtIndex(index, value);`;
      return {
        program: new ElementwiseProgram(`refilledStage1Pairs_${variant(attrs)}`, ['dS', 'dT', 'labels'], [5, b, b], 'tau1 : f32, margin : f32,', body, miningHelpers(attrs, false)),
        uniforms: [f32(attrs.tau1), f32(attrs.margin)],
      };
    },
    ['labels'],
  );

  kernel(
    KERNELS.stage1Grad,
    ['dS', 'dT', 'labels', 'pairs', 'totals', 'dy'],
    (ins, rawAttrs) => {
      const attrs = rawAttrs as unknown as Stage1GradAttrs;
      const { b } = stage1Shapes(KERNELS.stage1Grad, ins);
      const sums = attrs.triplet
        ? `
          for (var p = 0; p < b; p = p + 1) {
            if (mined(a, p, j)) {
              let uS = logitS(aj) - logitS(a * b + p);
              let uT = logitT(aj) - logitT(a * b + p);
              grad = grad + (sigmoid(uS) - sigmoid(uT));
            }
          }
          for (var n = 0; n < b; n = n + 1) {
            if (mined(a, j, n)) {
              let uS = logitS(a * b + n) - logitS(aj);
              let uT = logitT(a * b + n) - logitT(aj);
              grad = grad - (sigmoid(uS) - sigmoid(uT));
            }
          }`
        : `
          let eS = exp(logitS(aj));
          let eT = exp(logitT(aj));
          if (pairs[plane + aj] > 0.0) {
            grad = eS / pairs[3 * plane + aj] - eT / pairs[4 * plane + aj];
          }
          for (var p = 0; p < b; p = p + 1) {
            if (mined(a, p, j)) {
              let ap = a * b + p;
              grad = grad + (eS / pairs[3 * plane + ap] - eT / pairs[4 * plane + ap]);
            }
          }`;
      const body = `
          let b = uniforms.dSShape.x;
          let plane = b * b;
          let a = index / b;
          let j = index % b;
          let aj = index;
          var grad = 0.0;
          ${sums}
          let toDistance = -(dy[0] * uniforms.w1) / (max(totals[1], 1.0) * uniforms.tau1);
          setOutputAtIndex(index, grad * toDistance);`;
      return {
        program: new ElementwiseProgram(`refilledStage1Grad_${variant(attrs)}`, gradInputs(attrs), [b, b], 'tau1 : f32, margin : f32, w1 : f32,', body, miningHelpers(attrs, true)),
        uniforms: [f32(attrs.tau1), f32(attrs.margin), f32(attrs.w1)],
      };
    },
    ['labels'],
  );
}
