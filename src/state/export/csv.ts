/**
 * The metrics CSV: one tidy row per run, stage, reported step and metric — the training
 * means of each reporting interval and the validation evaluations alike:
 *   run,stage,step,epoch,metric,value
 */
import type { EvalPoint, MetricsPoint } from '../../protocol/results';

export const CSV_HEADER = ['run', 'stage', 'step', 'epoch', 'metric', 'value'] as const;

/** A run's name and what it reported. */
export interface CsvRun {
  name: string;
  metrics: readonly MetricsPoint[];
  evals: readonly EvalPoint[];
}

/** The metrics of a training point, by name, in a fixed order (absent ones skipped). */
function metricValues(p: MetricsPoint): [string, number][] {
  const out: [string, number | undefined][] = [
    ['loss', p.loss],
    ['learningRate', p.learningRate],
    ['stepMs', p.stepMs],
    ['ce', p.ce],
    ['kd', p.kd],
    ['lambda', p.lambda],
    ['trainAccuracy', p.trainAccuracy],
    ['triplets.mined', p.triplets?.mined],
    ['triplets.anchorsWithTriplet', p.triplets?.anchorsWithTriplet],
    ['triplets.meanPT', p.triplets?.meanPT],
    ['triplets.meanPS', p.triplets?.meanPS],
    ['triplets.agreement', p.triplets?.agreement],
    ['triplets.meanAbsDiff', p.triplets?.meanAbsDiff],
    ['rkd.distance', p.rkd?.distance],
    ['rkd.angle', p.rkd?.angle],
  ];
  return out.filter((e): e is [string, number] => e[1] !== undefined);
}

/** A CSV field: quoted when it holds a comma, quote or line break; a leading =,+,-,@ is defused for spreadsheets. */
export function csvField(value: string | number): string {
  if (typeof value === 'number') return Number.isNaN(value) ? 'NaN' : String(value);
  const safe = /^[=+\-@]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/** The rows (without the header): per run, training points and evaluations merged by step (training first). */
export function metricsRows(runs: readonly CsvRun[]): (string | number)[][] {
  const rows: (string | number)[][] = [];
  for (const run of runs) {
    const points: { step: number; order: number; rows: (string | number)[][] }[] = [];
    for (const p of run.metrics) points.push({ step: p.step, order: 0, rows: metricValues(p).map(([metric, value]) => [run.name, p.stage, p.step, p.epoch, metric, value]) });
    for (const e of run.evals) {
      const r: (string | number)[][] = [[run.name, e.stage, e.step, e.epoch, 'ncmValAccuracy', e.ncmValAccuracy]];
      if (e.valAccuracy !== undefined) r.push([run.name, e.stage, e.step, e.epoch, 'valAccuracy', e.valAccuracy]);
      points.push({ step: e.step, order: 1, rows: r });
    }
    points.sort((a, b) => a.step - b.step || a.order - b.order);
    for (const p of points) rows.push(...p.rows);
  }
  return rows;
}

/** The whole CSV text, header first, CRLF line ends (RFC 4180). */
export function metricsCsv(runs: readonly CsvRun[]): string {
  return [CSV_HEADER.join(','), ...metricsRows(runs).map((row) => row.map(csvField).join(','))].join('\r\n') + '\r\n';
}
