/**
 * Browser tests in a real Chromium: Debian's /usr/bin/chromium when it exists (no browser
 * downloads here), else Playwright's own. WebGPU runs on SwiftShader (a software Vulkan),
 * where one training step can take seconds: timeouts are generous and tests few and tiny.
 */
import { existsSync } from 'node:fs';
import { defineConfig, devices } from '@playwright/test';

const SYSTEM_CHROMIUM = '/usr/bin/chromium';
// E2E_PORT lets two checkouts run their browser tests side by side without sharing a server.
const PORT = Number(process.env.E2E_PORT ?? 5174);

/** Flags from docs/environment.md: WebGPU on SwiftShader, the WebGL fallback, and no network chatter. */
const CHROMIUM_ARGS = [
  '--enable-unsafe-webgpu',
  '--use-webgpu-adapter=swiftshader',
  '--enable-dawn-features=disable_robustness',
  '--disable-gpu-watchdog',
  '--enable-unsafe-swiftshader',
  '--no-sandbox',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

export default defineConfig({
  testDir: 'e2e',
  timeout: 10 * 60_000,
  expect: { timeout: 30_000 },
  fullyParallel: false,
  workers: 1,
  retries: 0,
  reporter: 'list',
  outputDir: 'test-results',
  use: {
    baseURL: `http://127.0.0.1:${PORT}`,
    headless: true,
    trace: 'retain-on-failure',
  },
  webServer: {
    command: `npx vite --config e2e/vite.config.ts --port ${PORT} --strictPort --host 127.0.0.1`,
    url: `http://127.0.0.1:${PORT}`,
    reuseExistingServer: true,
    // e2e/vite.config.ts imports ../vite.config without an extension (tsconfig forbids '.ts' in imports).
    env: { VITE_CONFIG_NATIVE_IGNORE_WARNING: 'true' },
    timeout: 120_000,
    stdout: 'ignore',
    stderr: 'pipe',
  },
  projects: [
    {
      name: 'chromium',
      use: {
        ...devices['Desktop Chrome'],
        launchOptions: {
          ...(existsSync(SYSTEM_CHROMIUM) ? { executablePath: SYSTEM_CHROMIUM } : {}),
          args: CHROMIUM_ARGS,
        },
      },
    },
  ],
});
