/**
 * docs/results.md and its figures, from every cached run (and docs/diagnosis.json when
 * `npm run diagnose` has written it). Tables: the preset diagnosis, the split suite's paired
 * gains with 95 % intervals, the choice of defaults on validation, where REFILLED does not
 * help and why, and the width study on the default split.
 */
import { existsSync, readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { ExperimentResult, TeacherLocalClassifier } from '../../src/protocol/results';
import { mean, meanInterval, pairedGain, std, type PairedGain } from '../../src/protocol/stats';
import { ARMS, LEGACY_SPLIT, SUITE } from './grid';
import { readTeacherCards, teacherSection } from './teachers-report';

export interface RunSummary {
  key: string;
  split: string;
  arm: string;
  width: number;
  shots: number;
  seed: number;
  testAccuracy: number;
  valAccuracy: number;
  ncmTestAccuracy: number;
  stage1NcmAccuracy: number | null;
  /** NMI of the student's test embedding after stage 1 and at the end (absent in runs from before it was recorded). */
  stage1Nmi?: number | null;
  finalNmi?: number | null;
  teacherBaselines: ExperimentResult['teacherBaselines'] | null;
  teacherNcmValAccuracy: number;
  teacherLocal?: TeacherLocalClassifier | null;
  msPerStep: number;
  totalMs: number;
  backend: string;
  /** The commit whose code produced the run (absent in runs cached before it was recorded). */
  commit?: string;
}

/** The arm whose settings are the app's default (REFILLED, TPAMI preset, as published): chosen on validation below. */
export const DEFAULT_ARM = 'refilled-tpami';
/** Arms compared with the vanilla student in the suite tables, in this order. */
const SUITE_ARMS = ['refilled-tpami', 'refilled-tpami-uniform', 'stage1-only', 'refilled-tpami-cal', 'refilled-current-cal', 'refilled-cvpr2020-cal'];
/** What each stage adds: pairs (arm − base) that isolate one ingredient. */
const INGREDIENTS: { arm: string; base: string; what: string }[] = [
  { arm: 'stage1-only', base: 'vanilla', what: 'stage 1 (the teacher\'s relations), then plain CE' },
  { arm: 'refilled-tpami-uniform', base: 'stage1-only', what: 'stage 2 with uniform targets (label smoothing) instead of CE alone' },
  { arm: 'refilled-tpami', base: 'refilled-tpami-uniform', what: 'the teacher\'s local classifier instead of uniform targets' },
  { arm: 'refilled-tpami-cal', base: 'refilled-tpami', what: 'the calibrated teacher (τ*) instead of τ₂ = 1' },
  { arm: 'vanilla-aug', base: 'vanilla', what: 'random shifts of ±2 pixels, vanilla student' },
  { arm: 'refilled-tpami-aug', base: 'refilled-tpami', what: 'random shifts of ±2 pixels, REFILLED' },
  { arm: 'refilled-tpami-aug', base: 'vanilla-aug', what: 'REFILLED over vanilla, both with shifts' },
];

const pct = (x: number) => (Number.isFinite(x) ? (x * 100).toFixed(1) : '–');
const signed = (x: number) => (Number.isFinite(x) ? `${x >= 0 ? '+' : '−'}${Math.abs(x * 100).toFixed(1)}` : '–');
const cell = (xs: number[]) => (xs.length === 0 ? '–' : `${pct(mean(xs))} ± ${pct(std(xs))}`);
const armLabel = (id: string) => ARMS.find((a) => a.id === id)?.label ?? id;
const uniq = (xs: number[]) => [...new Set(xs)].sort((a, b) => a - b);

type Pick = { split?: string; arm?: string; width?: number; shots?: number };
const select = (runs: RunSummary[], p: Pick) => runs.filter((r) => (p.split === undefined || r.split === p.split) && (p.arm === undefined || r.arm === p.arm) && (p.width === undefined || r.width === p.width) && (p.shots === undefined || r.shots === p.shots));
const bySeed = (runs: RunSummary[], field: 'testAccuracy' | 'valAccuracy') => new Map(runs.map((r) => [r.seed, r[field]]));

/** Paired gain of `arm` over `base` (the vanilla student) in one (split, width, shots) cell. */
function gainIn(runs: RunSummary[], p: Required<Omit<Pick, 'arm'>>, arm: string, field: 'testAccuracy' | 'valAccuracy' = 'testAccuracy', base = 'vanilla'): PairedGain {
  return pairedGain(bySeed(select(runs, { ...p, arm }), field), bySeed(select(runs, { ...p, arm: base }), field));
}

const gainCell = (g: PairedGain) => (g.n === 0 ? '–' : `${signed(g.mean)} [${signed(g.low)}, ${signed(g.high)}] ${g.wins}/${g.n}${g.verdict === 'above' ? ' ✔' : g.verdict === 'below' ? ' ✘' : ''}`);

function table(head: string[], rows: string[][]): string {
  return [`| ${head.join(' | ')} |`, `|${head.map(() => '---').join('|')}|`, ...rows.map((r) => `| ${r.join(' | ')} |`)].join('\n');
}

// ---------------------------------------------------------------------------------------------
// The preset diagnosis.

/** One row of docs/diagnosis.json (`npm run diagnose`): a teacher, a preset, a teacher temperature, means over seeds. */
export interface DiagnosisRow {
  teacher: string;
  studentClasses: number[];
  preset: string;
  teacherTau: 'tau2' | 'auto';
  seeds: number;
  meanEmbeddingNorm: number;
  calibratedTau: number;
  teacherTauValue: number;
  studentTauValue: number;
  meanMaxProb: number;
  meanEntropy: number;
  argmaxAccuracy: number;
  lambda: number;
  ceGradNorm: number;
  kdGradNorm: number;
}

function diagnosisSection(root: string): string {
  const file = path.join(root, 'docs/diagnosis.json');
  if (!existsSync(file)) return '';
  const d = JSON.parse(readFileSync(file, 'utf8')) as { shots: number; seeds: number[]; rows: DiagnosisRow[] };
  const teachers = [...new Set(d.rows.map((r) => r.teacher))];
  const first = (t: string) => d.rows.find((r) => r.teacher === t && r.teacherTau === 'tau2') as DiagnosisRow;
  const teacherRows = teachers.map((t) => {
    const r = first(t);
    const at = (tau: string, p: string) => d.rows.find((x) => x.teacher === t && x.preset === p && x.teacherTau === tau);
    const q = (x: DiagnosisRow | undefined) => (x ? `${x.meanMaxProb.toFixed(2)} / ${x.meanEntropy.toFixed(2)}` : '–');
    return [`\`${t}\` → ${r.studentClasses.join(',')}`, r.meanEmbeddingNorm.toFixed(2), pct(r.argmaxAccuracy), q(at('tau2', 'tpami')), q(at('tau2', 'current')), r.calibratedTau.toFixed(3), q(at('auto', 'tpami'))];
  });
  const gradRows = d.rows.map((r) => [`\`${r.teacher}\``, r.preset, r.teacherTau === 'auto' ? `τ* = ${r.teacherTauValue.toFixed(3)}` : `τ₂ = ${r.teacherTauValue}`, String(r.studentTauValue === 1 ? '1' : r.studentTauValue.toFixed(2)), String(r.lambda), r.ceGradNorm.toFixed(3), r.kdGradNorm.toFixed(3), (r.kdGradNorm / r.ceGradNorm).toFixed(1)]);
  return `## Why two presets collapsed: the teacher's local classifier

Generated by \`npm run diagnose\` (${d.shots} shots, seeds ${d.seeds.join(', ')}, means over seeds; student width 0.5).
For each shipped teacher on its cross-task split: the mean norm of its embedding of the
training images, the argmax accuracy of its local classifier (scores against the training
set's class centres), and the distribution q = softmax(s/τ) that stage 2 distils — mean
max-probability / mean entropy in nats (a uniform q over 5 classes has 0.20 / 1.61) — at the
published τ₂ (TPAMI: 1, current: 2) and at τ*, the temperature that calibrates the teacher
(minimum negative log-likelihood of the true labels on the training images).

${table(['teacher → student classes', '‖f_T‖', 'argmax acc.', 'q at τ₂ = 1', 'q at τ₂ = 2', 'τ*', 'q at τ*'], teacherRows)}

At the start of stage 2 (after the preset's stage 1), the norms of the gradients of the
cross-entropy and of λ·KL with respect to the student's logits on the training images:

${table(['teacher', 'preset', "teacher's temperature", "student's temperature", 'λ', '‖∇ CE‖', '‖∇ λ·KL‖', 'ratio'], gradRows)}
`;
}

// ---------------------------------------------------------------------------------------------
// The split suite.

function suiteSection(runs: RunSummary[], root: string, files: Map<string, string>): string {
  const suiteRuns = runs.filter((r) => r.width === 0.5 && SUITE.some((s) => s.id === r.split));
  const splits = SUITE.filter((s) => suiteRuns.some((r) => r.split === s.id && r.arm === 'vanilla'));
  if (splits.length < 2) return '';
  const shots = uniq(suiteRuns.filter((r) => r.shots <= 20).map((r) => r.shots));
  const arms = SUITE_ARMS.filter((a) => suiteRuns.some((r) => r.arm === a));
  const seeds = uniq(suiteRuns.map((r) => r.seed));

  const armTables = arms.map((arm) => {
    const rows = splits.map((s) => [s.id, ...shots.map((k) => gainCell(gainIn(suiteRuns, { split: s.id, width: 0.5, shots: k }, arm)))]);
    const cells = splits.flatMap((s) => shots.map((k) => ({ k, g: gainIn(suiteRuns, { split: s.id, width: 0.5, shots: k }, arm) }))).filter((c) => c.g.n >= 2);
    const low = cells.filter((c) => c.k <= 10);
    const above = low.filter((c) => c.g.verdict === 'above').length;
    const below = cells.filter((c) => c.g.verdict === 'below').length;
    const summary = cells.length === 0 ? '' : `Cells with ≤ 10 shots whose interval lies above zero: **${above} of ${low.length}**; cells significantly below zero (any shots): **${below}**.`;
    return `### ${armLabel(arm)} − vanilla student\n\n${table(['split', ...shots.map((k) => `${k} shots`)], rows)}\n\n${summary}\n`;
  });

  // What each ingredient adds, pooled over every cell where both arms ran: mean of the cells' paired gains.
  const ingredientRows = INGREDIENTS.filter((i) => suiteRuns.some((r) => r.arm === i.arm) && suiteRuns.some((r) => r.arm === i.base)).map((i) => {
    const per = (k: number) => {
      const gains = splits.map((s) => gainIn(suiteRuns, { split: s.id, width: 0.5, shots: k }, i.arm, 'testAccuracy', i.base)).filter((g) => g.n > 0);
      const m = meanInterval(gains.map((g) => g.mean));
      const above = gains.filter((g) => g.verdict === 'above').length;
      const below = gains.filter((g) => g.verdict === 'below').length;
      return gains.length === 0 ? '–' : `${signed(m.mean)} [${signed(m.low)}, ${signed(m.high)}] (${above}↑ ${below}↓ of ${gains.length})`;
    };
    return [`${armLabel(i.arm)} − ${armLabel(i.base)}`, i.what, ...shots.map(per)];
  });

  // Defaults are chosen on validation: the mean paired validation gain over every suite cell.
  const choiceRows = arms.map((arm) => {
    const val: number[] = [];
    const test: number[] = [];
    for (const s of splits)
      for (const k of shots) {
        const p = { split: s.id, width: 0.5, shots: k };
        const gv = gainIn(suiteRuns, p, arm, 'valAccuracy');
        const gt = gainIn(suiteRuns, p, arm, 'testAccuracy');
        if (gv.n > 0) val.push(gv.mean);
        if (gt.n > 0) test.push(gt.mean);
      }
    const v = meanInterval(val);
    return [armLabel(arm), String(val.length), `${signed(v.mean)} [${signed(v.low)}, ${signed(v.high)}]`, signed(mean(test))];
  });

  // Why: the teacher's view of the student's classes against the student's own accuracy.
  const whyRows = splits.map((s) => {
    const van = (k: number) => select(suiteRuns, { split: s.id, arm: 'vanilla', shots: k });
    const tl = select(suiteRuns, { split: s.id, arm: DEFAULT_ARM }).flatMap((r) => (r.teacherLocal ? [r.teacherLocal] : []));
    const teacherNcm = select(suiteRuns, { split: s.id, arm: 'vanilla' }).flatMap((r) => (r.teacherBaselines ? [r.teacherBaselines.ncmTestAccuracy] : []));
    return [s.id, s.note, pct(mean(teacherNcm)), tl.length > 0 ? pct(mean(tl.map((t) => t.argmaxAccuracy))) : '–', ...shots.map((k) => pct(mean(van(k).map((r) => r.testAccuracy)))), ...shots.map((k) => signed(gainIn(suiteRuns, { split: s.id, width: 0.5, shots: k }, DEFAULT_ARM).mean))];
  });

  const accRows = splits.flatMap((s) =>
    ['vanilla', ...arms].map((arm) => [s.id, armLabel(arm), ...shots.map((k) => cell(select(suiteRuns, { split: s.id, arm, shots: k }).map((r) => r.testAccuracy)))]),
  );

  files.set('results-suite-gain.svg', gainPlot(suiteRuns, splits.map((s) => s.id), shots, DEFAULT_ARM));
  void root;
  return `## Where REFILLED helps: the split suite

${splits.length} cross-task splits over both datasets (3- to 5-class students, two partial overlaps),
${shots.join('/')} shots per class, seeds ${seeds.join(', ')}, student width 0.5. For a seed, every arm
trains on the same split with the same initial weights, so the gains below are **paired by seed**:
mean of the per-seed differences in test accuracy (points), its 95 % Student-t interval, and
the seeds won (✔: the interval lies above zero; ✘: below). Reproduce:
\`npm run study -- --suite --arms vanilla,${arms.join(',')}\` (or as an array job, see the README).

![paired gain of the default vs shots, one line per split](results-suite-gain.svg)

${armTables.join('\n')}
### What each ingredient adds

Each row isolates one ingredient: the paired gain of an arm over the arm without it, averaged
over the splits (95 % interval over splits; ↑/↓: splits whose own interval lies above/below
zero). Test accuracy, points.

${table(['comparison', 'ingredient', ...shots.map((k) => `${k} shots`)], ingredientRows)}

### Choosing the default on validation

The default is the arm with the largest mean paired gain in **validation** accuracy over
every cell of the suite (mean over cells, 95 % interval over cells); test is shown beside it,
never used to choose.

${table(['arm', 'cells', 'validation gain', 'test gain'], choiceRows)}

### Where it does not help, and why

The teacher's frozen embedding on the student's classes (NCM test accuracy; the argmax
accuracy of its local classifier on the training images) against the vanilla student's own
test accuracy, and the default's paired gain:

${table(['split', 'what', 'teacher NCM', 'teacher local acc.', ...shots.map((k) => `vanilla ${k}`), ...shots.map((k) => `gain ${k}`)], whyRows)}

<details><summary>Test accuracy of every arm on every split (mean ± std over seeds)</summary>

${table(['split', 'arm', ...shots.map((k) => `${k} shots`)], accRows)}

</details>
`;
}

/** Paired gain of `arm` over vanilla vs shots, one line per split, with the 95 % intervals as bars. */
function gainPlot(runs: RunSummary[], splits: string[], shots: number[], arm: string): string {
  const colours = ['#000000', '#E69F00', '#56B4E9', '#009E73', '#D55E00', '#0072B2', '#CC79A7', '#999999', '#F0E442'];
  const W = 980;
  const H = 480;
  const m = { l: 70, r: 330, t: 44, b: 60 };
  const gains = splits.map((s) => shots.map((k) => gainIn(runs, { split: s, width: 0.5, shots: k }, arm)));
  const all = gains.flat().filter((g) => g.n >= 2).flatMap((g) => [g.low, g.high]);
  const lo = Math.floor(Math.min(-0.02, ...all) * 50) / 50;
  const hi = Math.ceil(Math.max(0.02, ...all) * 50) / 50;
  const x = (i: number, j: number) => m.l + ((i + 0.5) / shots.length) * (W - m.l - m.r) + (j - (splits.length - 1) / 2) * 6;
  const y = (v: number) => H - m.b - ((v - lo) / (hi - lo)) * (H - m.t - m.b);
  const parts = [`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" font-family="sans-serif" font-size="14">`, `<rect width="${W}" height="${H}" fill="white"/>`];
  parts.push(`<text x="${m.l}" y="26" font-size="16" font-weight="bold">${armLabel(arm)} − vanilla: paired test-accuracy gain (95 % interval)</text>`);
  const step = (hi - lo) / 8 > 0.02 ? 0.05 : 0.02;
  for (let v = Math.ceil(lo / step) * step; v <= hi + 1e-9; v += step) {
    parts.push(`<line x1="${m.l}" x2="${W - m.r}" y1="${y(v)}" y2="${y(v)}" stroke="${Math.abs(v) < 1e-9 ? '#444' : '#ddd'}"/><text x="${m.l - 8}" y="${y(v) + 5}" text-anchor="end">${signed(v)}</text>`);
  }
  shots.forEach((k, i) => parts.push(`<text x="${x(i, (splits.length - 1) / 2)}" y="${H - m.b + 22}" text-anchor="middle">${k}</text>`));
  parts.push(`<text x="${(m.l + W - m.r) / 2}" y="${H - 14}" text-anchor="middle">shots per class</text>`);
  parts.push(`<text transform="translate(18 ${(m.t + H - m.b) / 2}) rotate(-90)" text-anchor="middle">gain (points)</text>`);
  splits.forEach((s, j) => {
    const colour = colours[j % colours.length];
    const pts = gains[j].map((g, i) => (g.n > 0 ? { px: x(i, j), g } : null)).filter((p): p is { px: number; g: PairedGain } => p !== null);
    parts.push(`<polyline fill="none" stroke="${colour}" stroke-width="2" points="${pts.map((p) => `${p.px},${y(p.g.mean)}`).join(' ')}"/>`);
    for (const p of pts) {
      if (p.g.n >= 2) parts.push(`<line x1="${p.px}" x2="${p.px}" y1="${y(p.g.low)}" y2="${y(p.g.high)}" stroke="${colour}" stroke-width="1.5"/>`);
      parts.push(`<circle cx="${p.px}" cy="${y(p.g.mean)}" r="4" fill="${colour}"/>`);
    }
    const ly = m.t + 10 + j * 24;
    parts.push(`<line x1="${W - m.r + 16}" x2="${W - m.r + 44}" y1="${ly}" y2="${ly}" stroke="${colour}" stroke-width="3"/><text x="${W - m.r + 50}" y="${ly + 5}">${s}</text>`);
  });
  parts.push('</svg>');
  return parts.join('\n');
}

// ---------------------------------------------------------------------------------------------
// The width study on the default split.

const WIDTH_ARMS = ['vanilla', 'refilled-current', 'refilled-cvpr2020', 'refilled-tpami', 'refilled-tpami-cal', 'refilled-current-cal', 'refilled-cvpr2020-cal', 'stage1-only', 'rkd'];

function widthRows(runs: RunSummary[], width: number, shots: number[]): { label: string; values: number[][] }[] {
  const at = (arm: string, k: number) => select(runs, { split: LEGACY_SPLIT, arm, width, shots: k });
  const rows = WIDTH_ARMS.map((arm) => ({ label: armLabel(arm), values: shots.map((k) => at(arm, k).map((r) => r.testAccuracy)) }));
  const teacher = (pick: (t: NonNullable<RunSummary['teacherBaselines']>) => number) => shots.map((k) => at('vanilla', k).flatMap((r) => (r.teacherBaselines ? [pick(r.teacherBaselines)] : [])));
  rows.push({ label: 'Teacher embedding + NCM', values: teacher((t) => t.ncmTestAccuracy) });
  rows.push({ label: 'Teacher embedding + 1-NN', values: teacher((t) => t.oneNnTestAccuracy) });
  rows.push({ label: 'Teacher embedding + logistic regression', values: teacher((t) => t.logisticRegressionTestAccuracy) });
  return rows.filter((r) => r.values.some((v) => v.length > 0));
}

function widthSection(runs: RunSummary[], width: number, files: Map<string, string>): string {
  const mine = select(runs, { split: LEGACY_SPLIT, width });
  const shots = uniq(mine.map((r) => r.shots));
  const seeds = uniq(mine.map((r) => r.seed));
  const rows = widthRows(runs, width, shots);
  const svg = `results-accuracy-w${String(width).replace('.', '')}.svg`;
  files.set(svg, accuracyPlot(rows, width, shots));
  const paired = ['refilled-tpami', 'refilled-tpami-cal', 'refilled-current-cal', 'refilled-cvpr2020-cal']
    .filter((arm) => mine.some((r) => r.arm === arm))
    .map((arm) => [`${armLabel(arm)} − vanilla`, ...shots.map((k) => gainCell(gainIn(runs, { split: LEGACY_SPLIT, width, shots: k }, arm)))]);
  const ncm = (arm: string, k: number, field: 'ncmTestAccuracy' | 'stage1NcmAccuracy') => select(mine, { arm, shots: k }).flatMap((r) => (r[field] === null ? [] : [r[field] as number]));
  const commits = [...new Set(mine.map((r) => r.commit ?? 'unrecorded'))].join(', ');
  return `## Earlier: the default split at student width ${width}

The study before the suite, kept for its width-1.0 and 50-shot columns: teacher \`fashion-0-4\`
(T-shirt, Trouser, Pullover, Dress, Coat) → student Sandal, Shirt, Sneaker, Bag, Ankle boot,
run by earlier code (commits ${commits}); the suite above reruns this split with today's code.
Test accuracy (%), mean ± std over seeds ${seeds.join(', ')}; checkpoints chosen on validation.
Rerun with today's code: \`npm run study -- --splits 0 --widths ${width} --shots ${shots.join(',')} --seeds ${seeds.join(',')}\`.

${table(['method', ...shots.map((k) => `${k} shots`)], rows.map((r) => [r.label, ...r.values.map(cell)]))}

Paired by seed (mean gain, 95 % interval, seeds won):

${table(['', ...shots.map((k) => `${k} shots`)], paired)}

![accuracy vs shots, width ${width}](${svg})

Does stage 1 improve the embedding? NCM test accuracy (%):

${table(['embedding', ...shots.map((k) => `${k} shots`)], [
  ['student trained with CE only (vanilla)', ...shots.map((k) => cell(ncm('vanilla', k, 'ncmTestAccuracy')))],
  ['student after REFILLED stage 1 (TPAMI and current: the same stage 1)', ...shots.map((k) => cell(ncm('refilled-tpami', k, 'stage1NcmAccuracy')))],
  ['student after REFILLED stage 1 (CVPR 2020)', ...shots.map((k) => cell(ncm('refilled-cvpr2020', k, 'stage1NcmAccuracy')))],
  ['student after RKD', ...shots.map((k) => cell(ncm('rkd', k, 'stage1NcmAccuracy')))],
])}
`;
}

/** Mean test accuracy vs shots, one line per method (Okabe–Ito colours); arms below 50 % are left to the table. */
function accuracyPlot(rows: { label: string; values: number[][] }[], width: number, shots: number[]): string {
  const colours = ['#000000', '#D55E00', '#E69F00', '#CC79A7', '#0072B2', '#009E73', '#56B4E9', '#999999', '#F0E442', '#882255', '#44AA99', '#117733'];
  const W = 980;
  const H = 520;
  const m = { l: 70, r: 440, t: 40, b: 60 };
  const offChart = (r: (typeof rows)[number]) => r.values.every((v) => v.length === 0 || mean(v) < 0.5);
  const all = rows.filter((r) => !offChart(r)).flatMap((r) => r.values.filter((v) => v.length > 0).map(mean));
  const lo = Math.max(0, Math.floor((Math.min(...all) - 0.02) * 20) / 20);
  const hi = Math.min(1, Math.ceil((Math.max(...all) + 0.02) * 20) / 20);
  const x = (i: number) => m.l + (shots.length === 1 ? 0 : (i / (shots.length - 1)) * (W - m.l - m.r));
  const y = (v: number) => H - m.b - ((v - lo) / (hi - lo)) * (H - m.t - m.b);
  const parts = [`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" font-family="sans-serif" font-size="14">`, `<rect width="${W}" height="${H}" fill="white"/>`];
  parts.push(`<text x="${m.l}" y="24" font-size="16" font-weight="bold">Test accuracy vs shots per class (default split, student width ${width})</text>`);
  for (let v = lo; v <= hi + 1e-9; v += 0.05) parts.push(`<line x1="${m.l}" x2="${W - m.r}" y1="${y(v)}" y2="${y(v)}" stroke="#ddd"/><text x="${m.l - 8}" y="${y(v) + 5}" text-anchor="end">${(v * 100).toFixed(0)}%</text>`);
  shots.forEach((k, i) => parts.push(`<text x="${x(i)}" y="${H - m.b + 22}" text-anchor="middle">${k}</text>`));
  parts.push(`<text x="${(m.l + W - m.r) / 2}" y="${H - 12}" text-anchor="middle">shots per class</text>`);
  rows.forEach((r, ri) => {
    const colour = colours[ri % colours.length];
    const dashed = r.label.startsWith('Teacher') ? ' stroke-dasharray="6 4"' : '';
    const ly = m.t + 10 + ri * 24;
    if (!offChart(r)) {
      const pts = r.values.map((v, i) => (v.length > 0 ? [x(i), y(mean(v))] : null)).filter((p): p is number[] => p !== null);
      parts.push(`<polyline fill="none" stroke="${colour}" stroke-width="2.5"${dashed} points="${pts.map((p) => p.join(',')).join(' ')}"/>`);
      for (const p of pts) parts.push(`<circle cx="${p[0]}" cy="${p[1]}" r="4" fill="${colour}"/>`);
    }
    parts.push(`<line x1="${W - m.r + 16}" x2="${W - m.r + 44}" y1="${ly}" y2="${ly}" stroke="${colour}" stroke-width="3"${dashed}/><text x="${W - m.r + 50}" y="${ly + 5}">${r.label}${offChart(r) ? ' (below 50 %, see table)' : ''}</text>`);
  });
  parts.push('</svg>');
  return parts.join('\n');
}

/** Writes docs/results.md and its SVG figures from every cached run. */
export async function writeReport(runs: RunSummary[], root: string): Promise<void> {
  const files = new Map<string, string>();
  const widths = uniq(select(runs, { split: LEGACY_SPLIT }).map((r) => r.width)).reverse();
  const sections = [diagnosisSection(root), suiteSection(runs, root, files), teacherSection(runs, readTeacherCards(root)), ...widths.map((w) => widthSection(runs, w, files))].filter(Boolean);
  const header = `# Results: does a cross-task teacher help?

Generated by \`npm run study\` from every run cached in [results.json](results.json) (wasm backend).
Model selection on validation only; the test split is read once, at the end of each run.
Each run records the commit that produced it (\`commit\`; runs from before it was recorded have
none). Kernels that compute the same functions in a different floating-point order move a
single run by about a point: rerun an arm (delete its runs from results.json) to compare like
with like.
`;
  for (const [name, text] of files) await writeFile(path.join(root, 'docs', name), text);
  await writeFile(path.join(root, 'docs/results.md'), `${header}\n${sections.join('\n')}`);
}
