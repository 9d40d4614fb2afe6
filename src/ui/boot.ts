/**
 * Page start-up, outside React (so StrictMode's double effects cannot start two runs): read
 * the config from the URL and keep them in step, start the worker on the link's backend, and
 * start the run when the link says `autorun=1`.
 */
import { bridge } from '../bridge/bridge';
import { bindUrlSync, useConfigStore } from '../state/configStore';
import { startHistory } from '../state/history';
import { startRun } from './run/actions';
import { initTheme } from './theme/theme';

let booted = false;

export function boot(): void {
  if (booted) return;
  booted = true;
  bindUrlSync(window);
  initTheme();
  const { backend, autorun } = useConfigStore.getState();
  bridge.init(backend);
  startHistory();
  if (autorun) startRun();
}
