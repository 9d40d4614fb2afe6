import { describe, expect, it } from 'vitest';
import { ConfigError, DEFAULT_CONFIG } from '../protocol/config';
import { encodeConfigHash } from '../protocol/url';
import { DEFAULT_EPISODES } from '../core/eval';
import { parseArgs, runCli, UsageError } from './refilled';

const noFiles = async (f: string) => {
  throw new Error(`no such file ${f}`);
};

describe('CLI arguments', () => {
  it('defaults to the app default experiment on the wasm backend', async () => {
    const o = await parseArgs([], noFiles);
    expect(o.config).toEqual(DEFAULT_CONFIG);
    expect(o.backend).toBe('wasm');
    expect((await parseArgs(['--backend', 'cpu'], noFiles)).backend).toBe('cpu');
    expect(o.json).toBe(false);
    expect(o.fused).toBeUndefined();
    expect((await parseArgs(['--fused', 'none'], noFiles)).fused).toBe('none');
  });

  it('applies --set by dotted key, with presets filling in first', async () => {
    const o = await parseArgs(['--set', 'preset=tpami', '--set', 'stage2.lambda=3', '--set', 'studentClasses=5,7-9', '--set', 'shotsPerClass=all', '--json'], noFiles);
    expect(o.config.preset).toBe('tpami');
    expect(o.config.stage2.temperatureOn).toBe('teacher');
    expect(o.config.stage2.lambda).toBe(3);
    expect(o.config.studentClasses).toEqual([5, 7, 8, 9]);
    expect(o.config.shotsPerClass).toBe('all');
    expect(o.json).toBe(true);
  });

  it('takes the augmentation fields by dotted key', async () => {
    const o = await parseArgs(['--set', 'augment.shift=2', '--set', 'augment.flip=true'], noFiles);
    expect(o.config.augment).toEqual({ shift: 2, flip: true });
    await expect(parseArgs(['--set', 'augment.shift=9'], noFiles)).rejects.toThrow(/\(augment\.shift\) must be between 0 and 4/);
    await expect(parseArgs(['--set', 'dataset=mnist', '--set', 'teacher=mnist-0-4', '--set', 'augment.flip=yes'], noFiles)).rejects.toThrow(/\(augment\.flip\) must be off for MNIST digits/);
  });

  it('takes --episodes: 500 tasks by default, 0 turns the episodic evaluation off', async () => {
    expect((await parseArgs([], noFiles)).episodes).toBe(DEFAULT_EPISODES);
    expect(DEFAULT_EPISODES).toBe(500);
    expect((await parseArgs(['--episodes', '1000'], noFiles)).episodes).toBe(1000);
    expect((await parseArgs(['--episodes', '0'], noFiles)).episodes).toBe(0);
    for (const bad of ['1', '-5', '2.5', 'many', '1e9']) await expect(parseArgs(['--episodes', bad], noFiles)).rejects.toThrow(/--episodes takes 0 \(none\) or a number of tasks/);
    await expect(parseArgs(['--episodes'], noFiles)).rejects.toThrow(/--episodes needs a value/);
  });

  it('reads a JSON file and a share link', async () => {
    const fromFile = await parseArgs(['--config', 'c.json'], async () => JSON.stringify({ seed: 7, stage1: { tau1: 2 } }));
    expect(fromFile.config.seed).toBe(7);
    expect(fromFile.config.stage1.tau1).toBe(2);
    const link = `http://127.0.0.1:5173/#${encodeConfigHash({ ...DEFAULT_CONFIG, seed: 42, shotsPerClass: 20 })}`;
    const fromLink = await parseArgs(['--config', link], noFiles);
    expect(fromLink.config).toEqual({ ...DEFAULT_CONFIG, seed: 42, shotsPerClass: 20 });
  });

  it('rejects bad input with the validator messages', async () => {
    await expect(parseArgs(['--set', 'stage1.tau1=abc'], noFiles)).rejects.toThrow(/τ₁ \(stage1\.tau1\) must be a number from 0\.05 to 100/);
    await expect(parseArgs(['--set', 'nope=1'], noFiles)).rejects.toThrow(/unknown key "nope"/);
    await expect(parseArgs(['--set', 'method=kd'], noFiles)).rejects.toThrow(ConfigError);
    await expect(parseArgs(['--set', 'method=kd'], noFiles)).rejects.toThrow(/kd \(Hinton\) needs/);
    await expect(parseArgs(['--config', 'c.json'], async () => '{ not json')).rejects.toThrow(/not valid JSON/);
    await expect(parseArgs(['--config', 'http://x/#v=1&seed=-3'], noFiles)).rejects.toThrow(/seed/);
    await expect(parseArgs(['--frobnicate'], noFiles)).rejects.toThrow(UsageError);
    await expect(parseArgs(['--backend', 'webgl'], noFiles)).rejects.toThrow(/--backend must be one of cpu, wasm, webgpu/);
    await expect(parseArgs(['--fused', 'some'], noFiles)).rejects.toThrow(/--fused must be one of auto, all, none/);
  });
});

describe('CLI run', () => {
  it('runs a short cross-task experiment end to end on the shipped MNIST files', async () => {
    const o = await parseArgs(['--set', 'dataset=mnist', '--set', 'teacher=mnist-0-4', '--set', 'shotsPerClass=3', '--set', 'studentWidth=0.25', '--set', 'stage1.epochs=2', '--set', 'stage2.epochs=2', '--backend', 'wasm', '--episodes', '200'], noFiles);
    const lines: string[] = [];
    const result = await runCli(o, (l) => lines.push(l));
    expect(result.method).toBe('refilled');
    expect(result.counts.train).toBe(15);
    expect(result.counts.test).toBe(2000);
    expect(result.stage1?.ncmAccuracy).toBeGreaterThan(0);
    expect(result.final.testAccuracy).toBeGreaterThanOrEqual(0);
    expect(result.final.perClassAccuracy).toHaveLength(5);
    expect(result.series.metrics.some((m) => m.stage === 1)).toBe(true);
    expect(result.series.metrics.some((m) => m.stage === 2)).toBe(true);
    expect(lines.some((l) => l.startsWith('final:'))).toBe(true);
    // NMI after stage 1 and at the end, and 5-way 1- and 5-shot tasks on the 2,000 test images.
    for (const nmi of [result.stage1?.nmi, result.final.nmi]) {
      expect(nmi).toBeGreaterThan(0);
      expect(nmi).toBeLessThanOrEqual(1);
    }
    expect(result.final.episodic?.map((e) => [e.ways, e.shots, e.queries, e.tasks])).toEqual([
      [5, 1, 15, 200],
      [5, 5, 15, 200],
    ]);
    for (const e of result.final.episodic ?? []) {
      expect(e.mean).toBeGreaterThan(0);
      expect(e.halfWidth).toBeGreaterThan(0);
      expect(e.halfWidth).toBeLessThan(0.05);
    }
    expect(lines.find((l) => l.startsWith('stage 1:'))).toMatch(/NMI test 0\.\d{3}/);
    expect(lines.find((l) => l.startsWith('final:'))).toMatch(/NMI test 0\.\d{3}/);
    expect(lines.filter((l) => l.startsWith('episodic '))).toEqual([expect.stringMatching(/^episodic 5-way 1-shot: \d+\.\d{2}% ± \d\.\d{2}% \(95% interval, 200 tasks, 15 queries per class\)$/), expect.stringMatching(/^episodic 5-way 5-shot: /)]);
    const json = JSON.parse(JSON.stringify(result)) as typeof result;
    expect(json.final.testAccuracy).toBe(result.final.testAccuracy);
    expect(json.final.episodic).toEqual(result.final.episodic);
    expect(json.stage1?.nmi).toBe(result.stage1?.nmi);
  });

  it('reads the teacher from another folder when asked (a variant), and checks it like its own', async () => {
    const o = await parseArgs(['--set', 'dataset=mnist', '--set', 'teacher=mnist-0-4', '--backend', 'wasm'], noFiles);
    // mnist-5-9's files under the id mnist-0-4: read from that folder, refused for its classes.
    await expect(runCli({ ...o, teacherFolder: 'mnist-5-9' }, () => undefined)).rejects.toThrow(/Teacher mnist-0-4 was trained on classes 5,6,7,8,9/);
    await expect(runCli({ ...o, teacherFolder: 'mnist-0-4-missing' }, () => undefined)).rejects.toThrow(/mnist-0-4-missing[\\/]model\.json/);
  });
});

