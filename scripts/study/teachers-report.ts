/**
 * The teacher comparison of docs/results.md: does a stronger teacher make REFILLED's gain
 * larger? Teacher cards (own-class accuracy, NCM on the classes it never saw, size, build
 * time) from the shipped teachers' teacher.json and the variants' cards kept in
 * docs/teachers.json (`npm run study -- --merge … --teachers <dir>`), then the paired gains
 * of REFILLED (TPAMI) with each teacher over the vanilla student, by split and shots, and of
 * each stronger teacher over the shipped one.
 *
 * Pairing: for a seed, every arm trains the same student from the same weights on the same
 * images. Where the runs were redone under `@shipped` keys (same code as the variants), the
 * vanilla student and the shipped teacher's REFILLED come from those; otherwise from the
 * cached `vanilla` and `refilled-tpami` runs.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import type { TeacherMetadata } from '../../src/core/model/teacher';
import { mean, meanInterval, pairedGain, type PairedGain } from '../../src/protocol/stats';
import { SUITE } from './grid';
import type { RunSummary } from './report';
import { SHIPPED_VARIANT, TEACHER_VARIANTS } from '../teachers/variants';

/** The fields of a run this section reads. */
export type TeacherRun = Pick<RunSummary, 'split' | 'arm' | 'width' | 'shots' | 'seed' | 'testAccuracy' | 'teacherNcmValAccuracy'>;

/** The method whose gain is compared across teachers. */
export const COMPARED_ARM = 'refilled-tpami';

const pct = (x: number) => (Number.isFinite(x) ? (x * 100).toFixed(1) : '–');
const signed = (x: number) => (Number.isFinite(x) ? `${x >= 0 ? '+' : '−'}${Math.abs(x * 100).toFixed(1)}` : '–');
const gainCell = (g: PairedGain) => (g.n === 0 ? '–' : `${signed(g.mean)} [${signed(g.low)}, ${signed(g.high)}] ${g.wins}/${g.n}${g.verdict === 'above' ? ' ✔' : g.verdict === 'below' ? ' ✘' : ''}`);
const table = (head: string[], rows: string[][]) => [`| ${head.join(' | ')} |`, `|${head.map(() => '---').join('|')}|`, ...rows.map((r) => `| ${r.join(' | ')} |`)].join('\n');

/** Teacher cards: every teacher.json under `<root>/public/teachers/`, then docs/teachers.json (cards of teachers not shipped). */
export function readTeacherCards(root: string): TeacherMetadata[] {
  const cards = new Map<string, TeacherMetadata>();
  const dir = path.join(root, 'public/teachers');
  if (existsSync(dir)) {
    for (const id of readdirSync(dir).sort()) {
      const file = path.join(dir, id, 'teacher.json');
      if (!existsSync(file)) continue;
      const card = JSON.parse(readFileSync(file, 'utf8')) as TeacherMetadata;
      const weights = path.join(dir, id, 'weights.bin');
      cards.set(id, card.weightBytes === undefined && existsSync(weights) ? { ...card, weightBytes: statSync(weights).size } : card);
    }
  }
  const kept = path.join(root, 'docs/teachers.json');
  if (existsSync(kept)) for (const c of (JSON.parse(readFileSync(kept, 'utf8')) as { teachers: TeacherMetadata[] }).teachers) if (!cards.has(c.id)) cards.set(c.id, c);
  return [...cards.values()];
}

/** Cards of the teachers in `dir` (a device run's teachers/), merged over `previous` by id: the new card wins. */
export function mergeTeacherCards(previous: readonly TeacherMetadata[], dir: string): TeacherMetadata[] {
  const byId = new Map(previous.map((c) => [c.id, c]));
  for (const id of readdirSync(dir)) {
    const file = path.join(dir, id, 'teacher.json');
    if (existsSync(file)) byId.set(id, JSON.parse(readFileSync(file, 'utf8')) as TeacherMetadata);
  }
  return [...byId.values()].sort((a, b) => a.id.localeCompare(b.id));
}

const variantOf = (card: TeacherMetadata) => card.variant ?? SHIPPED_VARIANT;
const baseOf = (card: TeacherMetadata) => card.baseTeacher ?? card.id;

function cardRow(card: TeacherMetadata): string[] {
  const t = card.training as { epochs?: number; backend?: string; augment?: { shift: number; flip: boolean } };
  const aug = t.augment && (t.augment.shift > 0 || t.augment.flip) ? `±${t.augment.shift} px${t.augment.flip ? ', flips' : ''}` : 'none';
  const kb = card.weightBytes !== undefined ? `${(card.weightBytes / 1024).toFixed(0)} KB` : '–';
  const time = card.buildSeconds !== undefined ? `${card.buildSeconds} s (${t.backend ?? '?'})` : '–';
  return [`\`${card.id}\``, variantOf(card), String(card.widthMultiplier), aug, String(t.epochs ?? '–'), String(card.trainingImages), pct(card.testAccuracy), `${pct(card.ncmAccuracyOnStudentClasses)} (${card.studentClasses.join(',')})`, kb, time];
}

/**
 * The section, or '' when no run used a teacher variant. `runs` is every cached run; cards
 * from {@link readTeacherCards}.
 */
export function teacherSection(runs: readonly TeacherRun[], cards: readonly TeacherMetadata[]): string {
  const suffix = (arm: string) => (arm.includes('@') ? arm.slice(arm.indexOf('@') + 1) : null);
  const variants = TEACHER_VARIANTS.map((v) => v.id).filter((v) => v !== SHIPPED_VARIANT && runs.some((r) => r.arm === `${COMPARED_ARM}@${v}`));
  if (variants.length === 0) return '';
  const mine = runs.filter((r) => r.width === 0.5 && (r.arm === 'vanilla' || r.arm === COMPARED_ARM || suffix(r.arm) !== null));
  const splits = SUITE.filter((s) => variants.some((v) => mine.some((r) => r.split === s.id && r.arm === `${COMPARED_ARM}@${v}`)));
  const shots = [...new Set(mine.filter((r) => splits.some((s) => s.id === r.split) && suffix(r.arm) !== null && suffix(r.arm) !== SHIPPED_VARIANT).map((r) => r.shots))].sort((a, b) => a - b);
  const at = (split: string, arm: string, k: number) => new Map(mine.filter((r) => r.split === split && r.arm === arm && r.shots === k).map((r) => [r.seed, r.testAccuracy]));
  /** The `@shipped` rerun where it exists for this cell, else the cached arm. */
  const control = (split: string, arm: string, k: number) => {
    const rerun = at(split, `${arm}@${SHIPPED_VARIANT}`, k);
    return rerun.size > 0 ? { runs: rerun, rerun: true } : { runs: at(split, arm, k), rerun: false };
  };
  const teachers = [SHIPPED_VARIANT, ...variants];
  const armFor = (v: string) => (v === SHIPPED_VARIANT ? null : `${COMPARED_ARM}@${v}`);
  const refilled = (split: string, v: string, k: number) => {
    const a = armFor(v);
    return a ? at(split, a, k) : control(split, COMPARED_ARM, k).runs;
  };
  let reruns = 0;
  let cached = 0;

  // REFILLED − vanilla with each teacher, and each stronger teacher − the shipped one, per split and shots.
  const gainRows: string[][] = [];
  const overRows: string[][] = [];
  const pooled = new Map<string, number[]>();
  const overPooled = new Map<string, number[]>();
  for (const s of splits)
    for (const k of shots) {
      const van = control(s.id, 'vanilla', k);
      if (van.rerun) reruns += 1;
      else cached += 1;
      gainRows.push([s.id, String(k), pct(mean([...van.runs.values()])), ...teachers.map((v) => {
        const g = pairedGain(refilled(s.id, v, k), van.runs);
        if (g.n > 0) pooled.set(`${v}|${k}`, [...(pooled.get(`${v}|${k}`) ?? []), g.mean]);
        return gainCell(g);
      })]);
      overRows.push([s.id, String(k), ...variants.map((v) => {
        const g = pairedGain(refilled(s.id, v, k), refilled(s.id, SHIPPED_VARIANT, k));
        if (g.n > 0) overPooled.set(v, [...(overPooled.get(v) ?? []), g.mean]);
        return gainCell(g);
      })]);
    }
  const pooledRows = shots.map((k) => [String(k), ...teachers.map((v) => {
    const m = meanInterval(pooled.get(`${v}|${k}`) ?? []);
    return m.n === 0 ? '–' : `${signed(m.mean)} [${signed(m.low)}, ${signed(m.high)}] (${m.n} splits)`;
  })]);

  const overPooledRow = variants.map((v) => {
    const m = meanInterval(overPooled.get(v) ?? []);
    return m.n === 0 ? '–' : `${signed(m.mean)} [${signed(m.low)}, ${signed(m.high)}] (${m.n} cells)`;
  });

  // The teacher's NCM on the student's classes (validation images), as each run measured it.
  const ncmRows = splits.map((s) => [s.id, ...teachers.map((v) => {
    const arm = armFor(v) ?? (mine.some((r) => r.split === s.id && r.arm === `${COMPARED_ARM}@${SHIPPED_VARIANT}`) ? `${COMPARED_ARM}@${SHIPPED_VARIANT}` : COMPARED_ARM);
    const xs = mine.filter((r) => r.split === s.id && r.arm === arm).map((r) => r.teacherNcmValAccuracy);
    return xs.length === 0 ? '–' : pct(mean(xs));
  })]);

  const bases = new Set(splits.map((s) => s.teacher));
  const shownCards = cards.filter((c) => bases.has(baseOf(c)) && teachers.includes(variantOf(c))).sort((a, b) => baseOf(a).localeCompare(baseOf(b)) || teachers.indexOf(variantOf(a)) - teachers.indexOf(variantOf(b)));
  const note = (v: string) => TEACHER_VARIANTS.find((t) => t.id === v)?.note ?? v;
  const seeds = [...new Set(mine.filter((r) => suffix(r.arm) !== null).map((r) => r.seed))].sort((a, b) => a - b);
  const controlText = cached === 0 ? `the vanilla student and the shipped teacher's REFILLED were rerun with the same code (\`vanilla@${SHIPPED_VARIANT}\`, \`${COMPARED_ARM}@${SHIPPED_VARIANT}\`)` : reruns === 0 ? `the vanilla student and the shipped teacher's REFILLED are the cached \`vanilla\` and \`${COMPARED_ARM}\` runs (earlier code: compare with care)` : `the vanilla student and the shipped teacher's REFILLED are the \`@${SHIPPED_VARIANT}\` reruns in ${reruns} cells and the cached runs (earlier code) in ${cached}`;
  return `## Stronger teachers: does a better teacher make the gain larger?

The shipped teachers (width 1, no augmentation) against stronger variants of them, trained by
\`npm run teachers -- --variant <v>\` (the training images and epochs each one saw are in its card):
${teachers.map((v) => `\`${v}\`: ${note(v)}`).join('; ')}.
REFILLED (TPAMI) then runs once with each teacher (arm \`${COMPARED_ARM}@<variant>\`), student
width 0.5, seeds ${seeds.join(', ')}; ${controlText}. Reproduce:
\`npm run study -- --splits ${splits.map((s) => SUITE.indexOf(s)).join(',')} --shots ${shots.join(',')} --seeds ${seeds.join(',')} --arms vanilla@${SHIPPED_VARIANT},${teachers.map((v) => armFor(v) ?? `${COMPARED_ARM}@${SHIPPED_VARIANT}`).join(',')}\`.

### Teacher cards

Own-class accuracy: the teacher's head on the shipped test images of its classes. NCM: its
frozen embedding with nearest class means on the classes it never saw (the default student
classes, shipped pool → shipped test). Build time: loading, training and evaluation, on the
backend named.

${table(['teacher', 'variant', 'width', 'augmentation', 'epochs', 'training images', 'own-class acc.', 'NCM on unseen classes', 'weights', 'build time'], shownCards.map(cardRow))}

The teacher's NCM on each split's student classes (validation images, as the runs measured it, %):

${table(['split', ...teachers.map((v) => `${v} teacher`)], ncmRows)}

### REFILLED (TPAMI) − vanilla student, by teacher

Paired by seed: mean gain in test accuracy (points), 95 % interval, seeds won (✔ above zero,
✘ below); the vanilla column is the student's own test accuracy (%).

${table(['split', 'shots', 'vanilla', ...teachers.map((v) => `${v} teacher`)], gainRows)}

Mean over splits (95 % interval over splits):

${table(['shots', ...teachers.map((v) => `${v} teacher`)], pooledRows)}

### Stronger teacher − shipped teacher (both REFILLED, TPAMI)

${table(['split', 'shots', ...variants.map((v) => `${v} − shipped`)], overRows)}

Mean over all cells above (95 % interval over cells):

${table(variants.map((v) => `${v} − shipped`), [overPooledRow])}
`;
}
