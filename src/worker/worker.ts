/**
 * The training worker's entry (a module worker). Thin on purpose: it picks the backend on
 * the first message ('init'), then hands every request to the handler. Nothing thrown here
 * goes unreported: failures become 'error' events.
 */
import * as tf from '@tensorflow/tfjs';
import { httpFetchBytes } from '../core/data/loader';
import { AssetCache } from '../core/run';
import type { WorkerEvent, WorkerRequest } from '../protocol/messages';
import { BackendError, renewWebGpu, selectBackend, simulateDeviceLoss, tryBackend, watchDeviceLoss } from './backend';
import { createWorkerHandler, toErrorEvent, type WorkerHandler } from './handler';
import { selectByProbe } from './probe';
import { movedBackendInfo, Resumer } from './resume';

type InitRequest = Extract<WorkerRequest, { type: 'init' }>;

const scope = self as unknown as DedicatedWorkerGlobalScope;
const post = (event: WorkerEvent) => scope.postMessage(event);
let handler: Promise<WorkerHandler | null> | null = null;

/** Test-only: the worker has its own `navigator`, so the page cannot hide WebGPU from it. */
function hideWebGpu(): void {
  Object.defineProperty(scope.navigator, 'gpu', { value: undefined, configurable: true });
}

async function init(msg: InitRequest): Promise<WorkerHandler | null> {
  try {
    if (msg.options?.disableWebGpu) hideWebGpu();
    const backendOptions = { webgpuSeparateIm2col: msg.options?.webgpuSeparateIm2col ?? null, ...(msg.options?.wasmThreads ? { wasmThreads: msg.options.wasmThreads } : {}) };
    // No backend forced: measure (or take the cached measurement); the fixed order if that fails.
    const probe = msg.options?.probe ?? {};
    const measured = msg.backend === null && !probe.off ? await selectByProbe({ probe, appVersion: String(import.meta.env.VITE_APP_VERSION ?? 'dev'), backend: backendOptions, log: (line) => console.info(`backend probe: ${line}`) }) : null;
    const backend = measured ?? (await selectBackend(msg.backend, backendOptions));
    const base = new URL(msg.baseUrl ?? '/', scope.location.href);
    const assets = new AssetCache({
      data: httpFetchBytes(new URL('data/', base).href),
      teachers: httpFetchBytes(new URL('teachers/', base).href),
    });
    let current = backend.name;
    const onLost = (message: string) => void h.deviceLost(message);
    // A lost device (or the user's switch) moves the run to the next backend, from its last checkpoint.
    const resume = new Resumer(
      {
        startBackend: async (name, cause, renew) => {
          // Back to a backend whose device was lost: on a new device.
          if (renew && name === 'webgpu' && !renewWebGpu()) return { ok: false, why: 'its lost device could not be replaced' };
          const attempt = await tryBackend(name, backendOptions);
          if (!attempt.ok) return attempt;
          const info = movedBackendInfo(name, cause, current, { ...(attempt.adapter ? { adapter: attempt.adapter } : {}), ...(attempt.software ? { software: true } : {}), ...(attempt.threads !== undefined ? { threads: attempt.threads } : {}) });
          current = name;
          watchDeviceLoss(onLost);
          return { ok: true, info };
        },
        ...(msg.options?.loseDeviceAtStep ? { loseDeviceAtStep: msg.options.loseDeviceAtStep, loseDevice: () => void simulateDeviceLoss() } : {}),
        ...(backend.probe ? { ranking: backend.probe } : {}),
      },
      () => performance.now(),
    );
    const h = createWorkerHandler({ post, assets, backend, resume, ...(msg.options?.embeddings === false ? { embeddings: false } : {}) });
    watchDeviceLoss(onLost);
    post({ type: 'ready', backend, numTensors: tf.memory().numTensors });
    return h;
  } catch (e) {
    post(e instanceof BackendError ? toErrorEvent(e, null) : { ...toErrorEvent(e, null), code: 'backend-unavailable', hint: toErrorEvent(new BackendError(''), null).hint });
    return null;
  }
}

scope.onmessage = (event: MessageEvent<WorkerRequest>) => {
  const msg = event.data;
  if (!handler) {
    handler = init(msg.type === 'init' ? msg : { type: 'init', backend: null });
    if (msg.type === 'init') return;
  }
  handler
    .then((h) => h?.handle(msg))
    .catch((e: unknown) => post(toErrorEvent(e, 'runId' in msg ? msg.runId : null)));
};

scope.addEventListener('unhandledrejection', (event) => {
  event.preventDefault();
  post(toErrorEvent(event.reason, null));
});
