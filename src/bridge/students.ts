/**
 * The page's side of 'get-student': one pending promise per asked-for run, settled by the
 * worker's 'student' answer. Failures are values (`{ ok: false, message }`), never throws.
 */
import type { WorkerEvent, WorkerRequest } from '../protocol/messages';
import type { StudentModel } from '../protocol/runFileIo';

export type StudentAnswer = { ok: true; student: StudentModel } | { ok: false; message: string };

export class StudentRequests {
  private readonly pending = new Map<number, ((answer: StudentAnswer) => void)[]>();

  /** Asks the worker (through `post`) for a run's student; null `post` means there is no worker. */
  request(runId: number, post: ((msg: WorkerRequest) => void) | null): Promise<StudentAnswer> {
    if (!post) return Promise.resolve({ ok: false, message: 'The training worker is not running: the student of a run from before a reload is not kept.' });
    return new Promise((resolve) => {
      const waiting = this.pending.get(runId);
      if (waiting) waiting.push(resolve);
      else {
        this.pending.set(runId, [resolve]);
        post({ type: 'get-student', runId });
      }
    });
  }

  receive(event: Extract<WorkerEvent, { type: 'student' }>): void {
    const waiting = this.pending.get(event.runId) ?? [];
    this.pending.delete(event.runId);
    const answer: StudentAnswer = event.student ? { ok: true, student: event.student } : { ok: false, message: event.message ?? 'The worker has no student for this run.' };
    for (const resolve of waiting) resolve(answer);
  }

  /** The worker went away: every pending request fails with `message`. */
  failAll(message: string): void {
    for (const waiting of this.pending.values()) for (const resolve of waiting) resolve({ ok: false, message });
    this.pending.clear();
  }
}
