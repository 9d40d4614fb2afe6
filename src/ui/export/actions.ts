/**
 * What the Export menus do: gather a run (or every run) from the store, turn it into a file
 * with the pure helpers of state/export, and download it. Failures come back as sentences.
 */
import { bridge } from '../../bridge/bridge';
import { serialiseBundle, serialiseRunFile, studentModelJson, type StudentModel } from '../../protocol/runFileIo';
import { metricsCsv } from '../../state/export/csv';
import { importedOrigin, importedStudent, isImported } from '../../state/export/imports';
import { reportHtml } from '../../state/export/report';
import { appVersion, runFileOfRecord } from '../../state/export/runFiles';
import { useRunStore, type RunRecord } from '../../state/runStore';
import { allChartSvgs, chartSvg, svgToPng } from './chartImage';
import { downloadBlob, downloadText, slug } from './download';

export type ExportKind = 'csv' | 'json' | 'student' | 'bundle' | 'report' | 'csv-all' | 'report-all';

const platform = () => (typeof navigator === 'undefined' ? undefined : navigator.userAgent);
const baseName = (r: RunRecord) => `refilled-run-${r.runId}-${slug(r.label)}-seed${r.config.seed}`;
const fileOf = (r: RunRecord) => runFileOfRecord(r, useRunStore.getState().backend, platform(), importedOrigin(r.runId));

async function studentOf(r: RunRecord): Promise<StudentModel | string> {
  if (!r.result) return 'The trained student is there once the run has finished.';
  if (isImported(r.runId)) return importedStudent(r.runId) ?? 'This imported run file has no student: import a .refilled.json bundle to export one.';
  const answer = await bridge.requestStudent(r.runId);
  return answer.ok ? answer.student : answer.message;
}

/** Runs export; resolves to null, or the reason it could not. */
export async function exportRun(kind: ExportKind, runId: number): Promise<string | null> {
  const { runs } = useRunStore.getState();
  const r = runs.find((x) => x.runId === runId);
  if (!r) return 'That run is no longer in the session.';
  const name = baseName(r);
  switch (kind) {
    case 'csv':
      downloadText(`${name}-metrics.csv`, metricsCsv([{ name: r.label, metrics: r.metrics, evals: r.evals }]), 'text/csv');
      return null;
    case 'csv-all':
      downloadText('refilled-runs-metrics.csv', metricsCsv(runs.map((x) => ({ name: `#${x.runId} ${x.label}`, metrics: x.metrics, evals: x.evals }))), 'text/csv');
      return null;
    case 'json':
      downloadText(`${name}.json`, serialiseRunFile(fileOf(r)), 'application/json');
      return null;
    case 'student': {
      const student = await studentOf(r);
      if (typeof student === 'string') return student;
      downloadText('model.json', studentModelJson(student), 'application/json');
      downloadBlob('weights.bin', new Blob([student.weightData], { type: 'application/octet-stream' }));
      return null;
    }
    case 'bundle': {
      const student = await studentOf(r);
      if (typeof student === 'string') return student;
      downloadText(`${name}.refilled.json`, serialiseBundle(fileOf(r), student), 'application/json');
      return null;
    }
    case 'report':
    case 'report-all': {
      const chosen = kind === 'report' ? [r] : runs.filter((x) => x.visible);
      const html = reportHtml({
        title: kind === 'report' ? `REFILLED run #${r.runId}: ${r.label}` : `REFILLED comparison of ${chosen.length} runs`,
        runs: chosen.map(fileOf),
        charts: allChartSvgs(document.getElementById('main') ?? document).map(({ title, svg }) => ({ title, svg })),
        generatedAt: new Date(),
        appVersion,
      });
      downloadText(kind === 'report' ? `${name}-report.html` : 'refilled-comparison-report.html', html, 'text/html');
      return null;
    }
    default: {
      const unreachable: never = kind;
      return `Unknown export ${String(unreachable)}`;
    }
  }
}

/** Downloads one chart card as SVG or PNG; resolves to null, or the reason it could not. */
export async function exportChart(figure: HTMLElement, format: 'svg' | 'png', fileStem: string): Promise<string | null> {
  const picture = chartSvg(figure);
  if (!picture) return 'This chart has nothing drawn yet.';
  if (format === 'svg') {
    downloadText(`${fileStem}.svg`, picture.svg, 'image/svg+xml');
    return null;
  }
  try {
    downloadBlob(`${fileStem}.png`, await svgToPng(picture));
    return null;
  } catch (e) {
    return (e as Error).message;
  }
}
