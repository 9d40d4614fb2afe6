import { defineConfig } from 'vite';
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

// The app is static: everything it loads (data subsets, teachers) lives under public/.
export default defineConfig({
  plugins: [react(), OFFLINE, cspPlugin()],
  worker: { format: 'es' },
  // The worker's imports (tfjs-backend-wasm is found only there) are pre-bundled at start-up;
  // otherwise Vite discovers them when the worker first loads and reloads the page.
  optimizeDeps: { entries: ['index.html', 'src/worker/worker.ts', 'src/worker/teacherCardWorker.ts'] },
  server: { host: '127.0.0.1', port: 5173 },
  preview: { host: '127.0.0.1', port: 4173 },
  build: { target: 'es2022', chunkSizeWarningLimit: 4000 },
});
