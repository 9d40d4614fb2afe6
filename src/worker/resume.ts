/**
 * The worker's side of a run that survives its backend. While a run trains, a checkpoint
 * (core/trainer/checkpoint.ts) is taken at reporting steps — the first one at once, then at
 * most every `checkpointEveryMs` of wall time (one read-back each, counted with the others).
 * When the WebGPU device is lost (the worker's JS context survives it) or the user switches
 * the backend, the handler stops the run's loop, and this module starts the next backend (the
 * switch's target, else the probe's ranking, else WebGPU → WebGL → WebAssembly → CPU); the
 * handler then rebuilds the run there and restores the checkpoint.
 *
 * Also the test hook `loseDeviceAtStep`: the device is destroyed before that step, and the
 * loss counts as a real one.
 */
import type { Experiment } from '../core/trainer/experiment';
import type { TrainingCheckpoint } from '../core/trainer/checkpoint';
import type { BackendInfo, BackendName, WorkerEvent } from '../protocol/messages';
import { backendLabel, fallbackOrder, resumeNotice, type ResumeCause } from '../protocol/resume';

/** A run's part: its last checkpoint and the move under way, if any. */
export interface ResumeState {
  checkpoint: TrainingCheckpoint | null;
  /** When the last checkpoint was taken (the handler's clock, ms). */
  takenAtMs: number;
  /** A move under way: the loop stops before its next step. */
  moving: ResumeCause | null;
  /** A switch asked for: the loop stops at its next reporting step (a fresh checkpoint). */
  switchTo: BackendName | null;
}

export type BackendStart = { ok: true; info: BackendInfo } | { ok: false; why: string };

export interface ResumeOptions {
  /**
   * Starts a backend (the worker: tryBackend, then watches a WebGPU device for loss); a fake in
   * tests. `renew`: the backend lost its device earlier, and must start on a new one.
   */
  startBackend: (name: BackendName, cause: ResumeCause, renew?: boolean) => Promise<BackendStart>;
  /** Wall time between checkpoints at least (ms, default 5000); the run's first reporting step always takes one. */
  checkpointEveryMs?: number;
  /** Test hook: before this global step (1-based) runs, `loseDevice` is called once. */
  loseDeviceAtStep?: number;
  /** Destroys the device as a loss (the worker's simulateDeviceLoss). */
  loseDevice?: () => void;
  /** How long a step in flight on a lost device may take to fail before the run moves without it (ms, default 3000). */
  settleMs?: number;
  /** The probe's ranking, when the first backend was chosen by measurement. */
  ranking?: BackendInfo['probe'];
}

/** A run as a move sees it (the handler's run slot). */
export interface MovableRun {
  readonly runId: number;
  readonly resume: ResumeState | null;
  readonly exp: Experiment | null;
  readonly mode: 'loading' | 'ready' | 'running' | 'paused' | 'finished';
  readonly loop: Promise<void> | null;
}

/** What a move does to the handler's run and backend (handler.ts provides it). */
export interface MoveHost<R extends MovableRun> {
  /** The live run that can move, if any. */
  liveRun(): R | null;
  isLive(run: R): boolean;
  /** Gives up a loop stuck on a lost device (it stays silent if it ever wakes). */
  abandonLoop(run: R): void;
  /** Posts what the run reported so far and frees its experiment. */
  release(run: R): void;
  backend(): BackendInfo;
  /** The worker trains on `info` from now on: teachers load again there, the page hears 'ready'. */
  adopt(info: BackendInfo): void;
  /** Ends the run with `error` (or reports it without one). */
  fail(run: R | null, error: Error): Promise<void>;
  /** Loads the run again from the start (a loss while it loaded). */
  reload(run: R): void;
  /** Builds the run's experiment on the current backend; null if the run was retired meanwhile. */
  rebuild(run: R): Promise<Experiment | null>;
  postFor(run: R, event: WorkerEvent): void;
  /** Goes on as before the move: a running run runs, a paused one says where it is. */
  carryOn(run: R, wasRunning: boolean, exp: Experiment): void;
}

export const DEFAULT_CHECKPOINT_EVERY_MS = 5000;
export const DEFAULT_SETTLE_MS = 3000;

export class Resumer {
  /**
   * Backends that lost their device or failed to start: never tried again by a move of its
   * own. The user may switch back to one that lost its device: it starts on a new device.
   */
  readonly unusable: BackendName[] = [];
  /** Backends whose device was lost in this worker. */
  readonly lost: BackendName[] = [];
  private lossFired = false;

  constructor(
    private readonly options: ResumeOptions,
    private readonly now: () => number,
  ) {}

  private moves: Promise<void> = Promise.resolve();

  /**
   * Moves the worker to another backend: `target` (a switch), or the next that starts after
   * a lost device. A live run stops (a switch at its next reporting step, with a fresh
   * checkpoint), is rebuilt there, restores its last checkpoint and goes on under the same id.
   * One move at a time: a second request (a loss during a switch) follows the first.
   */
  move<R extends MovableRun>(host: MoveHost<R>, cause: ResumeCause, target: BackendName | null, lost = ''): Promise<void> {
    this.moves = this.moves.catch(() => undefined).then(() => this.moveNow(host, cause, target, lost));
    return this.moves;
  }

  private async moveNow<R extends MovableRun>(host: MoveHost<R>, cause: ResumeCause, target: BackendName | null, lost: string): Promise<void> {
    const before = host.liveRun();
    // A device is lost during the step in flight; a switch happens after the step it waits for.
    const lostAtStep = (before?.exp?.globalStep ?? 0) + 1;
    if (before?.resume) {
      const state = before.resume;
      if (cause === 'switched' && before.loop) {
        state.switchTo = target;
        await before.loop;
      } else if (cause === 'switched' && before.exp?.atReport) {
        state.checkpoint = await before.exp.checkpoint();
      }
      state.moving = cause;
      if (!(await this.settle(before.loop))) host.abandonLoop(before);
    }
    // A run that ended meanwhile (done, stopped) has nothing to move: only the backend changes.
    const run = before && host.isLive(before) ? before : null;
    const state = run?.resume ?? null;
    const atStep = cause === 'device-lost' ? lostAtStep : (run?.exp?.globalStep ?? 0);
    const wasRunning = run?.mode === 'running';
    if (run) host.release(run);
    const next = await this.nextBackend(host.backend(), cause, target);
    // A switch whose target did not start: the run stays where it was, and says why.
    const refused = 'refused' in next ? next.refused : undefined;
    if (!next.info) {
      const error = cause === 'device-lost' ? new Error(`The GPU device was lost: ${lost}; no other backend could start (${next.why}).`) : Object.assign(new Error(`The backend could not be switched: ${next.why}.`), { code: 'backend-unavailable' });
      return host.fail(run, error);
    }
    host.adopt(next.info);
    const name = next.info.name;
    if (!run || !state || run.mode === 'finished') return;
    if (run.mode === 'loading') {
      host.postFor(run, { type: 'resumed', runId: run.runId, cause, atStep, fromStep: 0, backend: name, message: resumeNotice(cause, atStep, 0, name, refused) });
      return host.reload(run);
    }
    state.moving = null;
    state.switchTo = null;
    try {
      const exp = await host.rebuild(run);
      if (!exp) return;
      const checkpoint = state.checkpoint;
      if (checkpoint) exp.restore(checkpoint);
      const fromStep = checkpoint?.globalStep ?? 0;
      host.postFor(run, { type: 'resumed', runId: run.runId, cause, atStep, fromStep, backend: name, message: resumeNotice(cause, atStep, fromStep, name, refused) });
      host.postFor(run, { type: 'progress', runId: run.runId, progress: exp.progress() });
      host.carryOn(run, wasRunning, exp);
    } catch (e) {
      await host.fail(run, e instanceof Error ? e : new Error(String(e)));
    }
  }

  fresh(): ResumeState {
    return { checkpoint: null, takenAtMs: 0, moving: null, switchTo: null };
  }

  /**
   * After each step: takes a checkpoint when the step reported and one is due (or a switch
   * waits for it), then fires the test hook if the next step is the one to lose the device at.
   */
  async afterStep(state: ResumeState, exp: Experiment): Promise<void> {
    // A step that ended after its device was lost may have read garbage: it is never checkpointed.
    if (state.moving !== null) return;
    if (exp.atReport && (state.checkpoint === null || state.switchTo !== null || this.now() - state.takenAtMs >= (this.options.checkpointEveryMs ?? DEFAULT_CHECKPOINT_EVERY_MS))) {
      state.checkpoint = await exp.checkpoint();
      state.takenAtMs = this.now();
    }
    const at = this.options.loseDeviceAtStep;
    if (at !== undefined && !this.lossFired && exp.stage !== 'done' && exp.globalStep + 1 >= at) {
      this.lossFired = true;
      this.options.loseDevice?.();
    }
  }

  /** Whether the run's loop must stop before its next step: a move is under way, or a switch has its checkpoint. */
  halts(state: ResumeState, exp: Experiment): boolean {
    return state.moving !== null || (state.switchTo !== null && exp.atReport && state.checkpoint?.globalStep === exp.globalStep);
  }

  /**
   * A step on a lost device may fail before the loss is reported: waits up to `ms` for the
   * report (a move then under way). True when it came.
   */
  async lossFollows(state: ResumeState, ms = 1500): Promise<boolean> {
    const until = this.now() + ms;
    while (state.moving === null && this.now() < until) await new Promise((resolve) => setTimeout(resolve, 50));
    return state.moving !== null;
  }

  /** Waits for the run's loop to end; a loop stuck on a lost device is given up after `settleMs`. Returns whether it ended. */
  async settle(loop: Promise<void> | null): Promise<boolean> {
    if (!loop) return true;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), this.options.settleMs ?? DEFAULT_SETTLE_MS)));
    const ended = await Promise.race([loop.then(() => true as const), timeout]);
    clearTimeout(timer);
    if (!ended) console.warn(`resume: the step in flight did not end within ${this.options.settleMs ?? DEFAULT_SETTLE_MS} ms; the run moves without it`);
    return ended;
  }

  /**
   * Starts the backend a move goes to: `target` for a switch, else the first of the fallback
   * order from `current` that starts. A lost device's backend becomes unusable for the
   * fallback order, but a switch the user asks for starts it again on a new device. null with
   * the reasons when nothing starts.
   */
  async nextBackend(current: BackendInfo, cause: ResumeCause, target: BackendName | null): Promise<{ info: BackendInfo; refused?: { backend: BackendName; why: string } } | { info: null; why: string }> {
    if (cause === 'device-lost' && !this.unusable.includes(current.name)) this.unusable.push(current.name);
    if (cause === 'device-lost' && !this.lost.includes(current.name)) this.lost.push(current.name);
    const renew = target !== null && this.lost.includes(target);
    const candidates = target ? [target] : fallbackOrder({ ...current, ...(this.options.ranking ? { probe: this.options.ranking } : {}) }, this.unusable);
    const failures: string[] = [];
    let targetWhy = 'it failed to start earlier in this worker';
    if (target && this.unusable.includes(target) && !renew) failures.push(`${backendLabel(target)}: ${targetWhy}`);
    else
      for (const name of candidates) {
        const started = await this.options.startBackend(name, cause, renew);
        if (started.ok) {
          if (renew) this.forgive(name);
          return { info: started.info };
        }
        failures.push(`${backendLabel(name)}: ${started.why}`);
        targetWhy = started.why;
        if (!target) this.unusable.push(name);
      }
    // A switch the user asked for that cannot happen: back to the backend the run was on, which still works.
    if (target && cause === 'switched' && !this.unusable.includes(current.name)) {
      const back = await this.options.startBackend(current.name, cause);
      if (back.ok) return { info: current, refused: { backend: target, why: targetWhy } };
      failures.push(`${backendLabel(current.name)}: ${back.why}`);
    }
    return { info: null, why: failures.length > 0 ? failures.join('; ') : 'no other backend is left' };
  }

  /** A backend that started again on a new device is usable again (and may be lost again). */
  private forgive(name: BackendName): void {
    for (const list of [this.unusable, this.lost]) if (list.includes(name)) list.splice(list.indexOf(name), 1);
  }
}

/** The backend's description after a move (the badge's reason). */
export function movedBackendInfo(name: BackendName, cause: ResumeCause, from: BackendName, extra: Partial<BackendInfo> = {}): BackendInfo {
  const why = cause === 'device-lost' ? `the ${backendLabel(from)} device was lost during a run, which continues here` : `switched from ${backendLabel(from)} during a run`;
  return { name, reason: `${backendLabel(name)}: ${why}`, forced: false, ...extra };
}
