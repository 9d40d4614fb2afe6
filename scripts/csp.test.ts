import { describe, expect, it } from 'vitest';
import { contentSecurityPolicy, inlineScripts } from './csp';

describe('the Content-Security-Policy', () => {
  it('allows no inline script, WebAssembly compilation, workers from the site or blob:, fetches to the site only', () => {
    const csp = contentSecurityPolicy();
    expect(csp).toContain("script-src 'self' 'wasm-unsafe-eval';");
    expect(csp).not.toMatch(/script-src[^;]*'unsafe-inline'/);
    expect(csp).not.toMatch(/'unsafe-eval'/);
    expect(csp).toContain("worker-src 'self' blob:;");
    expect(csp).toContain("connect-src 'self';");
    expect(csp).toContain("object-src 'none'");
  });

  it('finds inline scripts, and only those', () => {
    expect(inlineScripts('<script type="module" crossorigin src="/assets/index.js"></script>')).toEqual([]);
    expect(inlineScripts('<script type="module">import "/x.js"</script>')).toEqual(['<script type="module">import "/x.js"</script>']);
  });
});
