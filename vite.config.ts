import { readFileSync } from 'node:fs';
import { defineConfig, type Plugin } from 'vite';
import react from '@vitejs/plugin-react';
import { cspPlugin } from './scripts/csp';
import { VitePWA } from 'vite-plugin-pwa';

/**
 * Offline use: the production build ships a service worker (Workbox, through vite-plugin-pwa)
 * that precaches the app shell, the training worker and its chunks (tfjs included), the
 * WebAssembly binaries, the data subsets (public/data) and the teachers (public/teachers), so a
 * page opened once keeps working without the network. `registerType: 'prompt'`: a new version
 * waits until the viewer reloads (the update banner), never mid-lecture. The dev server has
 * no service worker (devOptions off), so tests and development see the network as it is.
 */
const OFFLINE = VitePWA({
  registerType: 'prompt',
  // Registered by src/ui/offline/registerOffline.ts, in production builds only.
  injectRegister: false,
  manifest: false,
  devOptions: { enabled: false },
  workbox: {
    globPatterns: ['**/*.{html,js,css,svg,wasm,json,bin}'],
    // The largest file is a data subset's images.bin (about 6 MB); tfjs chunks are near 2 MB.
    maximumFileSizeToCacheInBytes: 8 * 1024 * 1024,
    // The page's only address is index.html (the configuration lives in the hash).
    navigateFallback: 'index.html',
    cleanupOutdatedCaches: true,
  },
});

/**
 * Cross-origin isolation (COOP + COEP): the page gets SharedArrayBuffer, and with it the
 * WebAssembly backend runs multi-threaded. Everything the app loads is same-origin, so
 * `require-corp` blocks nothing. A static host must send the same two headers
 * (docs/deployment.md).
 */
export const ISOLATION_HEADERS = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

/**
 * Threaded WebAssembly in a minified build. tfjs-backend-wasm starts its pthread workers from a
 * Blob holding `factory.toString()`; the factory reads `_scriptDir`, a variable of the closure
 * around it, behind `typeof _scriptDir !== "undefined"`. Minified, that variable is renamed and
 * the guard folded to `e !== void 0`, which throws in the Blob ("e is not defined") and the
 * backend never starts. As a global property the name survives minification, and the guard too.
 */
function wasmThreadsSurviveMinify(): Plugin {
  const declaration = /var _scriptDir = (typeof document !== 'undefined' && document\.currentScript \? document\.currentScript\.src : undefined);\s*if \(typeof __filename !== 'undefined'\) _scriptDir = _scriptDir \|\| __filename;/;
  return {
    name: 'refilled:wasm-threads-survive-minify',
    apply: 'build',
    transform(code, id) {
      if (!/tfjs-backend-wasm[\\/]wasm-out[\\/]tfjs-backend-wasm-threaded-simd\.js$/.test(id)) return null;
      if (!declaration.test(code)) this.error('tfjs-backend-wasm changed: the _scriptDir declaration of its threaded factory was not found (vite.config.ts)');
      return { code: code.replace(declaration, 'globalThis._scriptDir = $1;'), map: null };
    },
  };
}

const { version } = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8')) as { version: string };

// The app is static: everything it loads (data subsets, teachers) lives under public/.
export default defineConfig({
  plugins: [react(), OFFLINE, cspPlugin(), wasmThreadsSurviveMinify()],
  // The worker is bundled on its own: it gets the wasm plugin too (tfjs-backend-wasm is loaded there).
  worker: { format: 'es', plugins: () => [wasmThreadsSurviveMinify()] },
  // The backend choice the worker measured is cached per app version (protocol/probe.ts).
  define: { 'import.meta.env.VITE_APP_VERSION': JSON.stringify(version) },
  // The workers' imports (tfjs-backend-wasm is found only there) are pre-bundled at start-up;
  // otherwise Vite discovers them when a worker first loads and reloads the page.
  optimizeDeps: { entries: ['index.html', 'src/worker/worker.ts', 'src/worker/teacherCardWorker.ts', 'src/worker/teacherTrainingWorker.ts'] },
  server: { host: '127.0.0.1', port: 5173, headers: ISOLATION_HEADERS },
  preview: { host: '127.0.0.1', port: 4173, headers: ISOLATION_HEADERS },
  build: { target: 'es2022', chunkSizeWarningLimit: 4000 },
});
