import * as tf from '@tensorflow/tfjs';

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
 * State lives in variables created on first use and freed by dispose().
 */
export class Optimizer {
  private readonly slots = new Map<string, tf.Variable[]>();
  private steps = 0;

  constructor(private readonly spec: OptimizerSpec) {}

  /**
   * Applies one update; `grads` maps variable names to gradients (as tf.variableGrads
   * returns). Variables come in groups, each with its own learning rate (e.g. a pretrained
   * embedding fine-tuned more gently than a new head).
   */
  apply(groups: { variables: tf.Variable[]; learningRate: number }[], grads: tf.NamedTensorMap): void {
    this.steps += 1;
    const { kind, momentum, nesterov, weightDecay } = this.spec;
    tf.tidy(() => {
      for (const { variables, learningRate } of groups) for (const v of variables) {
        const raw = grads[v.name];
        if (!raw) continue;
        const g = weightDecay > 0 ? tf.add(raw, tf.mul(v, weightDecay)) : raw;
        if (kind === 'sgd') {
          if (momentum === 0) {
            v.assign(tf.sub(v, tf.mul(g, learningRate)));
            continue;
          }
          const [buf] = this.slot(v, 1);
          const next = tf.add(tf.mul(buf, momentum), g);
          buf.assign(next);
          const update = nesterov ? tf.add(g, tf.mul(next, momentum)) : next;
          v.assign(tf.sub(v, tf.mul(update, learningRate)));
        } else {
          const [m, s] = this.slot(v, 2);
          const b1 = 0.9;
          const b2 = 0.999;
          m.assign(tf.add(tf.mul(m, b1), tf.mul(g, 1 - b1)));
          s.assign(tf.add(tf.mul(s, b2), tf.mul(tf.square(g), 1 - b2)));
          const mHat = tf.div(m, 1 - b1 ** this.steps);
          const sHat = tf.div(s, 1 - b2 ** this.steps);
          v.assign(tf.sub(v, tf.mul(tf.div(mHat, tf.add(tf.sqrt(sHat), 1e-8)), learningRate)));
        }
      }
    });
  }

  private slot(v: tf.Variable, count: number): tf.Variable[] {
    let s = this.slots.get(v.name);
    if (!s) {
      s = Array.from({ length: count }, () => tf.variable(tf.zerosLike(v), false));
      this.slots.set(v.name, s);
    }
    return s;
  }

  dispose(): void {
    for (const s of this.slots.values()) s.forEach((t) => t.dispose());
    this.slots.clear();
  }
}

/** Learning rate at step t of T: constant, or cosine from `initial` to `final`. */
export function learningRateAt(schedule: { learningRate: number; learningRateMin: number; lrSchedule: 'constant' | 'cosine' }, step: number, totalSteps: number): number {
  if (schedule.lrSchedule === 'constant' || totalSteps <= 1) return schedule.learningRate;
  const progress = Math.min(1, step / (totalSteps - 1));
  return schedule.learningRateMin + 0.5 * (schedule.learningRate - schedule.learningRateMin) * (1 + Math.cos(Math.PI * progress));
}
