import { describe, expect, it } from 'vitest';
import { applyPreset, DEFAULT_CONFIG, setField } from './config';
import { decodeConfigHash, encodeConfigHash } from './url';

describe('URL hash codec', () => {
  it('round-trips every field exactly', () => {
    let config = applyPreset(DEFAULT_CONFIG, 'cvpr2020');
    config = setField(setField(setField(config, 'seed', 123), 'studentClasses', [5, 7, 8, 9]), 'shotsPerClass', 'all');
    config = setField(config, 'optimizer.nesterov', false);
    config = setField(setField(config, 'augment.shift', 3), 'augment.flip', true);
    const hash = encodeConfigHash(config, { autorun: true, backend: 'cpu', hidden: ['advanced'] });
    expect(hash).toContain('v=1');
    expect(hash).toContain('studentClasses=5,7-9');
    expect(hash).toContain('stage1.mining=semihard-nearest');
    expect(hash).toContain('augment.shift=3&augment.flip=true');
    const decoded = decodeConfigHash(`#${hash}`);
    expect(decoded.notices).toEqual([]);
    expect(decoded.config).toEqual(config);
    expect(decoded.extras).toEqual({ autorun: true, backend: 'cpu', hidden: ['advanced'], compareSeeds: 3 });
  });

  it('reads compareSeeds (1 to 10), writes it only when not the default, and names a bad one', () => {
    expect(decodeConfigHash('#v=1').extras.compareSeeds).toBe(3);
    expect(encodeConfigHash(DEFAULT_CONFIG, { compareSeeds: 3 })).not.toContain('compareSeeds');
    const hash = encodeConfigHash(DEFAULT_CONFIG, { compareSeeds: 5 });
    expect(hash).toContain('compareSeeds=5');
    expect(decodeConfigHash(hash).extras.compareSeeds).toBe(5);
    expect(decodeConfigHash('#compareSeeds=10').notices).toEqual([]);
    for (const bad of ['0', '11', '2.5', 'x', '']) {
      const d = decodeConfigHash(`#compareSeeds=${bad}`);
      expect(d.extras.compareSeeds, bad).toBe(3);
      expect(d.notices.join(' '), bad).toContain('compareSeeds');
    }
  });

  it('reads a whole URL and a short link with a preset', () => {
    const d = decodeConfigHash('http://127.0.0.1:5173/?x=1#v=1&preset=tpami&seed=9');
    expect(d.config.seed).toBe(9);
    expect(d.config.stage2.temperatureOn).toBe('teacher');
    expect(d.config.preset).toBe('tpami');
    expect(decodeConfigHash('').config).toEqual(DEFAULT_CONFIG);
  });

  it('falls back per field with a notice naming it, never throwing', () => {
    const d = decodeConfigHash('#v=1&stage1.tau1=banana&shotsPerClass=-4&studentClasses=zz&method=magic&frob=1&backend=tpu&seed=5');
    expect(d.config.stage1.tau1).toBe(DEFAULT_CONFIG.stage1.tau1);
    expect(d.config.shotsPerClass).toBe(DEFAULT_CONFIG.shotsPerClass);
    expect(d.config.studentClasses).toEqual(DEFAULT_CONFIG.studentClasses);
    expect(d.config.method).toBe(DEFAULT_CONFIG.method);
    expect(d.config.seed).toBe(5);
    const text = d.notices.join('\n');
    for (const name of ['stage1.tau1', 'shotsPerClass', 'studentClasses', 'method', 'frob', 'backend']) expect(text).toContain(name);
    expect(d.extras.backend).toBeNull();
  });

  it('clamps invalid combinations back to a valid config', () => {
    const d = decodeConfigHash('#v=1&method=kd&teacher=mnist-0-4');
    expect(d.notices.length).toBeGreaterThan(0);
    expect(d.config.method === 'kd').toBe(false);
    const v2 = decodeConfigHash('#v=2&seed=3');
    expect(v2.notices[0]).toMatch(/version 2/);
  });

  it('carries the page layout and the theme, and names a bad one', () => {
    const hash = encodeConfigHash(DEFAULT_CONFIG, { layout: 'present', theme: 'contrast' });
    expect(hash).toContain('layout=present');
    expect(hash).toContain('theme=contrast');
    expect(decodeConfigHash(hash).extras).toMatchObject({ layout: 'present', theme: 'contrast' });
    expect(encodeConfigHash(DEFAULT_CONFIG, { layout: 'default' })).not.toContain('layout=');
    const bad = decodeConfigHash('#layout=cinema&theme=neon');
    expect(bad.extras.layout).toBeUndefined();
    expect(bad.extras.theme).toBeUndefined();
    expect(bad.notices.join(' ')).toMatch(/layout "cinema".*theme "neon"/);
  });
});
