import { describe, expect, it } from 'vitest';
import { IdxError, parseIdx, parseIdxImages, parseIdxLabels } from './idx';

/** An IDX header (type 0x08) for `shape`, followed by `data`. */
function idx(shape: number[], data: number[], type = 0x08): Uint8Array {
  const out = new Uint8Array(4 + 4 * shape.length + data.length);
  out.set([0, 0, type, shape.length]);
  const view = new DataView(out.buffer);
  shape.forEach((d, i) => view.setUint32(4 + 4 * i, d, false));
  out.set(data, 4 + 4 * shape.length);
  return out;
}

function codeOf(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(IdxError);
    return (e as IdxError).code;
  }
  throw new Error('expected an IdxError');
}

describe('parseIdx', () => {
  it('parses a hand-made rank-3 buffer, big-endian dimensions, row-major data', () => {
    const bytes = new Uint8Array([0, 0, 8, 3, 0, 0, 0, 2, 0, 0, 0, 2, 0, 0, 0, 3, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 255]);
    const { dtype, shape, data } = parseIdx(bytes);
    expect(dtype).toBe('uint8');
    expect(shape).toEqual([2, 2, 3]);
    expect([...data]).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 255]);
  });

  it('reads large dimensions as unsigned 32-bit big-endian', () => {
    const header = idx([60000], []).subarray(0, 8);
    expect([...header]).toEqual([0, 0, 8, 1, 0, 0, 0xea, 0x60]);
  });

  it('parses from a view with a byte offset', () => {
    const inner = idx([3], [7, 8, 9]);
    const outer = new Uint8Array(inner.length + 5);
    outer.set(inner, 5);
    expect([...parseIdxLabels(outer.subarray(5))]).toEqual([7, 8, 9]);
  });

  it('rejects a bad magic number, and spots gzip', () => {
    expect(codeOf(() => parseIdx(new Uint8Array([1, 0, 8, 1, 0, 0, 0, 0])))).toBe('idx-bad-magic');
    expect(() => parseIdx(new Uint8Array([0x1f, 0x8b, 8, 0, 0, 0, 0, 0]), 'x.gz')).toThrow(/x\.gz.*gzipped/);
  });

  it('rejects element types other than unsigned byte', () => {
    expect(codeOf(() => parseIdx(idx([1], [0], 0x0d)))).toBe('idx-unsupported-type');
  });

  it('rejects truncated data, trailing bytes and short headers', () => {
    expect(codeOf(() => parseIdx(idx([4], [1, 2, 3])))).toBe('idx-truncated');
    expect(codeOf(() => parseIdx(idx([2], [1, 2, 3])))).toBe('idx-truncated');
    expect(codeOf(() => parseIdx(new Uint8Array([0, 0, 8, 3, 0, 0])))).toBe('idx-truncated');
    expect(codeOf(() => parseIdx(new Uint8Array([0, 0])))).toBe('idx-truncated');
  });

  it('checks the rank of image and label files', () => {
    const images = parseIdxImages(idx([2, 1, 2], [1, 2, 3, 4]));
    expect(images).toMatchObject({ count: 2, rows: 1, cols: 2 });
    expect([...images.pixels]).toEqual([1, 2, 3, 4]);
    expect(codeOf(() => parseIdxImages(idx([4], [1, 2, 3, 4])))).toBe('idx-bad-shape');
    expect(codeOf(() => parseIdxLabels(idx([2, 2], [1, 2, 3, 4])))).toBe('idx-bad-shape');
  });
});
