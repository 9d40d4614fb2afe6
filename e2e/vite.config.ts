/**
 * The app's Vite config, made deterministic for browser tests:
 * - no file watching and no HMR client, so an edit elsewhere in the checkout never reloads
 *   a page mid-run;
 * - everything else (the worker as a dependency-scan entry included) is the app's config.
 */
import { fileURLToPath } from 'node:url';
import { mergeConfig } from 'vite';
import base from '../vite.config';

export default mergeConfig(base, {
  root: fileURLToPath(new URL('..', import.meta.url)),
  server: { hmr: false, watch: null },
});
