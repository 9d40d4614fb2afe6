/**
 * A production build of the app, served by `vite preview` on a free port, for the flows that
 * check what users of a deployed copy get (service worker, CSP, sub-paths, responsiveness).
 * Call inside a `test.describe`: it builds before the group's tests and cleans up after.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, preview, type PreviewServer } from 'vite';
import { test } from './fixtures';

export interface BuiltApp {
  /** `http://127.0.0.1:<port>`, set once the build is served. */
  origin: string;
  /** The folder the build was written to. */
  outDir: string;
}

export function useProductionBuild(prefix: string, base = '/'): BuiltApp {
  const app: BuiltApp = { origin: '', outDir: '' };
  let server: PreviewServer | null = null;
  test.beforeAll(async () => {
    test.setTimeout(4 * 60_000);
    const root = fileURLToPath(new URL('..', import.meta.url));
    app.outDir = mkdtempSync(join(tmpdir(), prefix));
    const configFile = join(root, 'vite.config.ts');
    await build({ root, configFile, base, logLevel: 'error', build: { outDir: app.outDir, emptyOutDir: true, rolldownOptions: { checks: { bundlerTimings: false } } } });
    server = await preview({ root, configFile, base, logLevel: 'error', build: { outDir: app.outDir }, preview: { host: '127.0.0.1', port: 0, strictPort: true } });
    app.origin = `http://127.0.0.1:${(server.httpServer.address() as AddressInfo).port}`;
  });
  test.afterAll(async () => {
    await server?.close();
    if (app.outDir) rmSync(app.outDir, { recursive: true, force: true });
  });
  return app;
}
