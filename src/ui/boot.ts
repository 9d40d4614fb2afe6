/**
 * Page start-up, outside React (so StrictMode's double effects cannot start two runs): read
 * the config from the URL and keep them in step, start the worker on the link's backend, and
 * start the run when the link says `autorun=1`.
 */
import { bridge } from '../bridge/bridge';
import { bindUrlSync, useConfigStore } from '../state/configStore';
import { startHistory } from '../state/history';
import { startRun } from './run/actions';
import { deferForStoredTeachers } from './teachers/bootTeachers';
import { initTheme } from './theme/theme';

let booted = false;

export function boot(): void {
  if (booted) return;
  if (deferForStoredTeachers(window.location.hash, boot)) return;
  booted = true;
  bindUrlSync(window);
  initTheme();
  const { backend, autorun, tour } = useConfigStore.getState();
  bridge.init(backend);
  startHistory();
  // With `tour=1` the tour starts the run itself (stage 1, paused at the boundary: ui/tour).
  if (autorun && !tour) startRun();
}
