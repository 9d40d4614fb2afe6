import { readFileSync } from 'node:fs';
import { defineConfig, type Plugin } from 'vite';
import react from '@vitejs/plugin-react';

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
  plugins: [react(), wasmThreadsSurviveMinify()],
  // The worker is bundled on its own: it gets the wasm plugin too (tfjs-backend-wasm is loaded there).
  worker: { format: 'es', plugins: () => [wasmThreadsSurviveMinify()] },
  // The backend choice the worker measured is cached per app version (protocol/probe.ts).
  define: { 'import.meta.env.VITE_APP_VERSION': JSON.stringify(version) },
  // The worker's imports (tfjs-backend-wasm is found only there) are pre-bundled at start-up;
  // otherwise Vite discovers them when the worker first loads and reloads the page.
  optimizeDeps: { entries: ['index.html', 'src/worker/worker.ts'] },
  server: { host: '127.0.0.1', port: 5173, headers: ISOLATION_HEADERS },
  preview: { host: '127.0.0.1', port: 4173, headers: ISOLATION_HEADERS },
  build: { target: 'es2022', chunkSizeWarningLimit: 4000 },
});
