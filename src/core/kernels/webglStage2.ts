/**
 * The stage-2 loss's kernels (stage2Spec.ts) as GLSL programs for tfjs's `webgl` backend, one
 * draw each, one output element per fragment, as in webgpuStage2.ts. Shapes and the variant
 * (score, uniform targets, scope, reduction) are written into the shader text; the
 * temperatures are uniforms. Labels live in float textures and are rounded before use.
 */
import { stage2Shapes } from './shapes';
import { KERNELS } from './spec';
import type { Stage2KlAttrs, Stage2TargetAttrs } from './stage2Spec';
import { FusedProgram, kernel } from './webgl';

/** GLSL: whether class k is in scope for a batch of b labels, and how many of c classes are. */
function scopeHelpers(b: number, c: number, allClasses: boolean): string {
  const inScope = allClasses
    ? `
      bool inScope(int k) {
        return true;
      }`
    : `
      bool inScope(int k) {
        for (int i = 0; i < ${b}; i++) {
          if (int(floor(getLabels(i) + 0.5)) == k) {
            return true;
          }
        }
        return false;
      }`;
  return `${inScope}
      int classesInScope() {
        int n = 0;
        for (int k = 0; k < ${c}; k++) {
          if (inScope(k)) {
            n++;
          }
        }
        return n;
      }`;
}

/** GLSL: the student's masked softmax of row i of z over c classes. */
function studentRow(c: number): string {
  return `
      float scaled(int i, int k) {
        return getZ(i, k) / uStudentTau;
      }
      float rowMax(int i) {
        float m = -3.4e38;
        for (int k = 0; k < ${c}; k++) {
          if (inScope(k)) {
            m = max(m, scaled(i, k));
          }
        }
        return m;
      }
      float rowSum(int i, float m) {
        float s = 0.0;
        for (int k = 0; k < ${c}; k++) {
          if (inScope(k)) {
            s += exp(scaled(i, k) - m);
          }
        }
        return s;
      }`;
}

const perClassCount = (attrs: Stage2KlAttrs) => (attrs.elementwise ? 'float(max(classesInScope(), 1))' : '1.0');

/** Registers the four stage-2 kernels for tfjs's `webgl` backend. */
export function registerWebGlStage2Kernels(): void {
  kernel(
    KERNELS.classMeans,
    ['emb', 'labels'],
    (ins, attrs) => {
      const { b, d } = stage2Shapes(KERNELS.classMeans, ins);
      const userCode = `
      void main() {
        ivec2 coords = getOutputCoords();
        int k = coords.x;
        float sum = 0.0;
        float count = 0.0;
        for (int i = 0; i < ${b}; i++) {
          if (int(floor(getLabels(i) + 0.5)) == k) {
            sum += getEmb(i, coords.y);
            count += 1.0;
          }
        }
        setOutput(sum / max(count, 1.0));
      }`;
      return { program: new FusedProgram(['emb', 'labels'], [Number(attrs.classes), d], userCode, []), values: [] };
    },
    ['labels'],
  );

  kernel(
    KERNELS.stage2Targets,
    ['emb', 'centres', 'labels'],
    (ins, rawAttrs) => {
      const attrs = rawAttrs as unknown as Stage2TargetAttrs;
      const { b, c, d } = stage2Shapes(KERNELS.stage2Targets, ins);
      const score = attrs.dot ? 'fc' : '-max(ff + cc - 2.0 * fc, 0.0)';
      const userCode = `
      ${scopeHelpers(b, c, attrs.allClasses)}

      float logit(int i, int k) {
        float fc = 0.0;
        float ff = 0.0;
        float cc = 0.0;
        for (int j = 0; j < ${d}; j++) {
          float f = getEmb(i, j);
          float v = getCentres(k, j);
          fc += f * v;
          ff += f * f;
          cc += v * v;
        }
        return ${attrs.uniform ? '0.0' : `(${score}) / uTeacherTau`};
      }

      void main() {
        ivec2 coords = getOutputCoords();
        int i = coords.x;
        int k = coords.y;
        float value = 0.0;
        if (inScope(k)) {
          float m = -3.4e38;
          for (int j = 0; j < ${c}; j++) {
            if (inScope(j)) {
              m = max(m, logit(i, j));
            }
          }
          float s = 0.0;
          for (int j = 0; j < ${c}; j++) {
            if (inScope(j)) {
              s += exp(logit(i, j) - m);
            }
          }
          value = exp(logit(i, k) - m) / s;
        }
        setOutput(value);
      }`;
      return { program: new FusedProgram(['emb', 'centres', 'labels'], [b, c], userCode, [{ name: 'uTeacherTau', type: 'float' }]), values: [[attrs.teacherTau]] };
    },
    ['labels'],
  );

  kernel(
    KERNELS.stage2Kl,
    ['z', 'q', 'labels'],
    (ins, rawAttrs) => {
      const attrs = rawAttrs as unknown as Stage2KlAttrs;
      const { b, c } = stage2Shapes(KERNELS.stage2Kl, ins);
      const userCode = `
      ${scopeHelpers(b, c, attrs.allClasses)}
      ${studentRow(c)}

      void main() {
        int i = getOutputCoords();
        float m = rowMax(i);
        float logSum = log(rowSum(i, m));
        float total = 0.0;
        for (int k = 0; k < ${c}; k++) {
          float qk = getQ(i, k);
          if (inScope(k) && qk > 0.0) {
            total += qk * (log(qk) - (scaled(i, k) - m - logSum));
          }
        }
        setOutput(total / ${perClassCount(attrs)});
      }`;
      return { program: new FusedProgram(['z', 'q', 'labels'], [b], userCode, [{ name: 'uStudentTau', type: 'float' }]), values: [[attrs.studentTau]] };
    },
    ['labels'],
  );

  kernel(
    KERNELS.stage2KlGrad,
    ['z', 'q', 'labels', 'dy'],
    (ins, rawAttrs) => {
      const attrs = rawAttrs as unknown as Stage2KlAttrs;
      const { b, c } = stage2Shapes(KERNELS.stage2KlGrad, ins);
      const userCode = `
      ${scopeHelpers(b, c, attrs.allClasses)}
      ${studentRow(c)}

      void main() {
        ivec2 coords = getOutputCoords();
        int i = coords.x;
        int k = coords.y;
        float g = 0.0;
        if (inScope(k)) {
          float m = rowMax(i);
          float qSum = 0.0;
          for (int j = 0; j < ${c}; j++) {
            if (inScope(j)) {
              qSum += getQ(i, j);
            }
          }
          float p = exp(scaled(i, k) - m) / rowSum(i, m);
          g = getDy(i) / uStudentTau / ${perClassCount(attrs)} * (qSum * p - getQ(i, k));
        }
        setOutput(g);
      }`;
      return { program: new FusedProgram(['z', 'q', 'labels', 'dy'], [b, c], userCode, [{ name: 'uStudentTau', type: 'float' }]), values: [[attrs.studentTau]] };
    },
    ['labels'],
  );
}
