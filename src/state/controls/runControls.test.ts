import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CONTROL_ACTIONS, CONTROL_STATES, RUN_CONTROLS, controlStateOf, controlsTableMarkdown } from './runControls';

describe('run controls table', () => {
  it('has a cell for every state and button, and every disabled cell keeps the state', () => {
    for (const state of CONTROL_STATES)
      for (const action of CONTROL_ACTIONS) {
        const cell = RUN_CONTROLS[state][action];
        expect(cell.hint.length).toBeGreaterThan(0);
        if (cell.effect === 'none') expect(cell.next).toBe(state);
      }
  });

  it('maps every run status to a state', () => {
    expect(controlStateOf(undefined)).toBe('idle');
    expect(['idle', 'loading', 'ready', 'running', 'paused', 'stopped', 'done', 'failed', 'error'].map((s) => controlStateOf(s as never))).toEqual([
      'idle',
      'loading',
      'ready',
      'running',
      'paused',
      'finished',
      'finished',
      'finished',
      'finished',
    ]);
  });

  it('is the table in docs/run-controls.md', () => {
    const doc = readFileSync(new URL('../../../docs/run-controls.md', import.meta.url), 'utf8');
    const table = /<!-- table:begin -->\n([\s\S]*?)\n<!-- table:end -->/.exec(doc)?.[1];
    expect(table).toBe(controlsTableMarkdown());
  });
});
