/**
 * The stage-2 loss's kernels (stage2Spec.ts) as WGSL programs for tfjs's `webgpu` backend, one
 * dispatch each, one invocation per output element looping over the classes, the batch (which
 * classes are in scope) or the embedding's width. The settings that pick a variant (score,
 * uniform targets, scope, reduction) are written into the shader and its key; the
 * temperatures are uniforms.
 *
 * A pipeline binds exactly the buffers its shader reads: a variant that does not read the
 * labels (every class in scope) or the embeddings (uniform targets) is not given them.
 */
import { stage2Shapes } from './shapes';
import { KERNELS } from './spec';
import type { Stage2KlAttrs, Stage2TargetAttrs } from './stage2Spec';
import { ElementwiseProgram, f32, kernel } from './webgpu';

/** WGSL: whether class k is in scope (B = uniforms.labelsShape), and how many are (C classes). */
function scopeHelpers(allClasses: boolean): string {
  const inScope = allClasses
    ? `
      fn inScope(k : i32) -> bool {
        return true;
      }`
    : `
      fn inScope(k : i32) -> bool {
        for (var i = 0; i < uniforms.labelsShape; i = i + 1) {
          if (labels[i] == k) {
            return true;
          }
        }
        return false;
      }`;
  return `${inScope}
      fn classesInScope(c : i32) -> i32 {
        var n = 0;
        for (var k = 0; k < c; k = k + 1) {
          if (inScope(k)) {
            n = n + 1;
          }
        }
        return n;
      }`;
}

/** WGSL: the student's masked softmax of row i of z (C = uniforms.zShape.y): its max, sum and logit scale. */
const STUDENT_ROW = `
      fn scaled(i : i32, k : i32) -> f32 {
        return z[i * uniforms.zShape.y + k] / uniforms.studentTau;
      }
      fn rowMax(i : i32) -> f32 {
        var m = -3.4e38;
        for (var k = 0; k < uniforms.zShape.y; k = k + 1) {
          if (inScope(k)) {
            m = max(m, scaled(i, k));
          }
        }
        return m;
      }
      fn rowSum(i : i32, m : f32) -> f32 {
        var s = 0.0;
        for (var k = 0; k < uniforms.zShape.y; k = k + 1) {
          if (inScope(k)) {
            s = s + exp(scaled(i, k) - m);
          }
        }
        return s;
      }`;

const klVariant = (attrs: Stage2KlAttrs) => `${attrs.allClasses ? 'all' : 'batch'}_${attrs.elementwise ? 'elementwise' : 'batchmean'}`;
const klInputs = (attrs: Stage2KlAttrs, extra: string[] = []) => ['z', 'q', ...(attrs.allClasses ? [] : ['labels']), ...extra];
const perClassCount = (attrs: Stage2KlAttrs) => (attrs.elementwise ? 'f32(max(classesInScope(uniforms.zShape.y), 1))' : '1.0');

/** Registers the four stage-2 kernels for tfjs's `webgpu` backend. */
export function registerWebGpuStage2Kernels(): void {
  kernel(
    KERNELS.classMeans,
    ['emb', 'labels'],
    (ins, attrs) => {
      const { d } = stage2Shapes(KERNELS.classMeans, ins);
      const classes = Number(attrs.classes);
      const body = `
          let d = uniforms.embShape.y;
          let k = index / d;
          let j = index % d;
          var sum = 0.0;
          var count = 0.0;
          for (var i = 0; i < uniforms.embShape.x; i = i + 1) {
            if (labels[i] == k) {
              sum = sum + emb[i * d + j];
              count = count + 1.0;
            }
          }
          setOutputAtIndex(index, sum / max(count, 1.0));`;
      return { program: new ElementwiseProgram('refilledClassMeans', ['emb', 'labels'], [classes, d], '', body), uniforms: [] };
    },
    ['labels'],
  );

  kernel(
    KERNELS.stage2Targets,
    ['emb', 'centres', 'labels'],
    (ins, rawAttrs) => {
      const attrs = rawAttrs as unknown as Stage2TargetAttrs;
      const { b, c } = stage2Shapes(KERNELS.stage2Targets, ins);
      const score = attrs.dot ? 'fc' : '-max(ff + cc - 2.0 * fc, 0.0)';
      const logit = `
      fn logit(i : i32, k : i32) -> f32 {
        let d = uniforms.embShape.y;
        var fc = 0.0;
        var ff = 0.0;
        var cc = 0.0;
        for (var j = 0; j < d; j = j + 1) {
          let f = emb[i * d + j];
          let v = centres[k * d + j];
          fc = fc + f * v;
          ff = ff + f * f;
          cc = cc + v * v;
        }
        return (${score}) / uniforms.teacherTau;
      }`;
      const body = attrs.uniform
        ? `
          let c = uniforms.outShape.y;
          var value = 0.0;
          if (inScope(index % c)) {
            value = 1.0 / f32(classesInScope(c));
          }
          setOutputAtIndex(index, value);`
        : `
          let c = uniforms.outShape.y;
          let i = index / c;
          let k = index % c;
          var value = 0.0;
          if (inScope(k)) {
            var m = -3.4e38;
            for (var j = 0; j < c; j = j + 1) {
              if (inScope(j)) {
                m = max(m, logit(i, j));
              }
            }
            var s = 0.0;
            for (var j = 0; j < c; j = j + 1) {
              if (inScope(j)) {
                s = s + exp(logit(i, j) - m);
              }
            }
            value = exp(logit(i, k) - m) / s;
          }
          setOutputAtIndex(index, value);`;
      const names = [...(attrs.uniform ? [] : ['emb', 'centres']), ...(attrs.allClasses ? [] : ['labels'])];
      const key = `refilledStage2Targets_${attrs.dot ? 'dot' : 'sqeuclidean'}_${attrs.uniform ? 'uniform' : 'teacher'}_${attrs.allClasses ? 'all' : 'batch'}`;
      return {
        program: new ElementwiseProgram(key, names, [b, c], 'teacherTau : f32,', body, `${scopeHelpers(attrs.allClasses)}${attrs.uniform ? '' : logit}`),
        uniforms: [f32(attrs.teacherTau)],
      };
    },
    ['labels'],
  );

  kernel(
    KERNELS.stage2Kl,
    ['z', 'q', 'labels'],
    (ins, rawAttrs) => {
      const attrs = rawAttrs as unknown as Stage2KlAttrs;
      const { b } = stage2Shapes(KERNELS.stage2Kl, ins);
      const body = `
          let c = uniforms.zShape.y;
          let i = index;
          let m = rowMax(i);
          let logSum = log(rowSum(i, m));
          var total = 0.0;
          for (var k = 0; k < c; k = k + 1) {
            let qk = q[i * c + k];
            if (inScope(k) && qk > 0.0) {
              total = total + qk * (log(qk) - (scaled(i, k) - m - logSum));
            }
          }
          setOutputAtIndex(index, total / ${perClassCount(attrs)});`;
      return {
        program: new ElementwiseProgram(`refilledStage2Kl_${klVariant(attrs)}`, klInputs(attrs), [b], 'studentTau : f32,', body, `${scopeHelpers(attrs.allClasses)}${STUDENT_ROW}`),
        uniforms: [f32(attrs.studentTau)],
      };
    },
    ['labels'],
  );

  kernel(
    KERNELS.stage2KlGrad,
    ['z', 'q', 'labels', 'dy'],
    (ins, rawAttrs) => {
      const attrs = rawAttrs as unknown as Stage2KlAttrs;
      const { b, c } = stage2Shapes(KERNELS.stage2KlGrad, ins);
      const body = `
          let c = uniforms.zShape.y;
          let i = index / c;
          let k = index % c;
          var g = 0.0;
          if (inScope(k)) {
            let m = rowMax(i);
            var qSum = 0.0;
            for (var j = 0; j < c; j = j + 1) {
              if (inScope(j)) {
                qSum = qSum + q[i * c + j];
              }
            }
            let p = exp(scaled(i, k) - m) / rowSum(i, m);
            g = dy[i] / uniforms.studentTau / ${perClassCount(attrs)} * (qSum * p - q[index]);
          }
          setOutputAtIndex(index, g);`;
      return {
        program: new ElementwiseProgram(`refilledStage2KlGrad_${klVariant(attrs)}`, klInputs(attrs, ['dy']), [b, c], 'studentTau : f32,', body, `${scopeHelpers(attrs.allClasses)}${STUDENT_ROW}`),
        uniforms: [f32(attrs.studentTau)],
      };
    },
    ['labels'],
  );
}
