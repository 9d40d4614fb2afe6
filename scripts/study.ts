/**
 * `npm run study`: the accuracy study. On the shipped data and teachers, for every student
 * width, shots per class and seed: the vanilla student, REFILLED with each preset,
 * stage-1-then-CE, RKD, and the teacher-embedding baselines (1-NN, NCM, logistic regression).
 * Model selection on validation; test reported. Writes docs/results.md (mean ± std tables),
 * docs/results.json (every run's summary) and docs/results-accuracy.svg (accuracy vs shots).
 *
 *   npm run study                                   # the full grid (long: hours on 2 cores)
 *   npm run study -- --seeds 1,2,3 --shots 10,20 --widths 0.5
 *   npm run study -- --jobs 2                        # runs in 2 processes
 * Finished runs are cached in docs/results.json and skipped when the study is run again.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { runCli } from '../src/cli/refilled';
import { applyPreset, DEFAULT_CONFIG, resolveConfig, setField, type ExperimentConfig, type Method, type Preset } from '../src/protocol/config';
import type { ExperimentResult } from '../src/protocol/results';

const ROOT = process.env.REFILLED_ROOT ? path.resolve(process.env.REFILLED_ROOT) : fileURLToPath(new URL('..', import.meta.url));
const RESULTS_JSON = path.join(ROOT, 'docs/results.json');

const args = process.argv.slice(2);
const option = (name: string, fallback: string) => {
  const i = args.indexOf(name);
  return i >= 0 && args[i + 1] ? args[i + 1] : fallback;
};
const list = (name: string, fallback: string) => option(name, fallback).split(',').filter(Boolean);

/** A study arm: a method and, for REFILLED, the preset. */
const ARMS: { id: string; label: string; method: Method; preset?: Preset }[] = [
  { id: 'vanilla', label: 'Vanilla student (CE)', method: 'vanilla' },
  { id: 'refilled-current', label: 'REFILLED (current)', method: 'refilled', preset: 'current' },
  { id: 'refilled-cvpr2020', label: 'REFILLED (CVPR 2020)', method: 'refilled', preset: 'cvpr2020' },
  { id: 'refilled-tpami', label: 'REFILLED (TPAMI)', method: 'refilled', preset: 'tpami' },
  { id: 'stage1-only', label: 'Stage 1, then CE', method: 'stage1-only' },
  { id: 'rkd', label: 'RKD, then CE', method: 'rkd' },
];

export interface RunSummary {
  key: string;
  arm: string;
  width: number;
  shots: number;
  seed: number;
  testAccuracy: number;
  valAccuracy: number;
  ncmTestAccuracy: number;
  stage1NcmAccuracy: number | null;
  teacherBaselines: ExperimentResult['teacherBaselines'] | null;
  teacherNcmValAccuracy: number;
  msPerStep: number;
  totalMs: number;
  backend: string;
  /** The commit whose code produced the run (absent in runs cached before it was recorded). */
  commit?: string;
}

/** The checked-out commit, with "+" when the working tree has changes. */
function codeVersion(): string {
  const head = spawnSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT, encoding: 'utf8' }).stdout.trim();
  const dirty = spawnSync('git', ['status', '--porcelain', '--', 'src'], { cwd: ROOT, encoding: 'utf8' }).stdout.trim() !== '';
  return head ? `${head}${dirty ? '+' : ''}` : 'unknown';
}

function configFor(arm: (typeof ARMS)[number], width: number, shots: number, seed: number): ExperimentConfig {
  let config = resolveConfig({});
  if (arm.preset) config = applyPreset(config, arm.preset);
  config = setField(config, 'method', arm.method);
  config = setField(config, 'studentWidth', width);
  config = setField(config, 'shotsPerClass', shots);
  config = setField(config, 'seed', seed);
  config = setField(config, 'runtime.reportIntervalSteps', 20);
  return config;
}

const keyOf = (arm: string, width: number, shots: number, seed: number) => `${arm}|w${width}|k${shots}|s${seed}`;

function loadCache(): Map<string, RunSummary> {
  if (!existsSync(RESULTS_JSON)) return new Map();
  const data = JSON.parse(readFileSync(RESULTS_JSON, 'utf8')) as { runs: RunSummary[] };
  return new Map(data.runs.map((r) => [r.key, r]));
}

async function runOne(arm: (typeof ARMS)[number], width: number, shots: number, seed: number, backend: 'cpu' | 'wasm'): Promise<RunSummary> {
  const config = configFor(arm, width, shots, seed);
  const result = await runCli({ config, backend, json: false, teacherBaselines: arm.id === 'vanilla' }, () => undefined);
  return {
    key: keyOf(arm.id, width, shots, seed),
    arm: arm.id,
    width,
    shots,
    seed,
    testAccuracy: result.final.testAccuracy,
    valAccuracy: result.final.valAccuracy,
    ncmTestAccuracy: result.final.ncmTestAccuracy,
    stage1NcmAccuracy: result.stage1?.ncmAccuracy ?? null,
    teacherBaselines: result.teacherBaselines ?? null,
    teacherNcmValAccuracy: result.teacherNcmValAccuracy,
    msPerStep: result.timing.msPerStep,
    totalMs: result.timing.totalMs,
    backend,
    commit: codeVersion(),
  };
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const std = (xs: number[]) => (xs.length < 2 ? 0 : Math.sqrt(xs.reduce((a, x) => a + (x - mean(xs)) ** 2, 0) / (xs.length - 1)));
const cell = (xs: number[]) => (xs.length === 0 ? '–' : `${(mean(xs) * 100).toFixed(1)} ± ${(std(xs) * 100).toFixed(1)}`);

/** The rows of one table: every arm plus the teacher-embedding baselines, columns = shots. */
function tableRows(runs: RunSummary[], width: number, shots: number[]): { label: string; values: number[][] }[] {
  const at = (arm: string, k: number) => runs.filter((r) => r.arm === arm && r.width === width && r.shots === k);
  const rows = ARMS.map((arm) => ({ label: arm.label, values: shots.map((k) => at(arm.id, k).map((r) => r.testAccuracy)) }));
  const teacher = (pick: (t: NonNullable<RunSummary['teacherBaselines']>) => number) => shots.map((k) => at('vanilla', k).flatMap((r) => (r.teacherBaselines ? [pick(r.teacherBaselines)] : [])));
  rows.push({ label: 'Teacher embedding + NCM', values: teacher((t) => t.ncmTestAccuracy) });
  rows.push({ label: 'Teacher embedding + 1-NN', values: teacher((t) => t.oneNnTestAccuracy) });
  rows.push({ label: 'Teacher embedding + logistic regression', values: teacher((t) => t.logisticRegressionTestAccuracy) });
  return rows;
}

/** REFILLED (TPAMI) − vanilla test accuracy per seed, at each shot count: mean ± std and wins. */
function pairedTable(runs: RunSummary[], width: number, shots: number[]): string {
  const cells = shots.map((k) => {
    const at = (arm: string) => new Map(runs.filter((r) => r.arm === arm && r.width === width && r.shots === k).map((r) => [r.seed, r.testAccuracy]));
    const vanilla = at('vanilla');
    const refilled = at('refilled-tpami');
    const diffs = [...refilled.entries()].flatMap(([seed, acc]) => (vanilla.has(seed) ? [acc - (vanilla.get(seed) ?? 0)] : []));
    return diffs.length === 0 ? '–' : `${cell(diffs)} (${diffs.filter((d) => d > 0).length}/${diffs.length} wins)`;
  });
  return `| | ${shots.map((k) => `${k} shots`).join(' | ')} |\n|---|${shots.map(() => '---').join('|')}|\n| REFILLED (TPAMI) − vanilla | ${cells.join(' | ')} |`;
}

function markdownTable(rows: { label: string; values: number[][] }[], shots: number[]): string {
  const head = `| method | ${shots.map((k) => `${k} shots`).join(' | ')} |\n|---|${shots.map(() => '---').join('|')}|`;
  const ran = rows.filter((r) => r.values.some((v) => v.length > 0));
  return `${head}\n${ran.map((r) => `| ${r.label} | ${r.values.map(cell).join(' | ')} |`).join('\n')}`;
}

/** A line chart of mean test accuracy vs shots, one line per method (Okabe–Ito colours). */
function svgPlot(runs: RunSummary[], width: number, shots: number[]): string {
  const rows = tableRows(runs, width, shots).filter((r) => r.values.some((v) => v.length > 0));
  const colours = ['#000000', '#D55E00', '#E69F00', '#CC79A7', '#0072B2', '#009E73', '#56B4E9', '#999999', '#F0E442'];
  const W = 940;
  const H = 460;
  const m = { l: 70, r: 400, t: 40, b: 60 };
  // Arms that stay below 50 % (a collapsed run) would squash the chart: they are named in the
  // legend and left to the table.
  const offChart = (r: (typeof rows)[number]) => r.values.every((v) => v.length === 0 || mean(v) < 0.5);
  const all = rows.filter((r) => !offChart(r)).flatMap((r) => r.values.filter((v) => v.length > 0).map(mean));
  const lo = Math.max(0, Math.floor((Math.min(...all) - 0.02) * 20) / 20);
  const hi = Math.min(1, Math.ceil((Math.max(...all) + 0.02) * 20) / 20);
  const x = (i: number) => m.l + (shots.length === 1 ? 0 : (i / (shots.length - 1)) * (W - m.l - m.r));
  const y = (v: number) => H - m.b - ((v - lo) / (hi - lo)) * (H - m.t - m.b);
  const parts: string[] = [`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" font-family="sans-serif" font-size="14">`, `<rect width="${W}" height="${H}" fill="white"/>`];
  parts.push(`<text x="${m.l}" y="24" font-size="16" font-weight="bold">Test accuracy vs shots per class (student width ${width})</text>`);
  for (let v = lo; v <= hi + 1e-9; v += 0.05) {
    parts.push(`<line x1="${m.l}" x2="${W - m.r}" y1="${y(v)}" y2="${y(v)}" stroke="#ddd"/><text x="${m.l - 8}" y="${y(v) + 5}" text-anchor="end">${(v * 100).toFixed(0)}%</text>`);
  }
  shots.forEach((k, i) => parts.push(`<text x="${x(i)}" y="${H - m.b + 22}" text-anchor="middle">${k}</text>`));
  parts.push(`<text x="${(m.l + W - m.r) / 2}" y="${H - 12}" text-anchor="middle">shots per class</text>`);
  rows.forEach((r, ri) => {
    const colour = colours[ri % colours.length];
    const dashed = r.label.startsWith('Teacher') ? ' stroke-dasharray="6 4"' : '';
    const ly = m.t + 10 + ri * 24;
    const hidden = offChart(r);
    if (!hidden) {
      const pts = r.values.map((v, i) => (v.length > 0 ? [x(i), y(mean(v))] : null)).filter((p): p is number[] => p !== null);
      parts.push(`<polyline fill="none" stroke="${colour}" stroke-width="2.5"${dashed} points="${pts.map((p) => p.join(',')).join(' ')}"/>`);
      for (const p of pts) parts.push(`<circle cx="${p[0]}" cy="${p[1]}" r="4" fill="${colour}"/>`);
    }
    parts.push(`<line x1="${W - m.r + 16}" x2="${W - m.r + 44}" y1="${ly}" y2="${ly}" stroke="${colour}" stroke-width="3"${dashed}/><text x="${W - m.r + 50}" y="${ly + 5}">${r.label}${hidden ? ' (below 50 %, see table)' : ''}</text>`);
  });
  parts.push('</svg>');
  return parts.join('\n');
}

/** Writes the report over every cached run, whichever command produced it. */
async function writeReport(runs: RunSummary[]): Promise<void> {
  const uniq = (f: (r: RunSummary) => number) => [...new Set(runs.map(f))].sort((a, b) => a - b);
  const widths = uniq((r) => r.width).reverse();
  const seeds = uniq((r) => r.seed);
  await writeFile(RESULTS_JSON, `${JSON.stringify({ generatedBy: 'npm run study', teacher: DEFAULT_CONFIG.teacher, studentClasses: DEFAULT_CONFIG.studentClasses, runs: [...runs].sort((a, b) => a.key.localeCompare(b.key)) }, null, 1)}\n`);
  const sections: string[] = [];
  for (const width of widths) {
    const shots = uniq((r) => r.shots).filter((k) => runs.some((r) => r.width === width && r.shots === k));
    const armsRun = ARMS.filter((a) => runs.some((r) => r.width === width && r.arm === a.id)).map((a) => a.id).join(',');
    const svg = `results-accuracy-w${String(width).replace('.', '')}.svg`;
    await writeFile(path.join(ROOT, 'docs', svg), svgPlot(runs, width, shots));
    const ncm = (arm: string, k: number, field: 'ncmTestAccuracy' | 'stage1NcmAccuracy') => runs.filter((r) => r.arm === arm && r.width === width && r.shots === k).flatMap((r) => (r[field] === null ? [] : [r[field] as number]));
    sections.push(`## Student width ${width}

Test accuracy (%), mean ± std over seeds ${uniq((r) => r.seed).filter((s) => runs.some((r) => r.width === width && r.seed === s)).join(', ')}; checkpoints chosen on validation.
Reproduce: \`npm run study -- --widths ${width} --shots ${shots.join(',')} --seeds ${seeds.join(',')} --arms ${armsRun}\`.

${markdownTable(tableRows(runs, width, shots), shots)}

Each seed draws its own split, and every method trains on the same split for a seed, so
the seeds' spread above is mostly split-to-split variation that all methods share. The gain
of the app's default over the vanilla student, paired by seed (mean ± std of the per-seed
differences, in points; wins = seeds where REFILLED is ahead):

${pairedTable(runs, width, shots)}

![accuracy vs shots, width ${width}](${svg})

### Does stage 1 improve the embedding? (NCM test accuracy, %)

| embedding | ${shots.map((k) => `${k} shots`).join(' | ')} |
|---|${shots.map(() => '---').join('|')}|
| student trained with CE only (vanilla) | ${shots.map((k) => cell(ncm('vanilla', k, 'ncmTestAccuracy'))).join(' | ')} |
| student after REFILLED stage 1 (TPAMI and current presets: the same stage 1) | ${shots.map((k) => cell(ncm('refilled-tpami', k, 'stage1NcmAccuracy'))).join(' | ')} |
| student after REFILLED stage 1 (CVPR 2020) | ${shots.map((k) => cell(ncm('refilled-cvpr2020', k, 'stage1NcmAccuracy'))).join(' | ')} |
| student after RKD | ${shots.map((k) => cell(ncm('rkd', k, 'stage1NcmAccuracy'))).join(' | ')} |
`);
  }
  const header = `# Results: does a cross-task teacher help?

Generated by \`npm run study\` from every run cached in [results.json](results.json) (wasm backend;
each width's section names the command that reproduces it). Teacher \`${DEFAULT_CONFIG.teacher}\` (Fashion-MNIST classes
0–4, never saw the student's classes); student classes ${DEFAULT_CONFIG.studentClasses.join(', ')}
(Sandal, Shirt, Sneaker, Bag, Ankle boot); test split: 500 images per class; validation: 25 % of each class's pool.
Every other hyperparameter is the app's default for the preset named. Each run in results.json
records the commit that produced it (\`commit\`; runs from before it was recorded have none).
Faster kernels that compute the same functions in a different floating-point order move a
single run by about a point: rerun an arm (delete its runs from results.json) to compare like
with like.
`;
  await writeFile(path.join(ROOT, 'docs/results.md'), `${header}\n${sections.join('\n')}`);
}

async function main(): Promise<void> {
  const seeds = list('--seeds', '1,2,3').map(Number);
  const shots = list('--shots', '5,10,20,50').map(Number);
  const widths = list('--widths', '1,0.5').map(Number);
  const armIds = list('--arms', ARMS.map((a) => a.id).join(','));
  const backend = option('--backend', 'wasm') as 'cpu' | 'wasm';
  const jobs = Number(option('--jobs', '1'));
  const shard = option('--shard', '');
  const arms = ARMS.filter((a) => armIds.includes(a.id));
  const cache = loadCache();

  const todo: [(typeof ARMS)[number], number, number, number][] = [];
  for (const width of widths) for (const k of shots) for (const seed of seeds) for (const arm of arms) if (!cache.has(keyOf(arm.id, width, k, seed))) todo.push([arm, width, k, seed]);

  if (shard) {
    // A child process: run my share, print each summary as a JSON line.
    const [i, n] = shard.split('/').map(Number);
    for (const [idx, [arm, width, k, seed]] of todo.entries()) {
      if (idx % n !== i) continue;
      const summary = await runOne(arm, width, k, seed, backend);
      process.stdout.write(`${JSON.stringify(summary)}\n`);
    }
    return;
  }

  console.error(`${todo.length} runs to do (${cache.size} cached), ${jobs} process(es), ${backend}`);
  const started = performance.now();
  let done = 0;
  const record = async (s: RunSummary) => {
    cache.set(s.key, s);
    done += 1;
    const elapsed = (performance.now() - started) / 1000;
    console.error(`[${done}/${todo.length}] ${s.key}: test ${(s.testAccuracy * 100).toFixed(1)}% (val ${(s.valAccuracy * 100).toFixed(1)}%) · ${(s.totalMs / 1000).toFixed(0)} s · eta ${((elapsed / done) * (todo.length - done) / 60).toFixed(0)} min`);
    await writeReport([...cache.values()]);
  };
  if (jobs <= 1) {
    for (const [arm, width, k, seed] of todo) await record(await runOne(arm, width, k, seed, backend));
  } else {
    const passThrough = args.filter((_, i) => !['--jobs'].includes(args[i]) && !(i > 0 && args[i - 1] === '--jobs'));
    await Promise.all(
      Array.from({ length: jobs }, (_, i) =>
        new Promise<void>((resolve, reject) => {
          const child = spawn(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url), ...passThrough, '--shard', `${i}/${jobs}`], { stdio: ['ignore', 'pipe', 'inherit'] });
          let buffer = '';
          let chain = Promise.resolve();
          child.stdout.on('data', (chunk: Buffer) => {
            buffer += chunk.toString();
            let nl: number;
            while ((nl = buffer.indexOf('\n')) >= 0) {
              const line = buffer.slice(0, nl).trim();
              buffer = buffer.slice(nl + 1);
              if (line.startsWith('{')) chain = chain.then(() => record(JSON.parse(line) as RunSummary));
            }
          });
          child.on('exit', (code) => void chain.then(() => (code === 0 ? resolve() : reject(new Error(`study shard ${i} exited with ${code}`)))));
        }),
      ),
    );
  }
  await writeReport([...cache.values()]);
  console.error(`wrote docs/results.md, docs/results.json (${cache.size} runs)`);
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
