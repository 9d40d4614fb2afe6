/**
 * A short-lived worker that measures an uploaded teacher's card (worker/teacherCard.ts), so
 * that the page never runs the model itself and the training worker's run is not disturbed.
 * One request, one reply; the page then terminates it.
 */
import { httpFetchBytes, loadDataset } from '../core/data/loader';
import type { TeacherCardReply, TeacherCardRequest } from '../protocol/teacherUpload';
import { selectBackend } from './backend';
import { answerCardRequest } from './teacherCard';

const scope = self as unknown as DedicatedWorkerGlobalScope;

scope.onmessage = (event: MessageEvent<TeacherCardRequest>) => {
  const req = event.data;
  const reply = (r: TeacherCardReply) => scope.postMessage(r);
  void (async () => {
    try {
      await selectBackend(req.backend);
      const base = new URL(req.baseUrl, scope.location.href);
      reply(await answerCardRequest(req, (name) => loadDataset(name, httpFetchBytes(new URL('data/', base).href))));
    } catch (e) {
      reply({ type: 'error', message: e instanceof Error ? e.message : String(e) });
    }
  })();
};
