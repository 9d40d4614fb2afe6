import { isHidden, useConfigStore } from '../../state/configStore';
import { useRunStore } from '../../state/runStore';
import { isLive, switchBackend } from '../run/actions';

/**
 * Shown when the GPU backend renders in software (SwiftShader, llvmpipe): there is no
 * hardware acceleration, and WebAssembly trains tens of times faster. One click restarts the
 * worker there and puts backend=wasm in the link (during a run, once confirmed, the run
 * continues there from its last checkpoint).
 */
export function SoftwareGpuNotice() {
  const backend = useRunStore((s) => s.backend);
  const busy = useRunStore((s) => s.runs.some((r) => isLive(r.status)));
  const hidden = useConfigStore((s) => isHidden(s, 'runtime'));
  // A measured choice (backend.probe) is already the fastest here: nothing to offer.
  if (hidden || !backend?.software || backend.name === 'wasm' || backend.probe) return null;
  return (
    <div className="banner banner--notice banner--row" role="status" data-testid="software-hint">
      <span>
        <strong>No GPU acceleration:</strong> {backend.name === 'webgpu' ? 'WebGPU' : 'WebGL'} runs in software here
        {backend.adapter ? ` (${backend.adapter})` : ''}, and WebAssembly trains tens of times faster.
      </span>
      <button type="button" className="button button--secondary" data-testid="use-wasm" onClick={() => switchBackend('wasm')} title={busy ? 'Continue the run on WebAssembly from its last checkpoint (backend=wasm)' : 'Restart the training worker on WebAssembly (backend=wasm)'}>
        Use WebAssembly
      </button>
    </div>
  );
}
