/**
 * Summary statistics for comparing runs over seeds: mean, sample standard deviation, the
 * Student-t 95 % confidence interval of a mean, and the paired gain of one method over
 * another (per-seed differences on the same split and initial weights). Plain numbers, no
 * tfjs: the study script, the CLI and the app's Compare share them.
 */

/** Arithmetic mean; NaN for an empty list. */
export function mean(xs: readonly number[]): number {
  if (xs.length === 0) return Number.NaN;
  let s = 0;
  for (const x of xs) s += x;
  return s / xs.length;
}

/** Sample standard deviation (n − 1 in the denominator); 0 for fewer than two values. */
export function std(xs: readonly number[]): number {
  if (xs.length < 2) return 0;
  const m = mean(xs);
  let s = 0;
  for (const x of xs) s += (x - m) ** 2;
  return Math.sqrt(s / (xs.length - 1));
}

// Two-sided 97.5 % quantiles of Student's t for 1–30 degrees of freedom.
const T975 = [
  12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.16, 2.145, 2.131, 2.12, 2.11, 2.101, 2.093, 2.086, 2.08, 2.074, 2.069,
  2.064, 2.06, 2.056, 2.052, 2.048, 2.045, 2.042,
];

/**
 * t_{0.975, df}: the multiplier of the standard error for a two-sided 95 % interval. Tabulated
 * up to 30 degrees of freedom; beyond, 1.96 + 2.4/df (within 0.002 of the exact value for df > 30).
 */
export function tQuantile975(df: number): number {
  if (!Number.isInteger(df) || df < 1) return Number.NaN;
  return df <= 30 ? T975[df - 1] : 1.96 + 2.4 / df;
}

export interface MeanInterval {
  n: number;
  mean: number;
  std: number;
  /** Half-width of the 95 % interval, t_{0.975,n−1} · std/√n (NaN for n < 2). */
  halfWidth: number;
  low: number;
  high: number;
}

/** Mean with its Student-t 95 % confidence interval: mean ± t_{0.975,n−1} · s/√n. */
export function meanInterval(xs: readonly number[]): MeanInterval {
  const n = xs.length;
  const m = mean(xs);
  const s = std(xs);
  const halfWidth = n < 2 ? Number.NaN : (tQuantile975(n - 1) * s) / Math.sqrt(n);
  return { n, mean: m, std: s, halfWidth, low: m - halfWidth, high: m + halfWidth };
}

export interface PairedGain extends MeanInterval {
  /** Pairs where the first method is strictly ahead. */
  wins: number;
  ties: number;
  losses: number;
  /** 'above' when the interval lies above zero, 'below' when below, else 'spans' (or 'n/a' for n < 2). */
  verdict: 'above' | 'below' | 'spans' | 'n/a';
}

/**
 * Gain of method A over method B paired by key (a seed): d_i = a_i − b_i over the keys both
 * have, with the mean's 95 % interval and win/tie/loss counts.
 */
export function pairedGain(a: ReadonlyMap<number | string, number>, b: ReadonlyMap<number | string, number>): PairedGain {
  const diffs: number[] = [];
  for (const [key, va] of a) {
    const vb = b.get(key);
    if (vb !== undefined) diffs.push(va - vb);
  }
  const interval = meanInterval(diffs);
  const wins = diffs.filter((d) => d > 0).length;
  const losses = diffs.filter((d) => d < 0).length;
  const verdict = diffs.length < 2 ? 'n/a' : interval.low > 0 ? 'above' : interval.high < 0 ? 'below' : 'spans';
  return { ...interval, wins, losses, ties: diffs.length - wins - losses, verdict };
}

/** "+2.9 ± 0.6" style: a fraction shown in points with one decimal. */
export function formatPoints(x: number, signed = false): string {
  if (!Number.isFinite(x)) return '–';
  const v = x * 100;
  return `${signed && v >= 0 ? '+' : ''}${v.toFixed(1)}`;
}
