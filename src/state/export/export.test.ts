import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../../protocol/config';
import { parseRunFile, serialiseRunFile } from '../../protocol/runFileIo';
import { freshRunFields, useRunStore, type RunRecord } from '../runStore';
import { csvField, metricsCsv, metricsRows } from './csv';
import { importedOrigin, importRun, isImported } from './imports';
import { escapeHtml, reportHtml, safeSvg } from './report';
import { recordOfRunFile, runFileOfRecord } from './runFiles';

const metrics = [
  { stage: 1 as const, step: 2, epoch: 1, learningRate: 0.1, loss: 0.5, stepMs: 10, triplets: { mined: 4, anchorsWithTriplet: 2, meanPT: 0.5, meanPS: 0.25, agreement: 1, meanAbsDiff: 0.25 } },
  { stage: 2 as const, step: 4, epoch: 2, learningRate: 0.05, loss: NaN, stepMs: 12, ce: 1.5, kd: 0.25, lambda: 1 },
];
const evals = [
  { stage: 1 as const, step: 2, epoch: 1, ncmValAccuracy: 0.4 },
  { stage: 2 as const, step: 4, epoch: 2, ncmValAccuracy: 0.6, valAccuracy: 0.55 },
];

function record(overrides: Partial<RunRecord> = {}): RunRecord {
  return { ...freshRunFields(), runId: 3, label: 'refilled, "seed 1"', config: DEFAULT_CONFIG, status: 'stopped', metrics, evals, startedAtMs: Date.UTC(2026, 10, 27, 19), finishedAtMs: Date.UTC(2026, 10, 27, 19, 1), ...overrides };
}

describe('metrics CSV', () => {
  it('one tidy row per run, stage, step and metric, evaluations after the step’s training means', () => {
    const rows = metricsRows([{ name: 'r', metrics, evals }]);
    expect(rows).toEqual([
      ['r', 1, 2, 1, 'loss', 0.5],
      ['r', 1, 2, 1, 'learningRate', 0.1],
      ['r', 1, 2, 1, 'stepMs', 10],
      ['r', 1, 2, 1, 'triplets.mined', 4],
      ['r', 1, 2, 1, 'triplets.anchorsWithTriplet', 2],
      ['r', 1, 2, 1, 'triplets.meanPT', 0.5],
      ['r', 1, 2, 1, 'triplets.meanPS', 0.25],
      ['r', 1, 2, 1, 'triplets.agreement', 1],
      ['r', 1, 2, 1, 'triplets.meanAbsDiff', 0.25],
      ['r', 1, 2, 1, 'ncmValAccuracy', 0.4],
      ['r', 2, 4, 2, 'loss', NaN],
      ['r', 2, 4, 2, 'learningRate', 0.05],
      ['r', 2, 4, 2, 'stepMs', 12],
      ['r', 2, 4, 2, 'ce', 1.5],
      ['r', 2, 4, 2, 'kd', 0.25],
      ['r', 2, 4, 2, 'lambda', 1],
      ['r', 2, 4, 2, 'ncmValAccuracy', 0.6],
      ['r', 2, 4, 2, 'valAccuracy', 0.55],
    ]);
  });

  it('quotes names with commas and quotes, defuses formulas, writes NaN', () => {
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('=HYPERLINK("x")')).toBe(`"'=HYPERLINK(""x"")"`);
    expect(csvField(NaN)).toBe('NaN');
    const text = metricsCsv([{ name: 'refilled, "seed 1"', metrics: metrics.slice(1), evals: [] }]);
    expect(text.split('\r\n').slice(0, 3)).toEqual(['run,stage,step,epoch,metric,value', '"refilled, ""seed 1""",2,4,2,loss,NaN', '"refilled, ""seed 1""",2,4,2,learningRate,0.05']);
    expect(text.endsWith('\r\n')).toBe(true);
  });
});

describe('run files of the app', () => {
  it('a record round-trips through the run file and the strict parser', () => {
    const backend = { name: 'wasm' as const, reason: 'forced', forced: true };
    const file = runFileOfRecord(record(), backend, 'test agent');
    expect(file.origin).toEqual({ tool: 'app', appVersion: expect.any(String), backend, platform: 'test agent' });
    expect(file.finishedAt).toBe('2026-11-27T19:01:00.000Z');
    const parsed = parseRunFile(serialiseRunFile(file));
    if (!parsed.ok) throw new Error(parsed.error.message);
    const back = recordOfRunFile(parsed.file, 100_007);
    expect(back.metrics[0]).toEqual(metrics[0]);
    expect(Number.isNaN(back.metrics[1].loss)).toBe(true);
    expect(back.evals).toEqual(evals);
    expect(back.status).toBe('stopped');
    expect(back.startedAtMs).toBe(record().startedAtMs);
  });

  it('importing shows the run as the active one, under an id of its own', () => {
    const file = runFileOfRecord(record(), null);
    const id = importRun(file);
    expect(isImported(id)).toBe(true);
    expect(useRunStore.getState().activeRunId).toBe(id);
    expect(useRunStore.getState().runs.find((r) => r.runId === id)?.label).toBe('refilled, "seed 1"');
    const cli = { tool: 'cli' as const, appVersion: '0.0.9', platform: 'node v20' };
    const second = importRun({ ...file, origin: cli });
    expect(second).toBe(id + 1);
    expect(importedOrigin(second)).toEqual(cli);
    expect(runFileOfRecord(useRunStore.getState().runs.find((r) => r.runId === second)!, null, 'x', importedOrigin(second)).origin).toEqual(cli);
  });
});

describe('HTML report', () => {
  it('escapes every user string, keeps plain SVG and drops scripted SVG', () => {
    expect(escapeHtml(`<b a="1">'&`)).toBe('&lt;b a=&quot;1&quot;&gt;&#39;&amp;');
    expect(safeSvg('<svg xmlns="http://www.w3.org/2000/svg"><path d="M0 0"/></svg>')).toMatch(/^<svg/);
    expect(safeSvg('<svg><script>alert(1)</script></svg>')).toBeNull();
    expect(safeSvg('<svg><rect onload="x()"/></svg>')).toBeNull();
    expect(safeSvg('<svg><image href="https://evil/x.png"/></svg>')).toBeNull();
    const evil = '<img src=x onerror=alert(1)>';
    const html = reportHtml({
      title: `Report ${evil}`,
      runs: [runFileOfRecord(record({ label: evil }), null)],
      charts: [{ title: evil, svg: '<svg xmlns="http://www.w3.org/2000/svg"><text>ok</text></svg>' }, { title: 'bad', svg: '<svg><script>1</script></svg>' }],
      generatedAt: new Date(0),
      appVersion: '0.1.0',
    });
    expect(html).not.toContain('<img');
    expect(html).not.toMatch(/<script/i);
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(html).toContain("default-src 'none'");
    expect(html.match(/<figure>/g)).toHaveLength(1);
    expect(html).toContain('<th scope="row">stage1.tau1</th><td>4</td>');
    expect(html).toContain('<td>refilled</td><td>1</td><td>stopped</td>');
  });
});
