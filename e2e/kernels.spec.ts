/**
 * The fused training kernels on the GPU backends of a real Chromium: WebGPU (on SwiftShader
 * here, Dawn's robustness off, so an out-of-bounds read shows as a wrong value) and WebGL.
 * Every kernel must be registered, run as one GPU program per call, and match spec.ts's
 * reference loops within 1e-4 of the output's magnitude, at the self-check's default shape
 * (batch 3, odd sizes) and at a bigger one for the per-channel reductions.
 */
import { expect, test } from '@playwright/test';
import type { BackendCheck } from './kernels/check';

const SHAPES: [number, number, number, number][] = [
  [3, 14, 14, 12],
  [8, 28, 28, 16],
];

for (const backend of ['webgpu', 'webgl'] as const) {
  test(`fused kernels on ${backend}: registered, one program per call, equal to the reference`, async ({ page }) => {
    test.setTimeout(120_000);
    // A shader that fails to compile: tfjs logs its source and the compiler's message.
    page.on('console', (m) => {
      if (m.type() === 'error' || /Failed|ERROR/.test(m.text())) console.log(`[page] ${m.text().slice(0, 2000)}`);
    });
    await page.goto('/e2e/kernels/index.html');
    const check = await page.evaluate(
      async ({ backend, shapes }) => {
        const m = (await import('/e2e/kernels/check.ts' as string)) as typeof import('./kernels/check');
        return m.checkBackend(backend, shapes);
      },
      { backend, shapes: SHAPES },
    );
    report(check);
    expect(check.backend).toBe(backend);
    expect(check.leaked).toBe(0);
    expect(check.shapes).toHaveLength(SHAPES.length);
    for (const { shape, results } of check.shapes) {
      expect(results).toHaveLength(8);
      for (const r of results) {
        const at = `${r.kernel} at [${shape.join(', ')}]`;
        expect(r.missing ?? false, `${at} is registered`).toBe(false);
        expect(r.programs, `${at} runs one program`).toBe(1);
        expect(r.pass, `${at}: error ${r.maxAbsError} against values up to ${r.maxAbsValue}`).toBe(true);
      }
    }
  });
}

function report(check: BackendCheck): void {
  for (const { shape, ms, results } of check.shapes) {
    console.log(`[kernels] ${check.backend} (${check.device}) [${shape.join(', ')}] in ${ms.toFixed(0)} ms`);
    for (const r of results) {
      const rel = r.maxAbsValue > 0 ? r.maxAbsError / r.maxAbsValue : r.maxAbsError;
      console.log(`[kernels]   ${r.kernel.padEnd(24)} ${r.pass ? 'ok  ' : 'FAIL'} max|err| ${r.maxAbsError.toExponential(2)} (rel ${rel.toExponential(2)}) of ${r.size} values, ${r.programs} program(s)`);
    }
  }
}
