import { describe, expect, it, vi } from 'vitest';
import { DEFAULT_CONFIG, detectPreset, getField } from '../protocol/config';
import { decodeConfigHash, encodeConfigHash } from '../protocol/url';
import { bindUrlSync, createConfigStore, fieldError, fieldUsedBy, hashOf, selectCanRun, type UrlHost } from './configStore';

/** A window stand-in: a hash, replaceState that records, and a dispatchable hashchange. */
function fakeHost(hash = '') {
  const listeners = new Set<() => void>();
  const replaced: string[] = [];
  const host: UrlHost & { fire(hash: string): void; replaced: string[] } = {
    location: { hash },
    history: {
      replaceState: (_d, _u, url) => {
        host.location.hash = url ?? '';
        replaced.push(url ?? '');
      },
    },
    addEventListener: (_t, l) => listeners.add(l),
    removeEventListener: (_t, l) => listeners.delete(l),
    fire(next) {
      host.location.hash = next;
      listeners.forEach((l) => l());
    },
    replaced,
  };
  return host;
}

describe('config store', () => {
  it('starts from the defaults, valid', () => {
    const store = createConfigStore();
    expect(store.getState().config).toEqual(DEFAULT_CONFIG);
    expect(store.getState().errors).toEqual([]);
    expect(selectCanRun(store.getState())).toBe(true);
  });

  it('editing a preset-controlled field switches the preset to custom, editing it back restores it', () => {
    const store = createConfigStore();
    store.getState().applyPreset('current');
    store.getState().setField('stage1.tau1', 5);
    expect(store.getState().config.preset).toBe('custom');
    store.getState().setField('stage1.tau1', 4);
    expect(store.getState().config.preset).toBe('current');
  });

  it('editing a field no preset fixes keeps the preset', () => {
    const store = createConfigStore();
    store.getState().setField('shotsPerClass', 5);
    expect(store.getState().config.preset).toBe(DEFAULT_CONFIG.preset);
  });

  it('applyPreset fills in the hyperparameters', () => {
    const store = createConfigStore();
    store.getState().applyPreset('cvpr2020');
    const c = store.getState().config;
    expect(c.preset).toBe('cvpr2020');
    expect(c.stage1.mining).toBe('semihard-nearest');
    expect(c.stage2.lambda).toBe(1000);
    expect(detectPreset(c)).toBe('cvpr2020');
    store.getState().setField('preset', 'tpami');
    expect(store.getState().config.stage2.temperatureOn).toBe('teacher');
  });

  it('shows validation errors at the field and blocks running', () => {
    const store = createConfigStore();
    store.getState().setField('stage1.tau1', 0);
    expect(fieldError(store.getState(), 'stage1.tau1')).toMatch(/between/);
    expect(selectCanRun(store.getState())).toBe(false);
    store.getState().setField('method', 'kd');
    expect(fieldError(store.getState(), 'method')).toBeUndefined(); // per-field errors come first
    store.getState().setField('stage1.tau1', 4);
    expect(fieldError(store.getState(), 'method')).toMatch(/kd/);
  });

  it('a half-typed value blocks running until it parses or is replaced', () => {
    const store = createConfigStore();
    store.getState().setInputError('stage2.lambda', 'λ must be a number');
    expect(selectCanRun(store.getState())).toBe(false);
    expect(fieldError(store.getState(), 'stage2.lambda')).toBe('λ must be a number');
    store.getState().setField('stage2.lambda', 3);
    expect(selectCanRun(store.getState())).toBe(true);
  });

  it('choosing a teacher sets its dataset and classes; choosing a dataset picks its teacher', () => {
    const store = createConfigStore();
    store.getState().setTeacher('fashion-all');
    expect(store.getState().config.teacherClasses).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    store.getState().setDataset('mnist');
    expect(store.getState().config.teacher).toBe('mnist-0-4');
    expect(store.getState().config.teacherClasses).toEqual([0, 1, 2, 3, 4]);
    expect(store.getState().errors).toEqual([]);
  });

  it('toggles student classes, kept sorted', () => {
    const store = createConfigStore();
    store.getState().toggleStudentClass(2);
    expect(store.getState().config.studentClasses).toEqual([2, 5, 6, 7, 8, 9]);
    store.getState().toggleStudentClass(6);
    expect(store.getState().config.studentClasses).toEqual([2, 5, 7, 8, 9]);
    store.getState().setStudentClasses([9]);
    expect(fieldError(store.getState(), 'studentClasses')).toMatch(/at least 2/);
  });

  it('knows which fields a method ignores', () => {
    expect(fieldUsedBy('vanilla', 'stage1.tau1')).toBe(false);
    expect(fieldUsedBy('refilled', 'stage1.tau1')).toBe(true);
    expect(fieldUsedBy('refilled', 'stage1.rkdAngleWeight')).toBe(false);
    expect(fieldUsedBy('rkd', 'stage1.rkdAngleWeight')).toBe(true);
    expect(fieldUsedBy('kd', 'stage2.kdTau')).toBe(true);
    expect(fieldUsedBy('vanilla', 'stage2.lambda')).toBe(false);
    expect(fieldUsedBy('vanilla', 'batchSize')).toBe(true);
  });
});

describe('URL sync', () => {
  it('round-trips the config through the hash', () => {
    const a = createConfigStore();
    a.getState().applyPreset('tpami');
    a.getState().setField('shotsPerClass', 'all');
    a.getState().setStudentClasses([1, 3, 5, 7]);
    a.getState().setField('stage2.lambda', 2.5);
    a.getState().setField('studentWidth', 0.25);
    const b = createConfigStore();
    b.getState().loadHash(`#${hashOf(a.getState())}`);
    expect(b.getState().config).toEqual(a.getState().config);
    expect(b.getState().notices).toEqual([]);
  });

  it('writes every change with replaceState and reads the link on start', () => {
    const start = encodeConfigHash({ ...DEFAULT_CONFIG, shotsPerClass: 5 }, { hidden: ['advanced'] });
    const host = fakeHost(`#${start}`);
    const store = createConfigStore();
    const stop = bindUrlSync(host, store);
    expect(store.getState().config.shotsPerClass).toBe(5);
    expect(store.getState().hidden).toEqual(['advanced']);
    store.getState().setField('stage1.tau1', 8);
    const written = decodeConfigHash(host.location.hash);
    expect(written.config.stage1.tau1).toBe(8);
    expect(written.config.preset).toBe('custom');
    expect(written.extras.hidden).toEqual(['advanced']);
    stop();
    store.getState().setField('stage1.tau1', 9);
    expect(decodeConfigHash(host.location.hash).config.stage1.tau1).toBe(8);
  });

  it('fills an empty hash with the whole config', () => {
    const host = fakeHost('');
    const store = createConfigStore();
    bindUrlSync(host, store);
    expect(decodeConfigHash(host.location.hash).config).toEqual(DEFAULT_CONFIG);
  });

  it('re-reads the hash when it changes (a pasted link), with its notices', () => {
    const host = fakeHost('');
    const store = createConfigStore();
    bindUrlSync(host, store);
    host.fire('#shotsPerClass=20&stage1.tau1=banana&autorun=1&compare_hide=1');
    const s = store.getState();
    expect(s.config.shotsPerClass).toBe(20);
    expect(s.config.stage1.tau1).toBe(DEFAULT_CONFIG.stage1.tau1);
    expect(s.notices.some((n) => n.includes('stage1.tau1'))).toBe(true);
    expect(s.autorun).toBe(true);
    expect(s.hidden).toEqual(['compare']);
    // The store's normalised hash is written back, and does not trigger another load.
    const spy = vi.spyOn(store.getState(), 'loadHash');
    host.fire(host.location.hash);
    expect(spy).not.toHaveBeenCalled();
    expect(getField(decodeConfigHash(host.location.hash).config, 'shotsPerClass')).toBe(20);
  });

  it('dismisses notices one by one or all at once', () => {
    const store = createConfigStore();
    store.getState().loadHash('#foo=1&bar=2&baz=3');
    expect(store.getState().notices).toHaveLength(3);
    store.getState().dismissNotice(1);
    expect(store.getState().notices.map((n) => /"(\w+)"/.exec(n)?.[1])).toEqual(['foo', 'baz']);
    store.getState().dismissNotices();
    expect(store.getState().notices).toEqual([]);
  });

  it('keeps autorun in the link when asked', () => {
    const host = fakeHost('');
    const store = createConfigStore();
    bindUrlSync(host, store);
    store.getState().setAutorun(true);
    expect(decodeConfigHash(host.location.hash).extras.autorun).toBe(true);
  });

  it('keeps the comparison’s seed count in the link, clamped to 1…10', () => {
    const host = fakeHost('#compareSeeds=5');
    const store = createConfigStore();
    bindUrlSync(host, store);
    expect(store.getState().compareSeeds).toBe(5);
    store.getState().setCompareSeeds(7);
    expect(decodeConfigHash(host.location.hash).extras.compareSeeds).toBe(7);
    store.getState().setCompareSeeds(40);
    expect(store.getState().compareSeeds).toBe(10);
    store.getState().setCompareSeeds(0);
    expect(store.getState().compareSeeds).toBe(1);
    store.getState().setCompareSeeds(3);
    expect(host.location.hash).not.toContain('compareSeeds');
  });
});
