/** Derived views of the explorer state, computed here so that the panels only render. */
import type { ClassAffinity, TripletSampleRow } from '../../protocol/explorer';
import type { TripletSort } from './explorerStore';

export interface TripletRowView extends TripletSampleRow {
  key: string;
  /** |p_T − p_S|. */
  gap: number;
  /** The teacher and the student rank the positive and the negative differently (p_T and p_S on opposite sides of ½). */
  disagrees: boolean;
}

/** The sample as rows, sorted by |p_T − p_S| (largest first) or kept in the sampled order. */
export function tripletRows(triplets: readonly TripletSampleRow[], sort: TripletSort): TripletRowView[] {
  const rows = triplets.map((t) => ({ ...t, key: `${t.anchor}-${t.positive}-${t.negative}`, gap: Math.abs(t.pT - t.pS), disagrees: t.pT > 0.5 !== t.pS > 0.5 }));
  return sort === 'gap' ? [...rows].sort((a, b) => b.gap - a.gap) : rows;
}

/** For each student class, the teacher class it looks most like, e.g. "Sneaker looks like Sandal (0.62)". */
export function affinitySentences(affinity: ClassAffinity): string[] {
  return affinity.matrix.map((row, c) => {
    let best = 0;
    row.forEach((v, t) => {
      if (v > row[best]) best = t;
    });
    return `${affinity.studentClasses[c]} looks like ${affinity.teacherClasses[best] ?? '?'} (${(row[best] ?? 0).toFixed(2)})`;
  });
}

/** Entropy of the uniform distribution over m classes (nats): the flattest q can be. */
export const uniformEntropy = (m: number) => (m > 0 ? Math.log(m) : 0);
