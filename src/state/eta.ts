/**
 * Time left in a run, from wall-clock time as the page sees it: each progress report closes an
 * interval (steps done since the last report, milliseconds since then), so evaluation pauses,
 * read-backs and the picture projections count, not only the training steps. The milliseconds
 * per step are an exponential moving average over those whole intervals, weighted by their
 * steps: an interval of `k` steps moves the average by `1 − 2^(−k / halfLifeSteps)` towards its
 * own rate. Pausing drops the open interval (paused time is not training time); the estimate
 * stays as it was and resumes measuring from the next report after 'running'.
 */

/** Steps after which an old rate weighs half: longer than the default evaluation interval (20). */
export const ETA_HALF_LIFE_STEPS = 40;

export interface EtaState {
  /** Start of the open interval: the last report's step and its wall time; null while not measuring. */
  anchor: { step: number; atMs: number } | null;
  /** Smoothed wall milliseconds per step; null before the first whole interval. */
  msPerStep: number | null;
}

export const ETA_START: EtaState = { anchor: null, msPerStep: null };

/** The run is (again) training from `step` at `atMs`: opens an interval. */
export function etaResume(state: EtaState, step: number, atMs: number): EtaState {
  return { ...state, anchor: { step, atMs } };
}

/** The run paused (or stopped): the open interval is dropped, the rate kept. */
export function etaPause(state: EtaState): EtaState {
  return state.anchor === null ? state : { ...state, anchor: null };
}

/** A progress report at `step`, `atMs`: closes the open interval into the average and opens the next. */
export function etaObserve(state: EtaState, step: number, atMs: number, halfLifeSteps: number = ETA_HALF_LIFE_STEPS): EtaState {
  const anchor = state.anchor;
  if (anchor === null) return state;
  const steps = step - anchor.step;
  const ms = atMs - anchor.atMs;
  if (steps <= 0 || ms < 0) return { ...state, anchor: steps < 0 ? { step, atMs } : anchor };
  const rate = ms / steps;
  const weight = 1 - Math.pow(2, -steps / halfLifeSteps);
  const msPerStep = state.msPerStep === null ? rate : state.msPerStep + weight * (rate - state.msPerStep);
  return { anchor: { step, atMs }, msPerStep };
}

/** Milliseconds left for the steps after `step` of `totalSteps`; null before the first interval. */
export function etaRemainingMs(state: EtaState, step: number, totalSteps: number): number | null {
  if (state.msPerStep === null) return null;
  return Math.max(0, totalSteps - step) * state.msPerStep;
}
