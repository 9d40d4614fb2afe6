/**
 * Measures an uploaded teacher's card in a worker of its own (worker/teacherCardWorker.ts):
 * the page never runs the model, and a run in the training worker goes on undisturbed. One
 * worker per request, terminated when it answers.
 */
import type { TeacherCardReply, TeacherCardRequest } from '../protocol/teacherUpload';

export interface CardWorkerPort {
  postMessage(message: TeacherCardRequest): void;
  terminate(): void;
  onmessage: ((event: MessageEvent<TeacherCardReply>) => void) | null;
  onerror: ((event: ErrorEvent) => void) | null;
}

function defaultCardWorker(): CardWorkerPort {
  return new Worker(new URL('../worker/teacherCardWorker.ts', import.meta.url), { type: 'module' }) as unknown as CardWorkerPort;
}

/** Sends one request and resolves with the worker's reply (a crash is an 'error' reply too). */
export function measureTeacherCard(request: Omit<TeacherCardRequest, 'type' | 'baseUrl'>, createWorker: () => CardWorkerPort = defaultCardWorker): Promise<TeacherCardReply> {
  return new Promise((resolve) => {
    const worker = createWorker();
    const done = (reply: TeacherCardReply) => {
      worker.terminate();
      resolve(reply);
    };
    worker.onmessage = (event) => done(event.data);
    worker.onerror = (event) => done({ type: 'error', message: `The teacher could not be measured: ${event.message || 'the worker failed to start'}.` });
    // The weights are copied, not transferred: the page keeps them to store the teacher.
    worker.postMessage({ type: 'card', baseUrl: new URL(import.meta.env.BASE_URL, location.href).href, ...request });
  });
}
