#!/usr/bin/env node
/**
 * `npm run test:e2e`: the Playwright browser tests, if a Chromium is at hand — Debian's
 * /usr/bin/chromium or Playwright's own download. Arguments pass through to
 * `playwright test` (e.g. `npm run test:e2e -- -g cpu`).
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const SYSTEM_CHROMIUM = '/usr/bin/chromium';

async function playwrightChromium() {
  try {
    const { chromium } = await import('playwright');
    const path = chromium.executablePath();
    return path && existsSync(path) ? path : null;
  } catch {
    return null;
  }
}

const browser = existsSync(SYSTEM_CHROMIUM) ? SYSTEM_CHROMIUM : await playwrightChromium();
if (!browser) {
  console.error(
    [
      'The browser tests need Chromium, and none was found (neither /usr/bin/chromium nor Playwright\'s own).',
      'Get one:',
      '  on Debian/Ubuntu:              sudo apt-get install -y chromium',
      '  where downloads are allowed:   npx playwright install chromium',
      'then run "npm run test:e2e" again.',
    ].join('\n'),
  );
  process.exit(1);
}

console.log(`Browser tests with ${browser}`);
const result = spawnSync('npx', ['playwright', 'test', ...process.argv.slice(2)], { stdio: 'inherit' });
process.exit(result.status ?? 1);
