/**
 * The teacher-training worker's entry (a module worker, separate from the student's): picks
 * the backend on 'init', then hands every request to the teacher-training handler. A second
 * worker so that a teacher, which trains for minutes, never blocks the student's runs or
 * the page. Nothing thrown here goes unreported: failures become 'error' events.
 */
import { httpFetchBytes } from '../core/data/loader';
import type { TeacherTrainingEvent, TeacherTrainingRequest } from '../protocol/teacherTraining';
import { putTeacher } from '../storage/teachers';
import { selectBackend } from './backend';
import { toErrorEvent } from './handler';
import { createTeacherTrainingHandler, type TeacherTrainingHandler } from './teacherTraining';

type InitRequest = Extract<TeacherTrainingRequest, { type: 'init' }>;

const scope = self as unknown as DedicatedWorkerGlobalScope;
const post = (event: TeacherTrainingEvent) => scope.postMessage(event);
let handler: Promise<TeacherTrainingHandler | null> | null = null;

function reportError(e: unknown, jobId: number | null): void {
  const { code, message, hint } = toErrorEvent(e, jobId);
  post({ type: 'error', jobId, code, message, hint });
}

async function init(msg: InitRequest): Promise<TeacherTrainingHandler | null> {
  try {
    const backend = await selectBackend(msg.backend);
    const base = new URL(msg.baseUrl ?? '/', scope.location.href);
    const h = createTeacherTrainingHandler({ post, backend, data: httpFetchBytes(new URL('data/', base).href), save: putTeacher });
    await h.handle(msg);
    return h;
  } catch (e) {
    reportError(e, null);
    return null;
  }
}

scope.onmessage = (event: MessageEvent<TeacherTrainingRequest>) => {
  const msg = event.data;
  if (!handler) {
    handler = init(msg.type === 'init' ? msg : { type: 'init', backend: null });
    if (msg.type === 'init') return;
  }
  handler.then((h) => h?.handle(msg)).catch((e: unknown) => reportError(e, 'jobId' in msg ? msg.jobId : null));
};

scope.addEventListener('unhandledrejection', (event) => {
  event.preventDefault();
  reportError(event.reason, null);
});
