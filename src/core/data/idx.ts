/**
 * A pure parser for IDX files, the format of the original MNIST and Fashion-MNIST
 * distributions (`*-ubyte`). No Node APIs: bytes in, shape and data out.
 *
 * Layout: a 4-byte magic number `00 00 <type> <rank>`, then `rank` big-endian uint32
 * dimension sizes, then the data in row-major order. Only type `0x08` (unsigned byte),
 * the one these data sets use, is supported.
 */

/** Why an IDX buffer was rejected. */
export type IdxErrorCode = 'idx-bad-magic' | 'idx-unsupported-type' | 'idx-truncated' | 'idx-bad-shape';

/** A malformed or unsupported IDX buffer; `message` names the source and the problem. */
export class IdxError extends Error {
  override readonly name = 'IdxError';
  constructor(
    readonly code: IdxErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/** A parsed IDX array of unsigned bytes: `data.length === shape.reduce(×)`. */
export interface IdxArray {
  dtype: 'uint8';
  shape: number[];
  /** Row-major values; a view into the input buffer, not a copy. */
  data: Uint8Array;
}

const IDX_TYPE_UINT8 = 0x08;

/**
 * Parses an IDX buffer of unsigned bytes. `source` names the buffer in error messages
 * (for example the file name). Trailing bytes after the data are an error, so that a file
 * with a wrong header is not read silently.
 */
export function parseIdx(bytes: Uint8Array, source = 'IDX buffer'): IdxArray {
  if (bytes.length < 4) {
    throw new IdxError('idx-truncated', `${source}: ${bytes.length} bytes is too short for an IDX header (is it still gzipped?).`);
  }
  if (bytes[0] !== 0 || bytes[1] !== 0) {
    const hint = bytes[0] === 0x1f && bytes[1] === 0x8b ? ' It looks gzipped: decompress it first.' : '';
    throw new IdxError('idx-bad-magic', `${source}: not an IDX file (magic starts with ${hex(bytes[0])} ${hex(bytes[1])}, expected 00 00).${hint}`);
  }
  const type = bytes[2];
  const rank = bytes[3];
  if (type !== IDX_TYPE_UINT8) {
    throw new IdxError('idx-unsupported-type', `${source}: IDX element type ${hex(type)} is not supported; only 0x08 (unsigned byte) is.`);
  }
  if (rank < 1) {
    throw new IdxError('idx-bad-shape', `${source}: IDX rank is 0; expected at least 1 dimension.`);
  }
  const headerBytes = 4 + 4 * rank;
  if (bytes.length < headerBytes) {
    throw new IdxError('idx-truncated', `${source}: header declares ${rank} dimensions but the buffer ends after ${bytes.length} bytes.`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const shape: number[] = [];
  let size = 1;
  for (let d = 0; d < rank; d++) {
    const dim = view.getUint32(4 + 4 * d, false);
    shape.push(dim);
    size *= dim;
  }
  const dataBytes = bytes.length - headerBytes;
  if (dataBytes !== size) {
    const problem = dataBytes < size ? 'is truncated' : 'has trailing bytes';
    throw new IdxError('idx-truncated', `${source}: shape [${shape.join(', ')}] needs ${size} data bytes but the file has ${dataBytes}; it ${problem}.`);
  }
  return { dtype: 'uint8', shape, data: bytes.subarray(headerBytes) };
}

/**
 * Parses an IDX image file (rank 3: `[count, rows, cols]`).
 * Returns `pixels` of length count·rows·cols, row-major, one image after another.
 */
export function parseIdxImages(bytes: Uint8Array, source = 'IDX images'): { count: number; rows: number; cols: number; pixels: Uint8Array } {
  const { shape, data } = parseIdx(bytes, source);
  if (shape.length !== 3) {
    throw new IdxError('idx-bad-shape', `${source}: expected an image file of rank 3 [count, rows, cols], got shape [${shape.join(', ')}].`);
  }
  return { count: shape[0], rows: shape[1], cols: shape[2], pixels: data };
}

/** Parses an IDX label file (rank 1: `[count]`); returns one byte per label. */
export function parseIdxLabels(bytes: Uint8Array, source = 'IDX labels'): Uint8Array {
  const { shape, data } = parseIdx(bytes, source);
  if (shape.length !== 1) {
    throw new IdxError('idx-bad-shape', `${source}: expected a label file of rank 1 [count], got shape [${shape.join(', ')}].`);
  }
  return data;
}

function hex(byte: number | undefined): string {
  return byte === undefined ? '--' : `0x${byte.toString(16).padStart(2, '0')}`;
}
