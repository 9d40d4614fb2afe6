/**
 * The fused kernels (spec.ts) as GLSL programs for tfjs's `webgl` backend: each call is one
 * `runWebGLProgram`, so one draw (tfjs adds an unpacking draw of its own for an input that
 * lives in a packed texture, as it does for its own unpacked kernels).
 *
 * - Values that change from step to step (epsilon, momentum, learning rate, the moments'
 *   row) are custom uniforms, never in the shader text: a new value never compiles a new
 *   program. Shapes are written into the text, as tfjs's own WebGL programs do: its program
 *   cache is keyed by the input shapes anyway, and a training run keeps them fixed.
 * - WebGL computes one value per output element, so the per-channel reductions (bnMoments,
 *   bnReluGradSums, output [2, C]) loop over the channel's N elements in each of their 2·C
 *   output elements. The loops nest over x's leading axes with a partial sum per level
 *   (rows of W, then images of H·W, …), which keeps float32 rounding near that of a
 *   pairwise sum.
 *
 * - The labels are int32 tensors, which tfjs keeps in float textures: a label is rounded to
 *   the nearest integer, and never used to address the logits (each row's loop picks its
 *   label's logit as it passes it). A row whose label lies outside [0, K) has no class (its
 *   target is the zero vector, as tf.oneHot gives it): its loss and its gradient are 0.
 *
 * Only types come from @tensorflow/tfjs-backend-webgl: this module is part of the Node and
 * wasm bundles, which must not load the WebGL backend.
 */
import * as tf from '@tensorflow/tfjs';
import type { GPGPUProgram, MathBackendWebGL } from '@tensorflow/tfjs-backend-webgl';
import { bnShapes, crossEntropyShapes, maxPoolGradShapes, movingAverageShapes, patchesShape, registerGpuKernel, sgdShapes } from './shapes';
import { KERNELS, type BnAttrs, type MovingAverageAttrs, type SgdVelocityAttrs, type SgdWeightsAttrs } from './spec';

export type CustomUniform = NonNullable<GPGPUProgram['customUniforms']>[number];

/** A program of ours: a class name per kernel shows in tfjs's profiles. */
export class FusedProgram implements GPGPUProgram {
  constructor(
    readonly variableNames: string[],
    readonly outputShape: number[],
    readonly userCode: string,
    readonly customUniforms: CustomUniform[],
  ) {}
}

/** GLSL: the last (channel) component of getOutputCoords() for an output of `rank` axes. */
function channelOf(rank: number): string {
  if (rank < 1 || rank > 6) throw new Error(`rank ${rank} is not supported (1 to 6)`);
  return rank === 1 ? 'coords' : `coords.${'xyzwuv'[rank - 1]}`;
}

/**
 * GLSL declaring `float <name>` = Σ over x's leading axes `leading` of `term(args)`, where
 * args is "i0, i1, …, k" (coordinates of the element in channel k). One partial sum per loop.
 */
function nestedSum(name: string, leading: number[], term: (args: string) => string): string {
  const args = [...leading.map((_, d) => `i${d}`), 'k'].join(', ');
  if (leading.length === 0) return `float ${name} = ${term(args)};`;
  const acc = (d: number) => (d === 0 ? name : `${name}${d}`);
  // The loop over axis d adds into acc(d); a deeper loop's partial sum acc(d + 1) is added once it ends.
  const loop = (d: number): string => {
    const body = d === leading.length - 1 ? `${acc(d)} += ${term(args)};` : `float ${acc(d + 1)} = 0.0;\n${loop(d + 1)}\n${acc(d)} += ${acc(d + 1)};`;
    return `for (int i${d} = 0; i${d} < ${leading[d]}; i${d}++) {\n${body}\n}`;
  };
  return `float ${name} = 0.0;\n${loop(0)}`;
}

/** The slice of tfjs-backend-webgl's backend the kernels use. */
type Backend = Pick<MathBackendWebGL, 'runWebGLProgram'>;


/**
 * GLSL declaring, for logits row `r` of K classes: `label` (rounded; `hasLabel` when in
 * [0, K)), the row max `m`, Σ_j exp(z_j − m) `s`, and the label's logit `zl` (0 without one).
 */
function rowSoftmax(k: number): string {
  return `
        int label = int(floor(getLabels(r) + 0.5));
        bool hasLabel = label >= 0 && label < ${k};
        float m = getLogits(r, 0);
        for (int j = 1; j < ${k}; j++) {
          m = max(m, getLogits(r, j));
        }
        float s = 0.0;
        float zl = 0.0;
        for (int j = 0; j < ${k}; j++) {
          float z = getLogits(r, j);
          s += exp(z - m);
          if (j == label) {
            zl = z;
          }
        }`;
}

/** Registers one WebGL kernel (see registerGpuKernel): `build` returns the program and its custom uniform values. */
export function kernel(
  kernelName: string,
  names: string[],
  build: (ins: Record<string, tf.TensorInfo>, attrs: tf.NamedAttrMap) => { program: FusedProgram; values: number[][] },
  int32: readonly string[] = [],
): void {
  registerGpuKernel('webgl', kernelName, names, build, (backend, program, ins, values) => (backend as Backend).runWebGLProgram(program, program.variableNames.map((v) => ins[v]), 'float32', values), int32);
}

/** GLSL float literal of an integer (shape constants). */
const float = (v: number) => `${v}.0`;
const epsilonOf = (attrs: tf.NamedAttrMap) => (attrs as unknown as BnAttrs).epsilon;
const EPSILON: CustomUniform[] = [{ name: 'uEpsilon', type: 'float' }];

/** GLSL for an element of x at `coords` (like x): channel k, 1/sqrt(σ² + ε) and x̂. */
function bnPrelude(rank: number): string {
  return `
    int k = ${channelOf(rank)};
    float inv = 1.0 / sqrt(getMoments(1, k) + uEpsilon);
    float xhat = (getXAtOutCoords() - getMoments(0, k)) * inv;`;
}

/** Registers the fused training kernels of spec.ts for tfjs's `webgl` backend (the backend itself need not be loaded). */
export function registerWebGlKernels(): void {
  kernel(KERNELS.bnMoments, ['x'], (ins) => {
    const { c, n } = bnShapes(KERNELS.bnMoments, ins, 6);
    const leading = ins.x.shape.slice(0, -1);
    // Row 0 the mean; row 1 recomputes it, then the mean of (x − μ)².
    const userCode = `
      float mean;

      float squared(float v) {
        float d = v - mean;
        return d * d;
      }

      void main() {
        ivec2 coords = getOutputCoords();
        int k = coords.y;
        ${nestedSum('total', leading, (a) => `getX(${a})`)}
        mean = total / ${float(n)};
        if (coords.x == 0) {
          setOutput(mean);
          return;
        }
        ${nestedSum('squares', leading, (a) => `squared(getX(${a}))`)}
        setOutput(squares / ${float(n)});
      }`;
    return { program: new FusedProgram(['x'], [2, c], userCode, []), values: [] };
  });

  kernel(KERNELS.bnReluForward, ['x', 'moments', 'gamma', 'beta'], (ins, attrs) => {
    bnShapes(KERNELS.bnReluForward, ins, 6);
    const rank = ins.x.shape.length;
    const userCode = `
      void main() {
        ${getCoords(rank)}
        ${bnPrelude(rank)}
        setOutput(max(getGamma(k) * xhat + getBeta(k), 0.0));
      }`;
    return { program: new FusedProgram(['x', 'moments', 'gamma', 'beta'], ins.x.shape, userCode, EPSILON), values: [[epsilonOf(attrs)]] };
  });

  kernel(KERNELS.bnReluGradSums, ['dy', 'x', 'moments', 'gamma', 'beta'], (ins, attrs) => {
    const { c } = bnShapes(KERNELS.bnReluGradSums, ins, 6);
    const leading = ins.x.shape.slice(0, -1);
    // Row 0 sums dz, row 1 dz·x̂; dz = dy where γ·x̂ + β > 0.
    const userCode = `
      float mean;
      float inv;
      float g;
      float b;
      int which;

      float term(float xv, float dyv) {
        float xhat = (xv - mean) * inv;
        if (g * xhat + b > 0.0) {
          return which == 0 ? dyv : dyv * xhat;
        }
        return 0.0;
      }

      void main() {
        ivec2 coords = getOutputCoords();
        which = coords.x;
        int k = coords.y;
        mean = getMoments(0, k);
        inv = 1.0 / sqrt(getMoments(1, k) + uEpsilon);
        g = getGamma(k);
        b = getBeta(k);
        ${nestedSum('total', leading, (a) => `term(getX(${a}), getDy(${a}))`)}
        setOutput(total);
      }`;
    return { program: new FusedProgram(['dy', 'x', 'moments', 'gamma', 'beta'], [2, c], userCode, EPSILON), values: [[epsilonOf(attrs)]] };
  });

  kernel(KERNELS.bnReluGradInput, ['dy', 'x', 'moments', 'gamma', 'beta', 'sums'], (ins, attrs) => {
    const { n } = bnShapes(KERNELS.bnReluGradInput, ins, 6);
    const rank = ins.x.shape.length;
    const userCode = `
      void main() {
        ${getCoords(rank)}
        ${bnPrelude(rank)}
        float g = getGamma(k);
        float dz = g * xhat + getBeta(k) > 0.0 ? getDyAtOutCoords() : 0.0;
        setOutput(g * inv * (dz - getSums(0, k) / ${float(n)} - xhat * (getSums(1, k) / ${float(n)})));
      }`;
    return { program: new FusedProgram(['dy', 'x', 'moments', 'gamma', 'beta', 'sums'], ins.x.shape, userCode, EPSILON), values: [[epsilonOf(attrs)]] };
  });

  kernel(KERNELS.movingAverage, ['average', 'moments'], (ins, attrs) => {
    const { row, momentum } = movingAverageShapes(ins, attrs as unknown as MovingAverageAttrs);
    const userCode = `
      void main() {
        int k = getOutputCoords();
        setOutput(uMomentum * getAverageAtOutCoords() + (1.0 - uMomentum) * getMoments(uRow, k));
      }`;
    const uniforms: CustomUniform[] = [
      { name: 'uRow', type: 'int' },
      { name: 'uMomentum', type: 'float' },
    ];
    return { program: new FusedProgram(['average', 'moments'], ins.average.shape, userCode, uniforms), values: [[row], [momentum]] };
  });

  kernel(KERNELS.sgdVelocity, ['velocity', 'gradient', 'weights'], (ins, attrs) => {
    const { momentum, weightDecay } = attrs as unknown as SgdVelocityAttrs;
    sgdShapes(KERNELS.sgdVelocity, ins.velocity, { gradient: ins.gradient, weights: ins.weights });
    const userCode = `
      void main() {
        setOutput(uMomentum * getVelocityAtOutCoords() + (getGradientAtOutCoords() + uWeightDecay * getWeightsAtOutCoords()));
      }`;
    const uniforms: CustomUniform[] = [
      { name: 'uMomentum', type: 'float' },
      { name: 'uWeightDecay', type: 'float' },
    ];
    return { program: new FusedProgram(['velocity', 'gradient', 'weights'], ins.velocity.shape, userCode, uniforms), values: [[momentum], [weightDecay]] };
  });

  kernel(KERNELS.sgdWeights, ['weights', 'gradient', 'velocity'], (ins, attrs) => {
    const { learningRate, momentum, weightDecay, nesterov } = attrs as unknown as SgdWeightsAttrs;
    sgdShapes(KERNELS.sgdWeights, ins.weights, { gradient: ins.gradient, velocity: ins.velocity });
    const userCode = `
      void main() {
        float w = getWeightsAtOutCoords();
        float update = getVelocityAtOutCoords();
        if (uNesterov != 0) {
          update = getGradientAtOutCoords() + uWeightDecay * w + uMomentum * update;
        }
        setOutput(w - uLearningRate * update);
      }`;
    const uniforms: CustomUniform[] = [
      { name: 'uLearningRate', type: 'float' },
      { name: 'uMomentum', type: 'float' },
      { name: 'uWeightDecay', type: 'float' },
      { name: 'uNesterov', type: 'int' },
    ];
    return {
      program: new FusedProgram(['weights', 'gradient', 'velocity'], ins.weights.shape, userCode, uniforms),
      values: [[learningRate], [momentum], [weightDecay], [nesterov ? 1 : 0]],
    };
  });

  kernel(KERNELS.maxPoolGrad2x2, ['dy', 'x', 'y'], (ins) => {
    const s = maxPoolGradShapes(ins);
    const userCode = `
      void main() {
        ivec4 coords = getOutputCoords();
        int ph = coords.y / 2;
        int pw = coords.z / 2;
        float m = getY(coords.x, ph, pw, coords.w);
        setOutput(getXAtOutCoords() == m ? getDy(coords.x, ph, pw, coords.w) : 0.0);
      }`;
    return { program: new FusedProgram(['dy', 'x', 'y'], s, userCode, []), values: [] };
  });

  kernel(KERNELS.patches3x3, ['x'], (ins) => {
    const shape = patchesShape(ins.x);
    const [, h, w, c] = ins.x.shape;
    // Output [9·C, B·H·W]: row (i·3 + j)·C + k, column (b·H + y)·W + col.
    const userCode = `
      void main() {
        ivec2 coords = getOutputCoords();
        int k = coords.x - (coords.x / ${c}) * ${c};
        int tap = coords.x / ${c};
        int col = coords.y - (coords.y / ${w}) * ${w};
        int rest = coords.y / ${w};
        int y = rest - (rest / ${h}) * ${h};
        int sy = y + tap / 3 - 1;
        int sx = col + (tap - (tap / 3) * 3) - 1;
        float v = 0.0;
        if (sy >= 0 && sy < ${h} && sx >= 0 && sx < ${w}) {
          v = getX(rest / ${h}, sy, sx, k);
        }
        setOutput(v);
      }`;
    return { program: new FusedProgram(['x'], shape, userCode, []), values: [] };
  });

  // One output element per row: K is small (the number of classes).
  kernel(
    KERNELS.softmaxCrossEntropy,
    ['logits', 'labels'],
    (ins) => {
      const k = crossEntropyShapes(KERNELS.softmaxCrossEntropy, ins);
      const userCode = `
      void main() {
        int r = getOutputCoords();
        ${rowSoftmax(k)}
        setOutput(hasLabel ? log(s) + (m - zl) : 0.0);
      }`;
      return { program: new FusedProgram(['logits', 'labels'], [ins.logits.shape[0]], userCode, []), values: [] };
    },
    ['labels'],
  );

  // One output element per element of [B, K], each recomputing its row's max and sum (K² work per row, K small).
  kernel(
    KERNELS.softmaxCrossEntropyGrad,
    ['logits', 'labels', 'dy'],
    (ins) => {
      const k = crossEntropyShapes(KERNELS.softmaxCrossEntropyGrad, ins);
      const userCode = `
      void main() {
        ivec2 coords = getOutputCoords();
        int r = coords.x;
        ${rowSoftmax(k)}
        float p = exp(getLogits(r, coords.y) - m) / s - (coords.y == label ? 1.0 : 0.0);
        setOutput(hasLabel ? getDy(r) * p : 0.0);
      }`;
      return { program: new FusedProgram(['logits', 'labels', 'dy'], ins.logits.shape, userCode, []), values: [] };
    },
    ['labels'],
  );
}

/** GLSL declaring `coords` = getOutputCoords() for an output of `rank` axes. */
function getCoords(rank: number): string {
  return `${rank === 1 ? 'int' : `ivec${rank}`} coords = getOutputCoords();`;
}
