/**
 * The fused training kernels on the GPU backends of a real Chromium: WebGPU (on SwiftShader
 * here, Dawn's robustness off, so an out-of-bounds read shows as a wrong value) and WebGL,
 * the losses' kernels included (stage 1: every mining rule and form, a batch of up to 135;
 * stage 2: each score, scope, reduction and the uniform targets).
 * Every kernel must be registered, run as one GPU program per call, and match spec.ts's
 * reference loops within 1e-4 of the output's magnitude, at the self-check's default shape
 * (batch 3, odd sizes) and at two bigger ones for the per-channel reductions (up to
 * N = 50,176); and new per-step values (epsilon, momentum, learning rate, logits and
 * labels…) must compile no new program, a label outside [0, K) giving its row loss and
 * gradient 0. The SGD kernels also run over 4.3 million weights (a WebGPU dispatch too
 * large for one axis).
 */
import { expect, test } from '@playwright/test';
import type { BackendCheck, KernelResult } from './kernels/check';

const SHAPES: [number, number, number, number][] = [
  [3, 14, 14, 12],
  [8, 28, 28, 16],
  // The longest channel the student has: N = 64·28·28 = 50,176 elements per channel.
  [64, 28, 28, 4],
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
      // Eleven training kernels (the group SGD update is cpu and wasm only); four of the stage-1 loss and its two pair kernels in each of four
      // variants; the stage-2 class means, three variants of its targets, two of its KL and gradient.
      expect(results).toHaveLength(11 + 4 + 8 + 1 + 3 + 4);
      for (const r of results) {
        const at = `${r.kernel} at [${shape.join(', ')}]`;
        expect(r.missing ?? false, `${at} is registered`).toBe(false);
        expect(r.programs, `${at} runs one program`).toBe(1);
        expect(r.pass, `${at}: error ${r.maxAbsError} against values up to ${r.maxAbsValue}`).toBe(true);
      }
    }
    // New epsilon, momentum, learning rate, logits, labels (some out of range)…: no program compiled, results still right.
    expect(check.newValues.compiled, 'programs compiled for new per-step values').toBe(0);
    expect(check.newValues.results).toHaveLength(8);
    for (const r of check.newValues.results) expect(r.pass, `${r.kernel} with new values: error ${r.maxAbsError} against values up to ${r.maxAbsValue}`).toBe(true);
    expect(check.large).toHaveLength(2);
    for (const r of check.large) expect(r.pass, `${r.kernel} over ${r.size} values: error ${r.maxAbsError} against values up to ${r.maxAbsValue}`).toBe(true);
  });
}

function report(check: BackendCheck): void {
  const line = (r: KernelResult) => {
    const rel = r.maxAbsValue > 0 ? r.maxAbsError / r.maxAbsValue : r.maxAbsError;
    return `${(r.variant ? `${r.kernel} (${r.variant})` : r.kernel).padEnd(32)} ${r.pass ? 'ok  ' : 'FAIL'} max|err| ${r.maxAbsError.toExponential(2)} (rel ${rel.toExponential(2)}) of ${r.size} values`;
  };
  for (const { shape, ms, results } of check.shapes) {
    console.log(`[kernels] ${check.backend} (${check.device}) [${shape.join(', ')}] in ${ms.toFixed(0)} ms`);
    for (const r of results) console.log(`[kernels]   ${line(r)}, ${r.programs} program(s)`);
  }
  console.log(`[kernels] ${check.backend} with new per-step values: ${check.newValues.compiled} program(s) compiled`);
  for (const r of check.newValues.results) console.log(`[kernels]   ${line(r)}`);
  console.log(`[kernels] ${check.backend} over 4.3 million weights:`);
  for (const r of check.large) console.log(`[kernels]   ${line(r)}`);
}
