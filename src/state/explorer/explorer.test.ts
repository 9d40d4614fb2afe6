import { beforeEach, describe, expect, it } from 'vitest';
import type { ClassAffinity, ExplorerEvent } from '../../protocol/explorer';
import { tripletKey, useExplorerStore } from './explorerStore';
import { affinitySentences, tripletRows } from './selectors';

const store = () => useExplorerStore.getState();
const affinity: ClassAffinity = { studentClasses: ['Sneaker', 'Bag'], teacherClasses: ['T-shirt', 'Sandal'], matrix: [[0.3, 0.7], [0.6, 0.4]] };
const setup: ExplorerEvent = { type: 'explorer-setup', runId: 1, affinity, candidates: [{ valIndex: 0, label: 0 }, { valIndex: 5, label: 1 }], images: [{ split: 'val', index: 0, pixels: new Uint8Array(784) }] };
const sample = [
  { anchor: 1, positive: 2, negative: 3, pT: 0.52, pS: 0.51 },
  { anchor: 4, positive: 5, negative: 6, pT: 0.55, pS: 0.45 },
];

beforeEach(() => store().reset());

describe('explorer store', () => {
  it('sets up a run, keeps the latest sample and the followed triplets’ history only', () => {
    store().applyEvent(setup);
    expect(store().valIndex).toBe(0);
    expect(Object.keys(store().images)).toEqual(['val:0']);
    store().applyEvent({ type: 'explorer', runId: 1, step: 3, stage: 1, triplets: sample, images: [{ split: 'train', index: 1, pixels: new Uint8Array(784) }] });
    expect(store().triplets).toEqual(sample);
    expect(store().sampleStep).toBe(3);
    expect(store().toggleFollow(sample[1])).toEqual([{ anchor: 4, positive: 5, negative: 6 }]);
    store().applyEvent({ type: 'explorer', runId: 1, step: 6, stage: 1, followed: [{ ...sample[1], pS: 0.5 }, { ...sample[0] }] });
    store().applyEvent({ type: 'explorer', runId: 1, step: 9, stage: 2, followed: [{ ...sample[1], pS: 0.53 }], sharpness: { meanMaxProb: 0.4, meanEntropy: 1.2, classesInScope: 4 } });
    expect(store().history[tripletKey(sample[1])].map((p) => p.pS)).toEqual([0.5, 0.53]);
    expect(store().history[tripletKey(sample[0])]).toBeUndefined();
    expect(store().triplets).toEqual(sample); // stage 2 sends no sample: the last one stays
    expect(store().sharpness).toEqual([{ step: 9, meanMaxProb: 0.4, meanEntropy: 1.2, classesInScope: 4 }]);
    store().toggleFollow(sample[1]);
    expect(store().followed).toEqual([]);
    expect(store().history).toEqual({});
  });

  it('starts over for another run', () => {
    store().applyEvent(setup);
    store().applyEvent({ type: 'explorer', runId: 2, step: 1, stage: 1, triplets: sample });
    expect(store().affinity).toBeNull();
    expect(store().runId).toBe(2);
  });

  it('follows at most four triplets, dropping the oldest', () => {
    for (let i = 0; i < 6; i++) store().toggleFollow({ anchor: i, positive: i + 10, negative: i + 20 });
    expect(store().followed.map((t) => t.anchor)).toEqual([2, 3, 4, 5]);
  });
});

describe('explorer selectors', () => {
  it('sorts by |p_T − p_S| and flags order disagreements', () => {
    const rows = tripletRows(sample, 'gap');
    expect(rows.map((r) => r.anchor)).toEqual([4, 1]);
    expect(rows[0].gap).toBeCloseTo(0.1, 10);
    expect(rows.map((r) => r.disagrees)).toEqual([true, false]);
    expect(tripletRows(sample, 'sampled').map((r) => r.anchor)).toEqual([1, 4]);
  });

  it('names the teacher class each student class looks most like', () => {
    expect(affinitySentences(affinity)).toEqual(['Sneaker looks like Sandal (0.70)', 'Bag looks like T-shirt (0.60)']);
  });
});
