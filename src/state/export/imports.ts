/**
 * Imported runs: a parsed run file becomes a finished run record in the run store (the charts
 * show it as the active run), and a bundle's student is kept for export beside it.
 */
import type { RunFile } from '../../protocol/runFile';
import type { StudentModel } from '../../protocol/runFileIo';
import { useRunStore } from '../runStore';
import { IMPORTED_RUN_ID_BASE, recordOfRunFile } from './runFiles';

const students = new Map<number, StudentModel>();
const origins = new Map<number, RunFile['origin']>();
let nextRunId = IMPORTED_RUN_ID_BASE;

/** Adds an imported run to the session and shows it; returns its run id. */
export function importRun(file: RunFile, student?: StudentModel): number {
  const runId = nextRunId++;
  if (student) students.set(runId, student);
  origins.set(runId, file.origin);
  useRunStore.setState((s) => ({ runs: [...s.runs, recordOfRunFile(file, runId)], activeRunId: runId }));
  return runId;
}

/** Whether a run id is an imported run's. */
export function isImported(runId: number): boolean {
  return runId >= IMPORTED_RUN_ID_BASE;
}

/** The student an imported bundle carried, if any. */
export function importedStudent(runId: number): StudentModel | undefined {
  return students.get(runId);
}

/** Where an imported run was made (its file's origin): exports of it keep saying so. */
export function importedOrigin(runId: number): RunFile['origin'] | undefined {
  return origins.get(runId);
}
