/**
 * The one-page HTML report of a run or a comparison: self-contained (inline SVG charts, inline
 * styles, no script, no external resource; a Content-Security-Policy forbids both), every string
 * that came from a user or a file escaped.
 */
import { flattenConfig } from '../../protocol/config';
import type { RunFile } from '../../protocol/runFile';

export interface ReportChart {
  title: string;
  /** A standalone SVG document (serialised by the UI, see ui/export/chartImage.ts). */
  svg: string;
}

export interface ReportInput {
  title: string;
  runs: readonly RunFile[];
  charts: readonly ReportChart[];
  generatedAt: Date;
  appVersion: string;
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Text safe in HTML content and in quoted attributes. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c]);
}

/**
 * An SVG kept only if it is plain drawing: no script, event handler, foreign HTML or outside
 * reference (the UI's serialiser removes them; this is the report's own guard). Null otherwise.
 */
export function safeSvg(svg: string): string | null {
  const s = svg.replace(/^<\?xml[^>]*>\s*/, '');
  if (!/^<svg[\s>]/.test(s)) return null;
  if (/<script|<foreignObject|<iframe|\son[a-z]+\s*=|javascript:|(?:href|src)\s*=\s*["'](?!#|data:image\/)/i.test(s)) return null;
  return s;
}

const pct = (x: number | undefined) => (x === undefined || Number.isNaN(x) ? '–' : `${(x * 100).toFixed(2)}%`);
const cell = (v: string) => `<td>${escapeHtml(v)}</td>`;

function resultsTable(runs: readonly RunFile[]): string {
  const head = ['Run', 'Method', 'Seed', 'Status', 'Stage-1 NCM (test)', 'Best val', 'Test accuracy', 'NCM (test)', 'Backend', 'Adapter', 'Made by'];
  const rows = runs.map((f) => {
    const r = f.result;
    const backend = f.origin.backend?.name ?? r?.backend ?? '–';
    return `<tr>${[
      f.name,
      f.config.method,
      String(f.config.seed),
      f.status,
      pct(r?.stage1?.ncmAccuracy),
      pct(r?.final.valAccuracy),
      pct(r?.final.testAccuracy),
      pct(r?.final.ncmTestAccuracy),
      backend,
      f.origin.backend?.adapter ?? '–',
      `${f.origin.tool} ${f.origin.appVersion}${f.origin.platform ? ` · ${f.origin.platform}` : ''}`,
    ]
      .map(cell)
      .join('')}</tr>`;
  });
  return `<table data-report="results"><thead><tr>${head.map((h) => `<th>${h}</th>`).join('')}</tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

function configTable(runs: readonly RunFile[]): string {
  const flats = runs.map((f) => flattenConfig(f.config));
  const keys = Object.keys(flats[0] ?? {});
  const show = (v: unknown) => (Array.isArray(v) ? v.join(',') : String(v));
  const rows = keys.map((k) => `<tr><th scope="row">${escapeHtml(k)}</th>${flats.map((f) => cell(show(f[k]))).join('')}</tr>`);
  return `<table data-report="config"><thead><tr><th>Setting</th>${runs.map((f) => `<th>${escapeHtml(f.name)}</th>`).join('')}</tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

function healthList(runs: readonly RunFile[]): string {
  const items = runs.flatMap((f) => f.health.map((h) => `<li>${escapeHtml(f.name)}: ${escapeHtml(h.kind)}</li>`));
  return items.length === 0 ? '<p>No health check flagged these runs.</p>' : `<ul>${items.join('')}</ul>`;
}

/** The report as one HTML document. */
export function reportHtml(input: ReportInput): string {
  const charts = input.charts
    .map((c) => ({ title: c.title, svg: safeSvg(c.svg) }))
    .filter((c): c is ReportChart => c.svg !== null)
    .map((c) => `<figure>${c.svg}<figcaption>${escapeHtml(c.title)}</figcaption></figure>`);
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<title>${escapeHtml(input.title)}</title>
<style>body{font:14px/1.45 system-ui,sans-serif;margin:2rem auto;max-width:1100px;color:#222}table{border-collapse:collapse;margin:.5rem 0 1.5rem}td,th{border:1px solid #ccc;padding:2px 8px;text-align:left}figure{display:inline-block;margin:0 1rem 1rem 0;vertical-align:top}figcaption{font-weight:600}svg{max-width:100%;height:auto}</style>
</head><body>
<h1>${escapeHtml(input.title)}</h1>
<p>REFILLED Playground ${escapeHtml(input.appVersion)} · report made ${escapeHtml(input.generatedAt.toISOString())} · ${input.runs.length} run${input.runs.length === 1 ? '' : 's'}</p>
<h2>Results</h2>
${resultsTable(input.runs)}
<h2>Charts</h2>
${charts.length > 0 ? charts.join('\n') : '<p>No charts.</p>'}
<h2>Health</h2>
${healthList(input.runs)}
<h2>Configuration</h2>
${configTable(input.runs)}
</body></html>
`;
}
