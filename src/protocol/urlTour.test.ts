import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from './config';
import { decodeConfigHash, encodeConfigHash } from './url';

describe('the tour=1 view flag', () => {
  it('is read as an extra (not configuration) and written back only when on', () => {
    const on = decodeConfigHash('#tour=1&autorun=1&layout=present&advanced_hide=1');
    expect(on.extras).toMatchObject({ tour: true, autorun: true, layout: 'present', hidden: ['advanced'] });
    expect(on.notices).toEqual([]);
    expect(on.config).toEqual(DEFAULT_CONFIG);
    expect(decodeConfigHash('#tour=true').extras.tour).toBe(true);
    expect(decodeConfigHash('#tour=0').extras.tour).toBeUndefined();
    expect(decodeConfigHash('#').extras.tour).toBeUndefined();
    expect(encodeConfigHash(DEFAULT_CONFIG, { tour: true })).toContain('tour=1');
    expect(encodeConfigHash(DEFAULT_CONFIG, { tour: false })).not.toContain('tour');
  });

  it('a malformed value is a notice, and the tour does not start', () => {
    const bad = decodeConfigHash('#tour=yes');
    expect(bad.extras.tour).toBeUndefined();
    expect(bad.notices).toEqual(['tour "yes" is not 1 or 0; the tour does not start by itself.']);
  });
});
