import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';
import { cspPlugin } from './scripts/csp';

// The app is static: everything it loads (data subsets, teachers) lives under public/.
export default defineConfig({
  plugins: [react(), cspPlugin()],
  worker: { format: 'es' },
  // The worker's imports (tfjs-backend-wasm is found only there) are pre-bundled at start-up;
  // otherwise Vite discovers them when the worker first loads and reloads the page.
  optimizeDeps: { entries: ['index.html', 'src/worker/worker.ts', 'src/worker/teacherCardWorker.ts'] },
  server: { host: '127.0.0.1', port: 5173 },
  preview: { host: '127.0.0.1', port: 4173 },
  build: { target: 'es2022', chunkSizeWarningLimit: 4000 },
});
