/**
 * Checks the fused training kernels (src/core/kernels) of one Node backend against their
 * reference loops at shapes from a tiny batch to the widest student's, and exits 1 on any
 * mismatch: on a GPU machine it checks the WGSL kernels on the real GPU through Dawn.
 *
 *   npx tsx scripts/kernel-check.ts [--backend wasm|cpu|webgpu]
 *   node kernel-check.mjs --backend webgpu        # in a device pack (scripts/device-bench.sh runs it)
 */
import { useNodeBackend, NodeBackendError, type NodeBackend } from '../src/cli/backend';
import { releaseNodeWebGpu } from '../src/cli/webgpu';
import { checkFusedKernels, checkPasses } from '../src/core/kernels/selfCheck';

const args = process.argv.slice(2);
const i = args.indexOf('--backend');
const backend = (i >= 0 ? args[i + 1] : 'wasm') as NodeBackend;
/** [B, H, W, C]: odd channel counts and batches catch indexing errors; [64, 28, 28, 128] is the widest student's first block. */
const SHAPES: [number, number, number, number][] = [[3, 14, 14, 12], [8, 28, 28, 16], [64, 28, 28, 4], [64, 14, 14, 128], [64, 28, 28, 128], [6, 8, 10, 33]];

try {
  const { adapter } = await useNodeBackend(backend);
  console.log(`fused kernels on node ${backend}${adapter ? ` (${adapter})` : ''}`);
} catch (e) {
  console.log(e instanceof NodeBackendError ? `${e.message} Skipped.` : String(e));
  process.exit(e instanceof NodeBackendError ? 0 : 1);
}
let failed = 0;
for (const shape of SHAPES) {
  const results = await checkFusedKernels(shape);
  const bad = results.filter((r) => !checkPasses(r));
  failed += bad.length;
  const worst = Math.max(...results.map((r) => r.maxAbsError / Math.max(r.maxAbsValue, 1e-30)));
  console.log(`  [${shape.join(', ')}]: ${bad.length === 0 ? 'all match' : `MISMATCH in ${bad.map((r) => (r.missing ? `${r.kernel} (missing)` : r.kernel)).join(', ')}`}; largest relative error ${worst.toExponential(1)}`);
}
if (backend === 'webgpu') releaseNodeWebGpu();
process.exit(failed === 0 ? 0 : 1);
