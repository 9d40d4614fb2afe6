/**
 * The trained students the worker keeps after their runs end, so that the page can ask for
 * one ('get-student') after the experiment itself has been freed. Plain bytes only (no
 * tensors): the last few runs' students, oldest dropped first.
 */
import { saveStudentModel } from '../core/model/studentModel';
import type { Experiment } from '../core/trainer/experiment';
import type { WorkerEvent } from '../protocol/messages';
import type { StudentModel } from '../protocol/runFileIo';

export interface StudentKeeper {
  /** Saves the run's student as it is now: call once the run is done (the selected checkpoint is restored). */
  capture(runId: number, exp: Experiment): Promise<void>;
  /** The reply to 'get-student'. */
  reply(runId: number): Extract<WorkerEvent, { type: 'student' }>;
}

/** Keeps the students of the last `max` finished runs. */
export function createStudentKeeper(max = 8): StudentKeeper {
  const kept = new Map<number, StudentModel>();
  return {
    capture: async (runId, exp) => {
      kept.set(runId, await saveStudentModel(exp.student));
      for (const old of kept.keys()) if (kept.size > max) kept.delete(old);
    },
    reply: (runId) => {
      const student = kept.get(runId);
      return student
        ? { type: 'student', runId, student }
        : { type: 'student', runId, student: null, message: `Run ${runId}'s student is not in the worker: only the last ${max} finished runs keep their trained student (a run that was stopped, or one from before a reload, has none).` };
    },
  };
}
