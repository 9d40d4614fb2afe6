/**
 * Where Chromium is and how to start it for WebGPU on SwiftShader (a software Vulkan):
 * shared by the benchmark and the browser tests.
 */
import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright';

/**
 * Chromium flags: WebGPU on SwiftShader, WebGL fallback allowed, no network chatter. Dawn's
 * robustness stays on: with `disable_robustness` out-of-bounds shader reads return garbage,
 * and the default student's stage-1 loss came back NaN at batch 64.
 */
export const CHROMIUM_ARGS = [
  '--enable-unsafe-webgpu',
  '--use-webgpu-adapter=swiftshader',
  '--disable-gpu-watchdog',
  '--enable-unsafe-swiftshader',
  '--no-sandbox',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

/** Debian's Chromium when installed, else Playwright's own browser if it was downloaded, else null. */
export function chromiumPath(): string | null {
  if (existsSync('/usr/bin/chromium')) return '/usr/bin/chromium';
  try {
    const own = chromium.executablePath();
    return own && existsSync(own) ? own : null;
  } catch {
    return null;
  }
}

export async function launchChromium(): Promise<Browser> {
  const executablePath = chromiumPath();
  if (!executablePath) throw new Error('No Chromium found. On Debian/Ubuntu: sudo apt-get install -y chromium (or, where downloads are allowed: npx playwright install chromium).');
  return chromium.launch({ executablePath, headless: true, args: CHROMIUM_ARGS });
}
