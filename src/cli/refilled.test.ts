import { describe, expect, it } from 'vitest';
import { ConfigError, DEFAULT_CONFIG } from '../protocol/config';
import { encodeConfigHash } from '../protocol/url';
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
    await expect(parseArgs(['--backend', 'webgpu'], noFiles)).rejects.toThrow(/--backend must be one of cpu, wasm/);
  });
});

describe('CLI run', () => {
  it('runs a short cross-task experiment end to end on the shipped MNIST files', async () => {
    const o = await parseArgs(['--set', 'dataset=mnist', '--set', 'teacher=mnist-0-4', '--set', 'shotsPerClass=3', '--set', 'studentWidth=0.25', '--set', 'stage1.epochs=2', '--set', 'stage2.epochs=2', '--backend', 'wasm'], noFiles);
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
    expect(JSON.parse(JSON.stringify(result)).final.testAccuracy).toBe(result.final.testAccuracy);
  });
});
