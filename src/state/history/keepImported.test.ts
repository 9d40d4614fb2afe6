import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../../protocol/config';
import { RUN_FILE_SCHEMA, RUN_FILE_VERSION, type RunFile } from '../../protocol/runFile';
import { resetPlaygroundDbConnection } from '../../storage/db';
import { getRun, listRuns } from '../../storage/runs';
import { importRun } from '../export/imports';
import { useRunStore } from '../runStore';
import { keepImportedRun, useHistoryStore } from './index';

const cliFile: RunFile = {
  schema: RUN_FILE_SCHEMA,
  version: RUN_FILE_VERSION,
  name: 'refilled, 5 shots (CLI)',
  createdAt: '2026-11-27T10:00:00.000Z',
  origin: { tool: 'cli', appVersion: '0.1.0', platform: 'node v20' },
  config: DEFAULT_CONFIG,
  status: 'stopped',
  health: [],
  series: { metrics: [{ stage: 1, step: 5, epoch: 0, learningRate: 0.1, loss: 0.7, stepMs: 60 }], evals: [] },
};

beforeEach(() => {
  globalThis.indexedDB = new IDBFactory();
  resetPlaygroundDbConnection();
});

describe('an imported run file joins the history', () => {
  it('is stored with its own origin, listed, and marked saved so the persister leaves it alone', async () => {
    const runId = importRun(cliFile);
    await keepImportedRun(cliFile, runId, new Date('2026-11-27T12:00:00Z'));
    const record = useRunStore.getState().runs.find((r) => r.runId === runId);
    expect(record?.saved?.name).toBe(cliFile.name);
    const id = record!.saved!.id;
    const list = await listRuns();
    expect(list.ok && list.value.map((s) => s.id)).toEqual([id]);
    const stored = await getRun(id);
    expect(stored.ok && stored.value?.origin.tool).toBe('cli');
    expect(stored.ok && stored.value?.series.metrics).toEqual(cliFile.series.metrics);
    expect(useHistoryStore.getState().summaries.map((s) => s.id)).toContain(id);
  });
});
