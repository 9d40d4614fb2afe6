import { readFileSync } from 'node:fs';
import { defineConfig } from 'vite';
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

const { version } = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8')) as { version: string };

// The app is static: everything it loads (data subsets, teachers) lives under public/.
export default defineConfig({
  plugins: [react()],
  worker: { format: 'es' },
  // The backend choice the worker measured is cached per app version (protocol/probe.ts).
  define: { 'import.meta.env.VITE_APP_VERSION': JSON.stringify(version) },
  // The worker's imports (tfjs-backend-wasm is found only there) are pre-bundled at start-up;
  // otherwise Vite discovers them when the worker first loads and reloads the page.
  optimizeDeps: { entries: ['index.html', 'src/worker/worker.ts'] },
  server: { host: '127.0.0.1', port: 5173, headers: ISOLATION_HEADERS },
  preview: { host: '127.0.0.1', port: 4173, headers: ISOLATION_HEADERS },
  build: { target: 'es2022', chunkSizeWarningLimit: 4000 },
});
