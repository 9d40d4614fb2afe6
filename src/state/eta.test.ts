import { describe, expect, it } from 'vitest';
import { ETA_START, etaObserve, etaPause, etaRemainingMs, etaResume } from './eta';

describe('time left', () => {
  it('has no estimate before a whole interval', () => {
    expect(etaRemainingMs(ETA_START, 0, 100)).toBeNull();
    const opened = etaResume(ETA_START, 0, 1000);
    expect(etaRemainingMs(opened, 0, 100)).toBeNull();
    // A report without an open interval (the run was not seen starting) measures nothing.
    expect(etaObserve(ETA_START, 5, 2000)).toBe(ETA_START);
  });

  it('takes the first interval as it is, in wall time per step', () => {
    const s = etaObserve(etaResume(ETA_START, 0, 0), 5, 1000);
    expect(s.msPerStep).toBe(200);
    expect(etaRemainingMs(s, 5, 105)).toBe(20_000);
  });

  it('counts evaluation pauses: a slow interval moves the average by its weight in steps', () => {
    // 5 steps at 100 ms, then 5 steps that took 2,500 ms (an evaluation): half-life 5 steps, weight ½.
    let s = etaObserve(etaResume(ETA_START, 0, 0), 5, 500, 5);
    s = etaObserve(s, 10, 3000, 5);
    expect(s.msPerStep).toBeCloseTo(100 + 0.5 * (500 - 100), 10);
  });

  it('converges on the true wall rate including periodic evaluations (about 5× the step time here)', () => {
    // Steps of 20 ms, and every 20 steps an evaluation of 1.6 s: 100 ms per step on average.
    let s = etaResume(ETA_START, 0, 0);
    let t = 0;
    for (let step = 5; step <= 400; step += 5) {
      t += 5 * 20 + (step % 20 === 0 ? 1600 : 0);
      s = etaObserve(s, step, t);
    }
    expect(s.msPerStep).toBeGreaterThan(80);
    expect(s.msPerStep).toBeLessThan(120);
  });

  it('does not count paused time, and keeps the estimate while paused', () => {
    let s = etaObserve(etaResume(ETA_START, 0, 0), 10, 1000);
    s = etaPause(s);
    expect(etaRemainingMs(s, 10, 20)).toBe(1000);
    // Paused for a minute; a report arriving late (the step in flight) is not measured.
    s = etaObserve(s, 11, 61_000);
    expect(s.msPerStep).toBe(100);
    s = etaResume(s, 11, 61_000);
    s = etaObserve(s, 21, 62_000);
    expect(s.msPerStep).toBe(100);
  });

  it('ignores an empty interval and restarts on a step that went back', () => {
    const s = etaObserve(etaResume(ETA_START, 10, 0), 10, 500);
    expect(s.msPerStep).toBeNull();
    expect(etaObserve(s, 3, 600).anchor).toEqual({ step: 3, atMs: 600 });
  });
});
