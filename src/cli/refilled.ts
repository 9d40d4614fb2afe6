/**
 * `npm run refilled -- [--config <file.json | share URL>] [--set key=value …] [--json]`
 *
 * Runs one experiment headless in Node on the shipped data and teachers, shows progress on
 * stderr and, with --json, prints the run file (protocol/runFile.ts) on stdout; --out and
 * --save-student write the bundle and the trained student (cli/outputs.ts).
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { nodeFetchBytes } from '../core/data/node-fs';
import { DEFAULT_EPISODES } from '../core/eval';
import { AssetCache, createExperiment } from '../core/run';
import { ConfigError, DEFAULT_CONFIG, fieldSpec, fieldSubject, flatten, flattenConfig, parseFieldText, resolveConfig, type ExperimentConfig } from '../protocol/config';
import type { ExperimentResult } from '../protocol/results';
import { decodeConfigHash } from '../protocol/url';
import type { Experiment } from '../core/trainer/experiment';
import { serialiseRunFile } from '../protocol/runFileIo';
import { FUSED_MODES, setFusedMode, type FusedMode } from '../core/kernels';
import { NODE_BACKENDS, useNodeBackend, type NodeBackend } from './backend';
import { cliRunFile, saveStudentFiles, studentCatcher, writeBundle } from './outputs';
import { loadTeacherModel, teacherModelFields } from './teacherModel';
import { exitIfHeld, releaseNodeWebGpu } from './webgpu';

/** The shipped data and teachers; REFILLED_ROOT (a repository root or a device pack) overrides where they are read. */
const PUBLIC_DIR = process.env.REFILLED_ROOT ? path.resolve(process.env.REFILLED_ROOT, 'public') : fileURLToPath(new URL('../../public', import.meta.url));

const USAGE = `Usage: npm run refilled -- [options]

  --config <file.json | URL>  start from a JSON config file or a playground share link
  --set key=value             override one field by its dotted key (repeatable),
                              e.g. --set shotsPerClass=20 --set stage2.lambda=10
  --backend wasm|cpu|webgpu   tfjs backend (default: wasm; cpu is the pure-JavaScript backend,
                              about 50x slower per training step here; webgpu needs a GPU
                              with a Vulkan driver, through Dawn's Node bindings)
  --fused auto|all|none       fused training kernels: auto (default) where they make this
                              backend faster, all of them, or none (tfjs's own operations)
  --teacher-model <model.json>  use a tfjs layers model as the teacher (its .bin files beside it,
                              e.g. a student saved by --save-student); its classes are
                              --set teacherClasses=… when given, else unknown (cross-task)
  --teacher-baselines         also report 1-NN, NCM and logistic regression on the teacher's embedding
  --episodes N                episodic 5-way 1-shot and 5-shot tasks on the final test embedding
                              (default ${DEFAULT_EPISODES}; 0 turns them off)
  --json                      print the run file (schema refilled-playground/run) on stdout
  --out FILE                  write the run bundle: the run file and the trained student
                              (open it in the playground with Import)
  --save-student DIR          write the trained student as DIR/model.json + DIR/weights.bin
                              (TensorFlow.js layers format, for tf.loadLayersModel)
  --help                      this text

Without --config the app's default experiment runs (${DEFAULT_CONFIG.teacher} → classes ${DEFAULT_CONFIG.studentClasses.join(',')}, ${DEFAULT_CONFIG.shotsPerClass} shots).`;

export interface CliOptions {
  config: ExperimentConfig;
  backend: NodeBackend;
  json: boolean;
  teacherBaselines: boolean;
  /** Episodic tasks per K (0: none; default DEFAULT_EPISODES). */
  episodes?: number;
  /** Reads the configured teacher's files from this folder under public/teachers/ (a stronger variant of it) instead of its own. */
  teacherFolder?: string;
  /** --out: where the bundle goes. */
  out?: string;
  /** --save-student: the directory for model.json + weights.bin. */
  saveStudent?: string;
  /** `--teacher-model`: the model.json of the teacher (config.teacher is its `user:` id). */
  teacherModel?: string;
  /** `--fused`: which fused training kernels run (default auto). */
  fused?: FusedMode;
}

export class UsageError extends Error {
  readonly code = 'usage';
}

/** Parses the command line into options; throws UsageError or ConfigError with readable messages. */
export async function parseArgs(argv: string[], readText: (file: string) => Promise<string> = (f) => readFile(f, 'utf8')): Promise<CliOptions> {
  let base: Record<string, unknown> = {};
  const sets: [string, string][] = [];
  let backend: NodeBackend = 'wasm';
  let json = false;
  let teacherBaselines = false;
  let episodes = DEFAULT_EPISODES;
  const files: { out?: string; saveStudent?: string } = {};
  let teacherModel: string | undefined;
  let fused: FusedMode | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = () => {
      const v = argv[++i];
      if (v === undefined) throw new UsageError(`${arg} needs a value.\n\n${USAGE}`);
      return v;
    };
    if (arg === '--config') {
      const source = value();
      if (/^https?:\/\//.test(source) || source.startsWith('#')) {
        const decoded = decodeConfigHash(source);
        if (decoded.notices.length > 0) throw new ConfigError(decoded.notices.map((message) => ({ key: '', message })));
        base = flattenConfig(decoded.config);
      } else {
        let text: string;
        try {
          text = await readText(source);
        } catch (e) {
          throw new UsageError(`Cannot read config file ${source}: ${(e as Error).message}`);
        }
        try {
          base = JSON.parse(text) as Record<string, unknown>;
        } catch (e) {
          throw new UsageError(`${source} is not valid JSON: ${(e as Error).message}`);
        }
      }
    } else if (arg === '--set') {
      const kv = value();
      const eq = kv.indexOf('=');
      if (eq <= 0) throw new UsageError(`--set takes key=value (got "${kv}").`);
      sets.push([kv.slice(0, eq), kv.slice(eq + 1)]);
    } else if (arg === '--backend') {
      const b = value();
      if (!(NODE_BACKENDS as readonly string[]).includes(b)) throw new UsageError(`--backend must be one of ${NODE_BACKENDS.join(', ')} (got "${b}").`);
      backend = b as NodeBackend;
    } else if (arg === '--fused') {
      const f = value();
      if (!(FUSED_MODES as readonly string[]).includes(f)) throw new UsageError(`--fused must be one of ${FUSED_MODES.join(', ')} (got "${f}").`);
      fused = f as FusedMode;
    } else if (arg === '--json') json = true;
    else if (arg === '--teacher-baselines') teacherBaselines = true;
    else if (arg === '--out') files.out = value();
    else if (arg === '--save-student') files.saveStudent = value();
    else if (arg === '--teacher-model') teacherModel = value();
    else if (arg === '--episodes') {
      const text = value();
      episodes = Number(text);
      if (!/^\d+$/.test(text) || episodes === 1 || episodes > 100_000) throw new UsageError(`--episodes takes 0 (none) or a number of tasks from 2 to 100000 (got "${text}").`);
    }
    else if (arg === '--help' || arg === '-h') throw new UsageError(USAGE);
    else throw new UsageError(`Unknown option "${arg}".\n\n${USAGE}`);
  }
  const flat: Record<string, unknown> = { ...flatten(base) };
  const errors: { key: string; message: string }[] = [];
  for (const [key, text] of sets) {
    const spec = fieldSpec(key);
    if (!spec) {
      errors.push({ key, message: `unknown key "${key}"` });
      continue;
    }
    try {
      flat[key] = parseFieldText(spec, text);
    } catch (e) {
      errors.push({ key, message: `${fieldSubject(spec)} ${(e as Error).message}` });
    }
  }
  if (errors.length > 0) throw new ConfigError(errors);
  if (teacherModel !== undefined) Object.assign(flat, teacherModelFields(teacherModel, flat));
  return { config: resolveConfig(unflatten(flat)), backend, json, teacherBaselines, episodes, ...files, ...(teacherModel !== undefined ? { teacherModel } : {}), ...(fused ? { fused } : {}) };
}

function unflatten(flat: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(flat)) {
    const parts = key.split('.');
    let node = out;
    for (const p of parts.slice(0, -1)) node = (node[p] ??= {}) as Record<string, unknown>;
    node[parts[parts.length - 1]] = v;
  }
  return out;
}

const pct = (x: number) => `${(x * 100).toFixed(2)}%`;
const nmiText = (nmi: number | undefined) => (nmi === undefined ? '' : ` · NMI test ${nmi.toFixed(3)}`);

/** "episodic 5-way 1-shot: 71.23% ± 0.84% (95% interval, 500 tasks, 15 queries per class)", one line per K. */
export function episodicLines(result: ExperimentResult): string[] {
  return (result.final.episodic ?? []).map((e) => `episodic ${e.ways}-way ${e.shots}-shot: ${pct(e.mean)} ± ${pct(e.halfWidth)} (95% interval, ${e.tasks} tasks, ${e.queries} queries per class)`);
}

/** Runs one experiment on the shipped files; progress lines go to `log`; `afterRun` sees the finished experiment before it is freed. */
export async function runCli(options: CliOptions, log: (line: string) => void, afterRun?: (experiment: Experiment) => Promise<void>): Promise<ExperimentResult> {
  const { adapter } = await useNodeBackend(options.backend);
  if (adapter) log(`GPU adapter: ${adapter}`);
  setFusedMode(options.fused ?? 'auto');
  const { config, teacherFolder } = options;
  const teacherFiles = nodeFetchBytes(path.join(PUBLIC_DIR, 'teachers'));
  const teachers = teacherFolder ? (file: string) => teacherFiles(file.startsWith(`${config.teacher}/`) ? `${teacherFolder}/${file.slice(config.teacher.length + 1)}` : file) : teacherFiles;
  const assets = new AssetCache({ data: nodeFetchBytes(path.join(PUBLIC_DIR, 'data')), teachers });
  log(`${config.method} (${config.preset}) · ${teacherFolder ?? config.teacher} → classes ${config.studentClasses.join(',')} · ${config.shotsPerClass} shots · width ${config.studentWidth} · seed ${config.seed} · ${options.backend}`);
  if (options.teacherModel !== undefined) assets.setTeacher(config.teacher, await loadTeacherModel(options.teacherModel));
  const experiment = await createExperiment(
    config,
    assets,
    { backend: options.backend, teacherBaselines: options.teacherBaselines, episodes: options.episodes },
    {
      onMetrics: (m) => {
        const extra = m.triplets ? ` triplets ${m.triplets.mined.toFixed(0)} pT ${m.triplets.meanPT.toFixed(4)} pS ${m.triplets.meanPS.toFixed(4)}` : m.ce !== undefined ? ` ce ${m.ce.toFixed(4)} kd ${(m.kd ?? 0).toFixed(4)}` : '';
        log(`stage ${m.stage} step ${m.step} epoch ${m.epoch} loss ${m.loss.toFixed(4)}${extra} · ${m.stepMs.toFixed(0)} ms/step`);
      },
      onEval: (e) => log(`  eval step ${e.step}: NCM val ${pct(e.ncmValAccuracy)}${e.valAccuracy !== undefined ? ` · head val ${pct(e.valAccuracy)}` : ''}`),
    },
  );
  log(`${experiment.totalSteps} steps (${experiment.stage1Steps} in stage 1), batch ${experiment.batchSize}; teacher NCM on validation ${pct(experiment.teacherNcmValAccuracy)}`);
  try {
    const result = await experiment.runToEnd();
    if (!result) throw new Error('The run stopped before the end.');
    if (result.stage1) log(`stage 1: NCM test ${pct(result.stage1.ncmAccuracy)}${nmiText(result.stage1.nmi)} (checkpoint of step ${result.stage1.bestStep}, NCM val ${pct(result.stage1.ncmValAccuracy)})`);
    log(`final: val ${pct(result.final.valAccuracy)} · test ${pct(result.final.testAccuracy)} · NCM test ${pct(result.final.ncmTestAccuracy)}${nmiText(result.final.nmi)} · ${result.timing.msPerStep.toFixed(0)} ms/step · ${(result.timing.totalMs / 1000).toFixed(1)} s`);
    for (const line of episodicLines(result)) log(line);
    if (afterRun) await afterRun(experiment);
    return result;
  } finally {
    experiment.dispose();
    assets.dispose();
  }
}

async function main(): Promise<void> {
  let options: CliOptions;
  try {
    options = await parseArgs(process.argv.slice(2));
  } catch (e) {
    if (e instanceof UsageError && e.message === USAGE) {
      console.log(USAGE);
      return;
    }
    console.error((e as Error).message);
    process.exitCode = 2;
    return;
  }
  try {
    const log = (line: string) => console.error(line);
    const createdAt = new Date();
    const student = studentCatcher();
    const result = await runCli(options, log, options.out || options.saveStudent ? student.afterRun : undefined);
    const file = await cliRunFile(result, options.backend, createdAt, new Date());
    if (options.saveStudent) log(`student: ${await saveStudentFiles(options.saveStudent, student.get()!)}`);
    if (options.out) {
      await writeBundle(options.out, file, student.get());
      log(`run bundle: ${options.out}`);
    }
    if (options.json) process.stdout.write(`${serialiseRunFile(file)}\n`);
  } catch (e) {
    const err = e as Error & { code?: string };
    console.error(`Error${err.code ? ` (${err.code})` : ''}: ${err.message}`);
    process.exitCode = 1;
  } finally {
    // Dawn keeps Node alive while navigator.gpu is held.
    if (options.backend === 'webgpu') {
      releaseNodeWebGpu();
      exitIfHeld();
    }
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) void main();
