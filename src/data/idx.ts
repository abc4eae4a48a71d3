/**
 * The IDX file format (the format of MNIST, Fashion-MNIST, EMNIST, KMNIST): a 4-byte magic
 * number `0x00 0x00 <type> <ndim>`, `ndim` big-endian uint32 dimensions, then the elements in
 * row-major order, big-endian. Files may be gzip-compressed; compression is detected from the
 * magic bytes (0x1f 0x8b), never from the file name.
 *
 * Everything is validated before anything is built: a truncated, oversized or corrupt file is
 * refused with an {@link IdxFormatError} naming the file and what was wrong.
 */
import { nodeBuiltin } from '../platform/node-builtin.js';

/** Node's zlib, reached at run time so this module also loads in browsers (see {@link nodeBuiltin}). */
function zlib(name: string, what: string): typeof import('node:zlib') {
  const lib = nodeBuiltin<typeof import('node:zlib')>('node:zlib');
  if (!lib) {
    throw new IdxFormatError(name, `${what} gzip needs Node's zlib (Node >= 20.16); in a browser, decompress first (new Response(blob.stream().pipeThrough(new DecompressionStream('gzip'))).arrayBuffer()) and pass the plain bytes`);
  }
  return lib;
}

/** The element types of the IDX format, by their type codes. */
export type IdxType = 'ubyte' | 'byte' | 'short' | 'int' | 'float' | 'double';

export type IdxData = Uint8Array | Int8Array | Int16Array | Int32Array | Float32Array | Float64Array;

export interface IdxArray {
  type: IdxType;
  shape: number[];
  /** Elements in row-major order, in native byte order (a view into the input for ubyte). */
  data: IdxData;
}

const TYPE_BY_CODE: Record<number, IdxType> = { 0x08: 'ubyte', 0x09: 'byte', 0x0b: 'short', 0x0c: 'int', 0x0d: 'float', 0x0e: 'double' };
const CODE_BY_TYPE: Record<IdxType, number> = { ubyte: 0x08, byte: 0x09, short: 0x0b, int: 0x0c, float: 0x0d, double: 0x0e };
const SIZE: Record<IdxType, number> = { ubyte: 1, byte: 1, short: 2, int: 4, float: 4, double: 8 };

/** A data file that is not what it should be; `file` names it. */
export class IdxFormatError extends Error {
  readonly file: string;
  constructor(file: string, problem: string) {
    super(`${file}: ${problem}`);
    this.name = 'IdxFormatError';
    this.file = file;
  }
}

export interface ReadIdxOptions {
  /** Names the file in error messages (a path or a label); defaults to 'IDX data'. */
  name?: string;
}

export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/** The bytes, gunzipped when they start with the gzip magic; corrupt gzip is an IdxFormatError. */
export function maybeGunzip(bytes: Uint8Array, name = 'IDX data'): Uint8Array {
  if (!isGzip(bytes)) return bytes;
  // The gzip trailer's last 4 bytes hold the uncompressed size (mod 2^32): one output chunk of
  // that size spares zlib from concatenating many small ones (a corrupt value only costs speed).
  const hint = bytes.length >= 18 ? new DataView(bytes.buffer, bytes.byteOffset + bytes.length - 4, 4).getUint32(0, true) : 0;
  const chunkSize = Math.min(256 * 2 ** 20, Math.max(64 * 1024, hint + 1));
  const { gunzipSync } = zlib(name, 'reading');
  try {
    const out = gunzipSync(bytes, { chunkSize });
    return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
  } catch (e) {
    throw new IdxFormatError(name, `corrupt gzip data (${(e as Error).message}); the download may be incomplete or the file damaged: delete it and fetch it again`);
  }
}

/** Parses only the header: type, shape, and where the data starts. Validates the size too. */
export function readIdxHeader(bytes: Uint8Array, options: ReadIdxOptions = {}): { type: IdxType; shape: number[]; offset: number } {
  const name = options.name ?? 'IDX data';
  if (bytes.length < 4) throw new IdxFormatError(name, `too short to be an IDX file (${bytes.length} bytes; the header alone needs at least 8)`);
  const hex = Array.from(bytes.subarray(0, 4), (b) => b.toString(16).padStart(2, '0')).join(' ');
  if (bytes[0] !== 0 || bytes[1] !== 0) {
    throw new IdxFormatError(name, `wrong magic number ${hex}: an IDX file starts with 00 00 <type> <ndim> (is this an IDX file?)`);
  }
  const type = TYPE_BY_CODE[bytes[2]];
  if (!type) {
    throw new IdxFormatError(name, `wrong magic number ${hex}: unknown element type code 0x${bytes[2].toString(16).padStart(2, '0')} (valid: 08 ubyte, 09 byte, 0b short, 0c int, 0d float, 0e double)`);
  }
  const ndim = bytes[3];
  if (ndim === 0) throw new IdxFormatError(name, `wrong magic number ${hex}: zero dimensions`);
  const offset = 4 + 4 * ndim;
  if (bytes.length < offset) {
    throw new IdxFormatError(name, `truncated header: ${ndim} dimensions need ${offset} header bytes but the file has ${bytes.length}`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const shape: number[] = [];
  for (let i = 0; i < ndim; i++) shape.push(view.getUint32(4 + 4 * i, false));
  const count = shape.reduce((a, b) => a * b, 1);
  const expected = offset + count * SIZE[type];
  if (bytes.length < expected) {
    throw new IdxFormatError(name, `truncated: the header declares ${shape.join(' x ')} ${type} elements (${expected} bytes in all) but the file holds only ${bytes.length} bytes`);
  }
  if (bytes.length > expected) {
    throw new IdxFormatError(name, `${bytes.length - expected} unexpected trailing bytes after the ${shape.join(' x ')} ${type} elements the header declares (${expected} bytes expected, ${bytes.length} found)`);
  }
  return { type, shape, offset };
}

/**
 * Reads an IDX file's bytes (gzip or plain) into a typed array of its element type:
 * ubyte -> Uint8Array, byte -> Int8Array, short -> Int16Array, int -> Int32Array,
 * float -> Float32Array, double -> Float64Array.
 */
export function readIdx(bytes: Uint8Array, options: ReadIdxOptions = {}): IdxArray {
  const name = options.name ?? 'IDX data';
  const raw = maybeGunzip(bytes, name);
  const { type, shape, offset } = readIdxHeader(raw, { name });
  const count = shape.reduce((a, b) => a * b, 1);
  let data: IdxData;
  if (type === 'ubyte') data = new Uint8Array(raw.buffer, raw.byteOffset + offset, count);
  else if (type === 'byte') data = new Int8Array(raw.buffer, raw.byteOffset + offset, count);
  else {
    const view = new DataView(raw.buffer, raw.byteOffset + offset, count * SIZE[type]);
    if (type === 'short') {
      const out = new Int16Array(count);
      for (let i = 0; i < count; i++) out[i] = view.getInt16(2 * i, false);
      data = out;
    } else if (type === 'int') {
      const out = new Int32Array(count);
      for (let i = 0; i < count; i++) out[i] = view.getInt32(4 * i, false);
      data = out;
    } else if (type === 'float') {
      const out = new Float32Array(count);
      for (let i = 0; i < count; i++) out[i] = view.getFloat32(4 * i, false);
      data = out;
    } else {
      const out = new Float64Array(count);
      for (let i = 0; i < count; i++) out[i] = view.getFloat64(8 * i, false);
      data = out;
    }
  }
  return { type, shape, data };
}

export interface WriteIdxOptions {
  /** gzip the result (level 9); default false. */
  gzip?: boolean;
}

/** Serializes an array to IDX bytes (the inverse of {@link readIdx}). */
export function writeIdx(array: { type: IdxType; shape: readonly number[]; data: ArrayLike<number> }, options: WriteIdxOptions = {}): Uint8Array {
  const { type, shape, data } = array;
  const code = CODE_BY_TYPE[type];
  if (code === undefined) throw new TypeError(`writeIdx: unknown IDX type ${JSON.stringify(type)}; expected one of ${Object.keys(CODE_BY_TYPE).join(', ')}`);
  if (shape.length === 0 || shape.length > 255) throw new RangeError(`writeIdx: IDX needs 1 to 255 dimensions, got ${shape.length}`);
  const count = shape.reduce((a, b) => a * b, 1);
  if (data.length !== count) throw new RangeError(`writeIdx: ${data.length} elements cannot have shape ${shape.join(' x ')}`);
  const offset = 4 + 4 * shape.length;
  const out = new Uint8Array(offset + count * SIZE[type]);
  const view = new DataView(out.buffer);
  out[2] = code;
  out[3] = shape.length;
  shape.forEach((d, i) => view.setUint32(4 + 4 * i, d, false));
  for (let i = 0; i < count; i++) {
    const v = data[i];
    switch (type) {
      case 'ubyte': view.setUint8(offset + i, v); break;
      case 'byte': view.setInt8(offset + i, v); break;
      case 'short': view.setInt16(offset + 2 * i, v, false); break;
      case 'int': view.setInt32(offset + 4 * i, v, false); break;
      case 'float': view.setFloat32(offset + 4 * i, v, false); break;
      case 'double': view.setFloat64(offset + 8 * i, v, false); break;
    }
  }
  return options.gzip ? new Uint8Array(zlib('writeIdx', 'writing').gzipSync(out, { level: 9 })) : out;
}
