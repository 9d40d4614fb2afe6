import { describe, expect, it } from 'vitest';
import { TOUR_ACTIONS } from '../../state/tour/engine';
import { placeCallout, scrollDeltaFor } from './placement';
import { TOUR_STEPS } from './steps';

const VIEW = { width: 1280, height: 720 };
const CALLOUT = { width: 420, height: 240 };

describe('the tour texts (steps.ts)', () => {
  it('has at least six steps with unique ids, each with a title, text and an anchor', () => {
    expect(TOUR_STEPS.length).toBeGreaterThanOrEqual(6);
    expect(new Set(TOUR_STEPS.map((s) => s.id)).size).toBe(TOUR_STEPS.length);
    for (const step of TOUR_STEPS) {
      expect(step.title.length).toBeGreaterThan(0);
      expect(step.body.length).toBeGreaterThan(0);
      expect(step.anchors.length).toBeGreaterThan(0);
    }
  });

  it('runs stage 1 (waiting at the boundary), points at the NCM chart and the triplets, runs stage 2, asks for a prediction, then compares', () => {
    const order = (pred: (s: (typeof TOUR_STEPS)[number]) => boolean) => TOUR_STEPS.findIndex(pred);
    const stage1 = order((s) => s.action === 'run-stage1');
    const ncm = order((s) => s.anchors[0] === 'chart-ncm');
    const triplets = order((s) => s.anchors[0] === 'chart-triplets');
    const stage2 = order((s) => s.action === 'run-stage2');
    const predict = order((s) => (s.choices?.map((c) => c.id) ?? []).join() === 'vanilla,refilled');
    const compare = order((s) => s.action === 'compare');
    expect(TOUR_STEPS[stage1].waitFor).toBe('stage-boundary');
    expect([stage1, ncm, triplets, stage2, predict, compare].every((i) => i >= 0)).toBe(true);
    expect(stage1 < ncm && ncm < stage2 && triplets < stage2 && stage2 < predict && predict < compare).toBe(true);
    // Each action once.
    for (const action of TOUR_ACTIONS) expect(TOUR_STEPS.filter((s) => s.action === action)).toHaveLength(1);
  });

  it('the relationship explorer step is optional (skipped when the page has no explorer)', () => {
    expect(TOUR_STEPS.find((s) => s.anchors.includes('explorer'))?.optional).toBe(true);
  });
});

describe('placeCallout', () => {
  it('goes below a panel with room under it, aligned with its left edge', () => {
    expect(placeCallout({ top: 100, left: 300, width: 500, height: 200 }, CALLOUT, VIEW)).toEqual({ top: 312, left: 300, side: 'below' });
  });

  it('goes above when the panel is low, right or left when it is tall, and over it when nothing fits', () => {
    expect(placeCallout({ top: 400, left: 40, width: 500, height: 250 }, CALLOUT, VIEW)).toEqual({ top: 148, left: 40, side: 'above' });
    expect(placeCallout({ top: 100, left: 40, width: 600, height: 600 }, CALLOUT, VIEW)).toEqual({ top: 100, left: 652, side: 'right' });
    expect(placeCallout({ top: 100, left: 700, width: 560, height: 600 }, CALLOUT, VIEW)).toEqual({ top: 100, left: 268, side: 'left' });
    expect(placeCallout({ top: 0, left: 0, width: 1280, height: 720 }, CALLOUT, VIEW)).toEqual({ top: 472, left: 852, side: 'over' });
  });

  it('stays inside the viewport: a panel at the right edge pulls the callout left; no panel centres it', () => {
    const p = placeCallout({ top: 100, left: 1100, width: 170, height: 100 }, CALLOUT, VIEW);
    expect(p.left + CALLOUT.width).toBeLessThanOrEqual(VIEW.width - 8);
    expect(placeCallout(null, CALLOUT, VIEW)).toEqual({ top: 240, left: 430, side: 'centre' });
  });
});

describe('scrollDeltaFor', () => {
  it('does not scroll when the panel and the callout below it are on screen', () => {
    expect(scrollDeltaFor({ top: 100, left: 0, width: 500, height: 300 }, 240, { top: 0, bottom: 720 })).toBe(0);
  });

  it('centres the pair when the panel is off screen or the callout would not fit under it', () => {
    // Pair height 300 + 12 + 240 = 552: top wanted at (720 - 552) / 2 = 84.
    expect(scrollDeltaFor({ top: 1500, left: 0, width: 500, height: 300 }, 240, { top: 0, bottom: 720 })).toBe(1416);
    expect(scrollDeltaFor({ top: -400, left: 0, width: 500, height: 300 }, 240, { top: 0, bottom: 720 })).toBe(-484);
  });

  it('keeps the pair inside a scroll container below the title bar', () => {
    // The column scrolls from 80 to 720: room from 88 to 712 (624 px) for a 352 px pair: top at 224.
    expect(scrollDeltaFor({ top: 1000, left: 0, width: 500, height: 100 }, 240, { top: 80, bottom: 720 })).toBe(776);
  });

  it('keeps the pair below a sticky bar at the top (the run panel)', () => {
    // 200 px covered: room from 208 to 712 (504 px) for a 100 + 12 + 240 = 352 px pair: top at 284.
    expect(scrollDeltaFor({ top: 150, left: 0, width: 500, height: 100 }, 240, { top: 200, bottom: 720 })).toBe(-134);
    expect(scrollDeltaFor({ top: 300, left: 0, width: 500, height: 100 }, 240, { top: 200, bottom: 720 })).toBe(0);
    // Too tall for the room: its top just under the bar.
    expect(scrollDeltaFor({ top: 100, left: 0, width: 500, height: 400 }, 240, { top: 200, bottom: 720 })).toBe(-108);
  });

  it('brings a panel too tall for the pair to the top, unless it is already wholly visible', () => {
    expect(scrollDeltaFor({ top: 900, left: 0, width: 500, height: 600 }, 240, { top: 0, bottom: 720 })).toBe(892);
    expect(scrollDeltaFor({ top: 50, left: 0, width: 500, height: 600 }, 240, { top: 0, bottom: 720 })).toBe(0);
  });
});
