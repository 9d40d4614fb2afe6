/**
 * `npm run refilled -- [--config <file.json | share URL>] [--set key=value …] [--json]`
 *
 * Runs one experiment headless in Node on the shipped data and teachers, shows progress on
 * stderr and, with --json, prints the result as one JSON object on stdout.
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
import { NODE_BACKENDS, useNodeBackend, type NodeBackend } from './backend';
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
  --teacher-model <model.json>  use a tfjs layers model as the teacher (its .bin files beside it,
                              e.g. a student saved by --save-student); its classes are
                              --set teacherClasses=… when given, else unknown (cross-task)
  --teacher-baselines         also report 1-NN, NCM and logistic regression on the teacher's embedding
  --episodes N                episodic 5-way 1-shot and 5-shot tasks on the final test embedding
                              (default ${DEFAULT_EPISODES}; 0 turns them off)
  --json                      print the result as one JSON object on stdout
  --help                      this text

Without --config the app's default experiment runs (${DEFAULT_CONFIG.teacher} → classes ${DEFAULT_CONFIG.studentClasses.join(',')}, ${DEFAULT_CONFIG.shotsPerClass} shots).`;

export interface CliOptions {
  config: ExperimentConfig;
  backend: NodeBackend;
  json: boolean;
  teacherBaselines: boolean;
  /** Episodic tasks per K (0: none; default DEFAULT_EPISODES). */
  episodes?: number;
  /** `--teacher-model`: the model.json of the teacher (config.teacher is its `user:` id). */
  teacherModel?: string;
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
  let teacherModel: string | undefined;
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
    } else if (arg === '--json') json = true;
    else if (arg === '--teacher-baselines') teacherBaselines = true;
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
  return { config: resolveConfig(unflatten(flat)), backend, json, teacherBaselines, episodes, ...(teacherModel !== undefined ? { teacherModel } : {}) };
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

/** Runs one experiment on the shipped files; progress lines go to `log`. */
export async function runCli(options: CliOptions, log: (line: string) => void): Promise<ExperimentResult> {
  const { adapter } = await useNodeBackend(options.backend);
  if (adapter) log(`GPU adapter: ${adapter}`);
  const assets = new AssetCache({ data: nodeFetchBytes(path.join(PUBLIC_DIR, 'data')), teachers: nodeFetchBytes(path.join(PUBLIC_DIR, 'teachers')) });
  const { config } = options;
  if (options.teacherModel !== undefined) assets.setTeacher(config.teacher, await loadTeacherModel(options.teacherModel));
  log(`${config.method} (${config.preset}) · ${config.teacher} → classes ${config.studentClasses.join(',')} · ${config.shotsPerClass} shots · width ${config.studentWidth} · seed ${config.seed} · ${options.backend}`);
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
    const result = await runCli(options, (line) => console.error(line));
    if (options.json) process.stdout.write(`${JSON.stringify(result)}\n`);
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
