/**
 * The loading phases of a run, as the page is told them: which phase, its place among the
 * phases (the page's loading progress), and a line saying what is read or computed.
 */
import type { ExperimentConfig } from '../protocol/config';
import { LOADING_PHASES, type LoadingInfo, type LoadingPhase } from '../protocol/messages';

function describe(phase: LoadingPhase, config: ExperimentConfig): string {
  switch (phase) {
    case 'data':
      return `Reading the ${config.dataset} images`;
    case 'teacher':
      return `Reading teacher ${config.teacher}`;
    case 'split':
      return `Sampling ${config.shotsPerClass === 'all' ? 'all' : config.shotsPerClass} shots of ${config.studentClasses.length} classes (seed ${config.seed})`;
    case 'teacher-embeddings':
      return 'Running the frozen teacher over the split';
    default: {
      const unreachable: never = phase;
      return String(unreachable);
    }
  }
}

/** The 'loading' payload for `phase` of a run with `config`. */
export function loadingInfo(phase: LoadingPhase, config: ExperimentConfig): LoadingInfo {
  return { phase, index: LOADING_PHASES.indexOf(phase), of: LOADING_PHASES.length, detail: describe(phase, config) };
}
