import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// The app is static: everything it loads (data subsets, teachers) lives under public/.
export default defineConfig({
  plugins: [react()],
  worker: { format: 'es' },
  server: { host: '127.0.0.1', port: 5173 },
  preview: { host: '127.0.0.1', port: 4173 },
  build: { target: 'es2022', chunkSizeWarningLimit: 4000 },
});
