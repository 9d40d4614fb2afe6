/**
 * `npm run study`: the accuracy study. Every run is one (split, arm, width, shots, seed) cell:
 * an arm is a method with its settings (grid.ts), a split a teacher and the student's classes.
 * Model selection on validation; the test split is read once, at the end of each run. Runs
 * are cached in docs/results.json and skipped when the study is run again; the report
 * (docs/results.md and its SVG figures) is rewritten from every cached run.
 *
 *   npm run study -- --suite                      # the split suite: 9 splits × 5/10/20 shots × seeds 1–5
 *   npm run study -- --suite --arms vanilla,refilled-tpami-cal --jobs 2
 *   npm run study -- --splits 0 --widths 0.5,1 --shots 5,10,20,50 --seeds 1,2,3   # the width study
 *   npm run study -- --suite --shard 3/16 --out shard-3.jsonl   # one shard of an array job
 *   npm run study -- --merge shard-*.jsonl         # join shard outputs into the cache and report
 *   npm run study -- --merge res/shards/*.jsonl --teachers res/teachers   # also keep the new teachers' cards (docs/teachers.json)
 *   npm run study -- --splits 0,1,2,3 --shots 5,10 --arms vanilla@shipped,refilled-tpami@shipped,refilled-tpami@wide   # teacher variants
 *   npm run study -- --report                      # rewrite the report only
 * --splits takes indices into the suite (see scripts/study/grid.ts) or "all". A shard appends
 * one JSON line per finished run to --out (stdout without it) and skips the runs already in
 * that file, so a killed shard resumes where it stopped.
 */
import { spawn, spawnSync } from 'node:child_process';
import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { runCli } from '../src/cli/refilled';
import type { TeacherMetadata } from '../src/core/model/teacher';
import { resolveConfig, type ExperimentConfig } from '../src/protocol/config';
import { REPO_ROOT } from './paths';
import { ARMS, armSpec, teacherFolderOf, enumerateGrid, LEGACY_SPLIT, keyOf, mergeRuns, parseJsonLines, parseShard, shardOf, splitSpec, SUITE, type Cell } from './study/grid';
import { writeReport, type RunSummary } from './study/report';
import { mergeTeacherCards, readTeacherCards } from './study/teachers-report';

const RESULTS_JSON = path.join(REPO_ROOT, 'docs/results.json');
/** Cards (teacher.json) of teachers that ran in the study but are not shipped under public/teachers/. */
const TEACHERS_JSON = path.join(REPO_ROOT, 'docs/teachers.json');

const args = process.argv.slice(2);
const has = (name: string) => args.includes(name);
const option = (name: string, fallback: string) => {
  const i = args.indexOf(name);
  return i >= 0 && args[i + 1] && !args[i + 1].startsWith('--') ? args[i + 1] : fallback;
};
const list = (name: string, fallback: string) => option(name, fallback).split(',').filter(Boolean);

/** The checked-out commit, with "+" when the working tree has changes. */
function codeVersion(): string {
  if (process.env.REFILLED_COMMIT) return process.env.REFILLED_COMMIT;
  const head = spawnSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: REPO_ROOT, encoding: 'utf8' }).stdout?.trim();
  const dirty = spawnSync('git', ['status', '--porcelain', '--', 'src'], { cwd: REPO_ROOT, encoding: 'utf8' }).stdout?.trim() !== '';
  return head ? `${head}${dirty ? '+' : ''}` : 'unknown';
}

function configFor(cell: Cell): ExperimentConfig {
  const split = splitSpec(cell.split);
  return resolveConfig({
    dataset: split.dataset,
    teacher: split.teacher,
    studentClasses: split.studentClasses,
    ...armSpec(cell.arm).sets,
    studentWidth: cell.width,
    shotsPerClass: cell.shots,
    seed: cell.seed,
    'runtime.reportIntervalSteps': 20,
  });
}

async function runOne(cell: Cell, backend: 'cpu' | 'wasm', commit: string): Promise<RunSummary> {
  const config = configFor(cell);
  const arm = armSpec(cell.arm);
  const teacherFolder = arm.teacherVariant ? teacherFolderOf(arm, splitSpec(cell.split)) : undefined;
  const result = await runCli({ config, backend, json: false, teacherBaselines: arm.sets.method === 'vanilla', teacherFolder }, () => undefined);
  return {
    key: keyOf(cell),
    ...cell,
    testAccuracy: result.final.testAccuracy,
    valAccuracy: result.final.valAccuracy,
    ncmTestAccuracy: result.final.ncmTestAccuracy,
    stage1NcmAccuracy: result.stage1?.ncmAccuracy ?? null,
    stage1Nmi: result.stage1?.nmi ?? null,
    finalNmi: result.final.nmi ?? null,
    teacherBaselines: result.teacherBaselines ?? null,
    teacherNcmValAccuracy: result.teacherNcmValAccuracy,
    teacherLocal: result.teacherLocal ?? null,
    msPerStep: result.timing.msPerStep,
    totalMs: result.timing.totalMs,
    backend,
    commit,
  };
}

/**
 * The cache. Runs from before splits were recorded ran on the default split with earlier
 * code: they are kept apart (split LEGACY_SPLIT), so that no pair mixes code versions.
 */
function loadCache(): RunSummary[] {
  if (!existsSync(RESULTS_JSON)) return [];
  const data = JSON.parse(readFileSync(RESULTS_JSON, 'utf8')) as { runs: (RunSummary & { split?: string })[] };
  return data.runs.map((r) => (r.split ? r : { ...r, split: LEGACY_SPLIT, key: `${LEGACY_SPLIT}|${r.key}` }));
}

async function save(runs: RunSummary[]): Promise<void> {
  await writeFile(RESULTS_JSON, `${JSON.stringify({ generatedBy: 'npm run study', runs }, null, 1)}\n`);
  await writeReport(runs, REPO_ROOT);
}

function axes() {
  const suite = has('--suite');
  const splitArg = option('--splits', suite ? 'all' : '0');
  const splits = splitArg === 'all' ? SUITE.map((s) => s.id) : splitArg.split(',').map((i) => {
    const s = SUITE[Number(i)];
    if (!s) throw new Error(`--splits takes indices 0–${SUITE.length - 1} or "all" (got "${i}")`);
    return s.id;
  });
  return {
    splits,
    arms: list('--arms', suite ? 'vanilla,refilled-tpami-cal,refilled-tpami,stage1-only,refilled-current-cal,refilled-cvpr2020-cal' : ARMS.map((a) => a.id).join(',')).map((id) => armSpec(id).id),
    widths: list('--widths', '0.5').map(Number),
    shots: list('--shots', suite ? '5,10,20' : '5,10,20,50').map(Number),
    seeds: list('--seeds', suite ? '1,2,3,4,5' : '1,2,3').map(Number),
  };
}

async function main(): Promise<void> {
  let cache = loadCache();
  if (has('--merge')) {
    const teachersDir = option('--teachers', '');
    if (teachersDir) {
      const kept = existsSync(TEACHERS_JSON) ? (JSON.parse(readFileSync(TEACHERS_JSON, 'utf8')) as { teachers: TeacherMetadata[] }).teachers : [];
      const shipped = new Set(readTeacherCards(REPO_ROOT).filter((c) => !kept.some((k) => k.id === c.id)).map((c) => c.id));
      const cards = mergeTeacherCards(kept, teachersDir).filter((c) => !shipped.has(c.id));
      await writeFile(TEACHERS_JSON, `${JSON.stringify({ generatedBy: 'npm run study -- --merge --teachers', teachers: cards }, null, 1)}\n`);
      console.error(`kept ${cards.length} teacher card(s) in docs/teachers.json`);
    }
    const files = args.slice(args.indexOf('--merge') + 1).filter((a, i, rest) => !a.startsWith('--') && rest[i - 1] !== '--teachers');
    const added = files.flatMap((f) => parseJsonLines<RunSummary>(readFileSync(f, 'utf8')));
    const before = cache.length;
    cache = mergeRuns(cache, added);
    await save(cache);
    console.error(`merged ${files.length} file(s): ${added.length} runs read, ${cache.length - before} new; ${cache.length} in docs/results.json`);
    return;
  }
  if (has('--report')) {
    await save(cache);
    console.error(`wrote docs/results.md from ${cache.length} runs`);
    return;
  }
  const backend = option('--backend', 'wasm') as 'cpu' | 'wasm';
  const jobs = Number(option('--jobs', '1'));
  const out = option('--out', '');
  const done = new Set(cache.map((r) => r.key));
  if (out && existsSync(out)) for (const r of parseJsonLines<RunSummary>(readFileSync(out, 'utf8'))) done.add(r.key);
  const grid = enumerateGrid(axes());
  const shard = option('--shard', '');
  const mine = shard ? shardOf(grid, parseShard(shard).index, parseShard(shard).count) : grid;
  const todo = mine.filter((c) => !done.has(keyOf(c)));
  const commit = codeVersion();

  if (shard) {
    // One shard: run my share, one JSON line per finished run (to --out, else stdout).
    console.error(`shard ${shard}: ${todo.length} runs to do (${mine.length - todo.length} done)`);
    for (const cell of todo) {
      const line = `${JSON.stringify(await runOne(cell, backend, commit))}\n`;
      if (out) appendFileSync(out, line);
      else process.stdout.write(line);
    }
    return;
  }

  console.error(`${todo.length} runs to do (${grid.length - todo.length} of this grid cached), ${jobs} process(es), ${backend}`);
  const started = performance.now();
  let finished = 0;
  const record = async (s: RunSummary) => {
    cache = mergeRuns(cache, [s]);
    finished += 1;
    const elapsed = (performance.now() - started) / 1000;
    console.error(`[${finished}/${todo.length}] ${s.key}: test ${(s.testAccuracy * 100).toFixed(1)}% (val ${(s.valAccuracy * 100).toFixed(1)}%) · ${(s.totalMs / 1000).toFixed(0)} s · eta ${(((elapsed / finished) * (todo.length - finished)) / 60).toFixed(0)} min`);
    await save(cache);
  };
  if (jobs <= 1) {
    for (const cell of todo) await record(await runOne(cell, backend, commit));
  } else {
    const passThrough = args.filter((a, i) => a !== '--jobs' && args[i - 1] !== '--jobs');
    await Promise.all(
      Array.from(
        { length: jobs },
        (_, i) =>
          new Promise<void>((resolve, reject) => {
            const child = spawn(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url), ...passThrough, '--shard', `${i}/${jobs}`], { stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, REFILLED_COMMIT: commit } });
            let buffer = '';
            let chain = Promise.resolve();
            child.stdout.on('data', (chunk: Buffer) => {
              buffer += chunk.toString();
              let nl: number;
              while ((nl = buffer.indexOf('\n')) >= 0) {
                const [run] = parseJsonLines<RunSummary>(buffer.slice(0, nl));
                buffer = buffer.slice(nl + 1);
                if (run) chain = chain.then(() => record(run));
              }
            });
            child.on('exit', (code) => void chain.then(() => (code === 0 ? resolve() : reject(new Error(`study shard ${i} exited with ${code}`)))));
          }),
      ),
    );
  }
  await save(cache);
  console.error(`wrote docs/results.md, docs/results.json (${cache.length} runs)`);
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
