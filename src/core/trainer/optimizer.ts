import * as tf from '@tensorflow/tfjs';
import { fused, sgdMomentumGroupStep, sgdMomentumStep } from '../kernels/ops';

export interface OptimizerSpec {
  kind: 'sgd' | 'adam';
  momentum: number;
  nesterov: boolean;
  weightDecay: number;
}

/**
 * SGD with (Nesterov) momentum and coupled weight decay, exactly as PyTorch's SGD:
 *   g ← ∇ + wd·w;  v ← μ·v + g;  w ← w − lr·(g + μ·v) (Nesterov) or w − lr·v.
 * Adam (β₁ 0.9, β₂ 0.999, ε 1e-8) adds wd·w to the gradient the same way.
 * The learning rate is an argument of every step, so schedules need no optimiser rebuild.
 *
 * Fused: each group's variables and gradients are flattened into one vector [P] (P = the
 * group's parameter count), the update runs once on that vector, and each variable takes
 * its slice back. The arithmetic is elementwise, so every parameter gets exactly the value
 * a per-variable update gives, with a handful of kernels per group instead of six to eight
 * per variable (the dispatch count, not the arithmetic, sets a small student's step time).
 * Where the backend has the group kernel (cpu, wasm), SGD with momentum runs as one kernel
 * per group on the variables as they are: no concatenation, no slices.
 * State (momentum, Adam's moments) is one flat variable per group and slot, created on
 * first use and freed by dispose(). A group keeps its variables within a stage (the
 * trainer makes a new optimiser per stage); a group whose make-up changes starts fresh state.
 */
/**
 * An optimiser's state as plain data (a checkpoint's part): the update count (Adam's bias
 * correction) and each group's slot vectors [P] (momentum; Adam's m and s), by group index.
 */
export interface OptimizerState {
  steps: number;
  slots: { group: number; values: Float32Array[] }[];
}

export class Optimizer {
  /** By key `group:variable names`; the names are a run's own, so exported state is keyed by group index. */
  private readonly slots = new Map<string, { group: number; variables: tf.Variable[] }>();
  /** Imported slot values waiting for their group's first update (names are only known then). */
  private pending = new Map<number, Float32Array[]>();
  private steps = 0;

  constructor(private readonly spec: OptimizerSpec) {}

  /**
   * Applies one update; `grads` maps variable names to gradients (as tf.variableGrads
   * returns). Variables come in groups, each with its own learning rate (e.g. a pretrained
   * embedding fine-tuned more gently than a new head). Variables without a gradient are left alone.
   */
  apply(groups: { variables: tf.Variable[]; learningRate: number }[], grads: tf.NamedTensorMap): void {
    this.steps += 1;
    tf.tidy(() => {
      groups.forEach(({ variables, learningRate }, index) => {
        const present = variables.filter((v) => grads[v.name]);
        if (present.length === 0) return;
        const key = `${index}:${present.map((v) => v.name).join(',')}`;
        if (this.groupKernel()) {
          const size = present.reduce((n, v) => n + v.size, 0);
          const [buf] = this.slot(index, key, size, 1);
          const next = sgdMomentumGroupStep(buf as tf.Tensor1D, present, present.map((v) => grads[v.name]), { learningRate, ...this.sgdOptions() });
          buf.assign(next.velocity);
          present.forEach((v, i) => v.assign(next.weights[i]));
          return;
        }
        const w = flatten(present);
        const g = flatten(present.map((v) => grads[v.name]));
        const next = this.update(index, key, w, g, learningRate);
        let offset = 0;
        for (const v of present) {
          v.assign(present.length === 1 ? tf.reshape(next, v.shape) : tf.reshape(tf.slice(next, [offset], [v.size]), v.shape));
          offset += v.size;
        }
      });
    });
  }

  /** Whether SGD with momentum runs as one kernel per group (see the class's note). */
  private groupKernel(): boolean {
    return this.spec.kind === 'sgd' && this.spec.momentum > 0 && fused('sgdGroup');
  }

  private sgdOptions(): { momentum: number; weightDecay: number; nesterov: boolean } {
    const { momentum, weightDecay, nesterov } = this.spec;
    return { momentum, weightDecay, nesterov };
  }

  /** The updated parameters [P] of one group, from its parameters w [P] and gradient ∇ [P]. */
  private update(group: number, key: string, w: tf.Tensor1D, grad: tf.Tensor1D, learningRate: number): tf.Tensor1D {
    const { kind, momentum, nesterov, weightDecay } = this.spec;
    if (kind === 'sgd' && momentum > 0 && fused('sgd')) {
      // Two kernels (velocity, weights) where tfjs's own operations take six.
      const [buf] = this.slot(group, key, w.size, 1);
      const next = sgdMomentumStep(w, grad, buf as tf.Tensor1D, { learningRate, momentum, weightDecay, nesterov });
      buf.assign(next.velocity);
      return next.weights;
    }
    const g = weightDecay > 0 ? tf.add(grad, tf.mul(w, weightDecay)) : grad;
    if (kind === 'sgd') {
      if (momentum === 0) return tf.sub(w, tf.mul(g, learningRate));
      const [buf] = this.slot(group, key, w.size, 1);
      const next = tf.add(tf.mul(buf, momentum), g);
      buf.assign(next);
      const step = nesterov ? tf.add(g, tf.mul(next, momentum)) : next;
      return tf.sub(w, tf.mul(step, learningRate));
    }
    const [m, s] = this.slot(group, key, w.size, 2);
    const b1 = 0.9;
    const b2 = 0.999;
    m.assign(tf.add(tf.mul(m, b1), tf.mul(g, 1 - b1)));
    s.assign(tf.add(tf.mul(s, b2), tf.mul(tf.square(g), 1 - b2)));
    const mHat = tf.div(m, 1 - b1 ** this.steps);
    const sHat = tf.div(s, 1 - b2 ** this.steps);
    return tf.sub(w, tf.mul(tf.div(mHat, tf.add(tf.sqrt(sHat), 1e-8)), learningRate));
  }

  private slot(group: number, key: string, size: number, count: number): tf.Variable[] {
    let s = this.slots.get(key);
    if (!s) {
      const imported = this.pending.get(group);
      this.pending.delete(group);
      const fits = imported !== undefined && imported.length === count && imported.every((v) => v.length === size);
      s = { group, variables: Array.from({ length: count }, (_, i) => tf.variable(fits ? tf.tensor1d(imported[i]) : tf.zeros([size]), false)) };
      this.slots.set(key, s);
    }
    return s.variables;
  }

  /**
   * The slot variables by group, in creation order, to be read back by the caller (owned by
   * the optimiser: read, never dispose), with the update count.
   */
  stateTensors(): { steps: number; slots: { group: number; variables: tf.Variable[] }[] } {
    return { steps: this.steps, slots: [...this.slots.values()] };
  }

  /**
   * Takes a checkpoint's state: the update count now, each group's slots at that group's next
   * update (a slot whose size no longer fits starts from zeros). Call on a fresh optimiser.
   */
  importState(state: OptimizerState): void {
    this.steps = state.steps;
    this.pending = new Map(state.slots.map((s) => [s.group, s.values]));
  }

  dispose(): void {
    for (const s of this.slots.values()) s.variables.forEach((t) => t.dispose());
    this.slots.clear();
    this.pending.clear();
  }
}

/** The tensors' elements, one after another: [Σ sizes]. */
function flatten(tensors: tf.Tensor[]): tf.Tensor1D {
  const flat = tensors.map((t) => tf.reshape(t, [-1]) as tf.Tensor1D);
  return flat.length === 1 ? flat[0] : tf.concat(flat);
}

/** Learning rate at step t of T: constant, or cosine from `initial` to `final`. */
export function learningRateAt(schedule: { learningRate: number; learningRateMin: number; lrSchedule: 'constant' | 'cosine' }, step: number, totalSteps: number): number {
  if (schedule.lrSchedule === 'constant' || totalSteps <= 1) return schedule.learningRate;
  const progress = Math.min(1, step / (totalSteps - 1));
  return schedule.learningRateMin + 0.5 * (schedule.learningRate - schedule.learningRateMin) * (1 + Math.cos(Math.PI * progress));
}
