/**
 * The stage-1 loss's kernels (stage1Spec.ts) as GLSL programs for tfjs's `webgl` backend, one
 * draw each, one output element per fragment looping over the batch (or the width), as in
 * webgpuStage1.ts. The shapes, the mining rule and the form are written into the shader text
 * (tfjs keys its program cache by the shapes anyway); τ₁, the margin and w₁ are uniforms.
 * Labels live in float textures and are rounded before they are compared.
 */
import { stage1Shapes } from './shapes';
import { KERNELS } from './spec';
import type { Stage1Attrs, Stage1GradAttrs } from './stage1Spec';
import { FusedProgram, kernel, type CustomUniform } from './webgl';

const PAIR_UNIFORMS: CustomUniform[] = [
  { name: 'uTau1', type: 'float' },
  { name: 'uMargin', type: 'float' },
];

/** GLSL: mining and the divergences' pieces for a batch of b (reads dS, dT, labels; `pairs` for the nearest rule's negatives when `chosenFromPairs`). */
function miningHelpers(b: number, attrs: Stage1Attrs, chosenFromPairs: boolean): string {
  const nearest = chosenFromPairs
    ? `
      int minedNegative(int a, int p) {
        return int(floor(getPairs(2, a, p) + 0.5));
      }`
    : `
      int minedNegative(int a, int p) {
        if (!isPositive(a, p)) {
          return -1;
        }
        float dp = getDS(a, p);
        int semihard = -1;
        int farthest = -1;
        float nearestD = 0.0;
        float farthestD = 0.0;
        for (int n = 0; n < ${b}; n++) {
          if (label(n) == label(a)) {
            continue;
          }
          float dn = getDS(a, n);
          if (dn > dp && (semihard < 0 || dn < nearestD)) {
            semihard = n;
            nearestD = dn;
          }
          if (farthest < 0 || dn > farthestD) {
            farthest = n;
            farthestD = dn;
          }
        }
        return semihard >= 0 ? semihard : farthest;
      }`;
  const mined = attrs.nearest
    ? `
      bool mined(int a, int p, int n) {
        return minedNegative(a, p) == n;
      }`
    : `
      bool mined(int a, int p, int n) {
        if (!isPositive(a, p) || label(n) == label(a)) {
          return false;
        }
        float dn = getDS(a, n);
        float dp = getDS(a, p);
        return dn > dp && dn - dp <= uMargin;
      }`;
  return `
      int label(int i) {
        return int(floor(getLabels(i) + 0.5));
      }
      bool isPositive(int a, int p) {
        return a != p && label(a) == label(p);
      }
      float logitS(int a, int p) {
        return getDS(a, p) / -uTau1;
      }
      float logitT(int a, int p) {
        return getDT(a, p) / -uTau1;
      }
      float softplus(float x) {
        return max(x, 0.0) + log(1.0 + exp(-abs(x)));
      }
      float sigmoid(float x) {
        return 1.0 / (1.0 + exp(-x));
      }
      ${attrs.nearest ? nearest : ''}
      ${attrs.nearest && !chosenFromPairs ? '' : mined}`;
}

/** Registers the six stage-1 kernels for tfjs's `webgl` backend. */
export function registerWebGlStage1Kernels(): void {
  kernel(KERNELS.unitRows, ['z'], (ins) => {
    const { d } = stage1Shapes(KERNELS.unitRows, ins);
    const userCode = `
      void main() {
        ivec2 coords = getOutputCoords();
        float s = 0.0;
        for (int k = 0; k < ${d}; k++) {
          float v = getZ(coords.x, k);
          s += v * v;
        }
        setOutput(getZ(coords.x, coords.y) / sqrt(max(s, 1e-12)));
      }`;
    return { program: new FusedProgram(['z'], ins.z.shape, userCode, []), values: [] };
  });

  kernel(KERNELS.unitRowsGrad, ['z', 'dy'], (ins) => {
    const { d } = stage1Shapes(KERNELS.unitRowsGrad, ins);
    const userCode = `
      void main() {
        ivec2 coords = getOutputCoords();
        int r = coords.x;
        float s = 0.0;
        float zDotDy = 0.0;
        for (int k = 0; k < ${d}; k++) {
          float v = getZ(r, k);
          s += v * v;
          zDotDy += v * getDy(r, k);
        }
        float norm = sqrt(max(s, 1e-12));
        float along = s >= 1e-12 ? zDotDy / (norm * norm * norm) : 0.0;
        setOutput(getDy(r, coords.y) / norm - getZ(r, coords.y) * along);
      }`;
    return { program: new FusedProgram(['z', 'dy'], ins.z.shape, userCode, []), values: [] };
  });

  kernel(KERNELS.rowDistances, ['u'], (ins) => {
    const { b, d } = stage1Shapes(KERNELS.rowDistances, ins);
    const userCode = `
      void main() {
        ivec2 coords = getOutputCoords();
        int i = coords.x;
        int j = coords.y;
        float dist = 0.0;
        if (i != j) {
          float ni = 0.0;
          float nj = 0.0;
          float g = 0.0;
          for (int k = 0; k < ${d}; k++) {
            float ui = getU(i, k);
            float uj = getU(j, k);
            ni += ui * ui;
            nj += uj * uj;
            g += ui * uj;
          }
          float sq = max((ni + nj) - 2.0 * g, 0.0);
          dist = sq > 1e-12 ? sqrt(sq) : 0.0;
        }
        setOutput(dist);
      }`;
    return { program: new FusedProgram(['u'], [b, b], userCode, []), values: [] };
  });

  kernel(KERNELS.rowDistancesGrad, ['u', 'dist', 'dy'], (ins) => {
    const { b } = stage1Shapes(KERNELS.rowDistancesGrad, ins);
    const userCode = `
      void main() {
        ivec2 coords = getOutputCoords();
        int i = coords.x;
        int k = coords.y;
        float ui = getU(i, k);
        float acc = 0.0;
        for (int j = 0; j < ${b}; j++) {
          float dij = getDist(i, j);
          if (dij > 0.0) {
            acc += (getDy(i, j) + getDy(j, i)) / dij * (ui - getU(j, k));
          }
        }
        setOutput(acc);
      }`;
    return { program: new FusedProgram(['u', 'dist', 'dy'], ins.u.shape, userCode, []), values: [] };
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
          float kl = 0.0;
          float count = 0.0;
          for (int n = 0; n < ${b}; n++) {
            if (${minedHere}) {
              float uS = logitS(a, n) - logitS(a, p);
              float uT = logitT(a, n) - logitT(a, p);
              kl += softplus(uS) - softplus(uT) + sigmoid(uT) * (uT - uS);
              count += 1.0;
            }
          }
          value = plane == 0 ? kl : plane == 1 ? count : 0.0;`
        : `
          float zS = exp(logitS(a, p));
          float zT = exp(logitT(a, p));
          float weighted = zT * (logitT(a, p) - logitS(a, p));
          int count = 0;
          for (int n = 0; n < ${b}; n++) {
            if (${minedHere}) {
              float eT = exp(logitT(a, n));
              zS += exp(logitS(a, n));
              zT += eT;
              weighted += eT * (logitT(a, n) - logitS(a, n));
              count++;
            }
          }
          if (count > 0) {
            value = plane == 0 ? weighted / zT + log(zS) - log(zT) : plane == 1 ? 1.0 : plane == 3 ? zS : plane == 4 ? zT : 0.0;
          }`;
      const userCode = `
      ${miningHelpers(b, attrs, false)}

      void main() {
        ivec3 coords = getOutputCoords();
        int plane = coords.x;
        int a = coords.y;
        int p = coords.z;
        ${attrs.nearest ? 'int chosen = minedNegative(a, p);' : ''}
        float value = 0.0;
        if (plane == 2) {
          value = ${attrs.nearest ? 'float(chosen)' : '-1.0'};
        } else if (isPositive(a, p)) {
          ${perPair}
        }
        setOutput(value);
      }`;
      return { program: new FusedProgram(['dS', 'dT', 'labels'], [5, b, b], userCode, PAIR_UNIFORMS), values: [[attrs.tau1], [attrs.margin]] };
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
        for (int p = 0; p < ${b}; p++) {
          if (mined(a, p, j)) {
            float uS = logitS(a, j) - logitS(a, p);
            float uT = logitT(a, j) - logitT(a, p);
            grad += sigmoid(uS) - sigmoid(uT);
          }
        }
        for (int n = 0; n < ${b}; n++) {
          if (mined(a, j, n)) {
            float uS = logitS(a, n) - logitS(a, j);
            float uT = logitT(a, n) - logitT(a, j);
            grad -= sigmoid(uS) - sigmoid(uT);
          }
        }`
        : `
        float eS = exp(logitS(a, j));
        float eT = exp(logitT(a, j));
        if (getPairs(1, a, j) > 0.0) {
          grad = eS / getPairs(3, a, j) - eT / getPairs(4, a, j);
        }
        for (int p = 0; p < ${b}; p++) {
          if (mined(a, p, j)) {
            grad += eS / getPairs(3, a, p) - eT / getPairs(4, a, p);
          }
        }`;
      const userCode = `
      ${miningHelpers(b, attrs, true)}

      void main() {
        ivec2 coords = getOutputCoords();
        int a = coords.x;
        int j = coords.y;
        float grad = 0.0;
        ${sums}
        float toDistance = -(getDy() * uW1) / (max(getTotals(1), 1.0) * uTau1);
        setOutput(grad * toDistance);
      }`;
      return {
        program: new FusedProgram(['dS', 'dT', 'labels', 'pairs', 'totals', 'dy'], [b, b], userCode, [...PAIR_UNIFORMS, { name: 'uW1', type: 'float' }]),
        values: [[attrs.tau1], [attrs.margin], [attrs.w1]],
      };
    },
    ['labels'],
  );
}
