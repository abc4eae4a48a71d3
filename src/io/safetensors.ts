/**
 * The safetensors format (https://github.com/huggingface/safetensors), so checkpoints can be
 * read by any tool that reads it:
 *
 *   8 bytes   N, the header length, unsigned little-endian
 *   N bytes   a JSON object: for each tensor name { "dtype", "shape", "data_offsets": [begin, end] }
 *             (offsets relative to the data section), and optionally "__metadata__", a map of
 *             strings to strings; padded with spaces so the data section starts 8-byte aligned
 *   rest      the data section: each tensor's elements, row-major, little-endian
 *
 * descent writes F32, F64, I32, U8 and BOOL (its five dtypes). It reads those as they are, and
 * the other types too, so weights written by other tools load: F16 and BF16 to float32; I64
 * (PyTorch's default integer), I16, I8 and U16 to int32, with an error naming the tensor for an
 * I64 value outside int32's range; U32 and U64 to float64 (exact up to 2^53). Every structural problem is reported with a clear error:
 * a truncated file, a header length beyond the file, invalid JSON, an unknown dtype, offsets out
 * of range, overlapping, not covering the data section, or not matching the shape.
 */
import { Tensor, type DType, type Storage } from '../tensor/index.js';
import { checkOptions } from '../tensor/options.js';

/** Bytes per element of every dtype the format defines. */
const DTYPE_SIZES: Record<string, number> = {
  F64: 8, F32: 4, F16: 2, BF16: 2, I64: 8, I32: 4, I16: 2, I8: 1, U64: 8, U32: 4, U16: 2, U8: 1, BOOL: 1,
};

/** The largest header accepted (as the reference implementation: 100 MB). */
const MAX_HEADER = 100_000_000;

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

export interface SafetensorsContents {
  tensors: Record<string, Tensor>;
  metadata: Record<string, string>;
}

function fail(source: string, message: string): never {
  throw new Error(`safetensors: ${source}: ${message}`);
}

/** The safetensors code descent writes for each of its dtypes. */
const CODE_OF: Record<DType, string> = { float32: 'F32', float64: 'F64', int32: 'I32', uint8: 'U8', bool: 'BOOL' };

function dtypeCode(t: Tensor): string {
  return CODE_OF[t.dtype];
}

function checkEntries(tensors: Record<string, Tensor>, metadata: Record<string, string> | undefined, op: string): void {
  if (tensors === null || typeof tensors !== 'object') throw new TypeError(`${op}: tensors must be an object mapping names to tensors`);
  for (const [name, t] of Object.entries(tensors)) {
    if (name === '' || name === '__metadata__') throw new RangeError(`${op}: '${name}' is not a valid tensor name`);
    if (!(t instanceof Tensor)) throw new TypeError(`${op}: '${name}' is not a Tensor`);
  }
  if (metadata !== undefined) {
    if (metadata === null || typeof metadata !== 'object') throw new TypeError(`${op}: metadata must be an object of strings`);
    for (const [k, v] of Object.entries(metadata)) {
      if (typeof v !== 'string') throw new TypeError(`${op}: metadata value for '${k}' must be a string, got ${typeof v}`);
    }
  }
}

/** The little-endian bytes of a tensor's elements (a view, without copying, on little-endian hosts). */
function tensorBytes(t: Tensor): Uint8Array {
  const d = t.data;
  if (LITTLE_ENDIAN) return new Uint8Array(d.buffer, d.byteOffset, d.byteLength);
  const out = new Uint8Array(d.byteLength);
  const view = new DataView(out.buffer);
  const size = d.BYTES_PER_ELEMENT;
  for (let i = 0; i < d.length; i++) {
    if (size === 8) view.setFloat64(i * 8, d[i], true);
    else if (size === 1) view.setUint8(i, d[i]);
    else if (d instanceof Int32Array) view.setInt32(i * 4, d[i], true);
    else view.setFloat32(i * 4, d[i], true);
  }
  return out;
}

/**
 * obj[key] = value as an own property whatever the key: a plain assignment to `__proto__` would
 * replace the object's prototype instead (a tensor named so would vanish, and poison the object).
 */
function setOwn<T>(obj: Record<string, T>, key: string, value: T): void {
  Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
}

/** The header (length prefix included) and the data chunks, in order: saveSafetensors writes them one by one, without joining them. */
export function encodeParts(tensors: Record<string, Tensor>, metadata: Record<string, string> | undefined, op: string): Uint8Array[] {
  checkEntries(tensors, metadata, op);
  const header: Record<string, unknown> = {};
  if (metadata && Object.keys(metadata).length > 0) header.__metadata__ = { ...metadata };
  // The header lists the tensors in the caller's order; the data section puts the 8-byte
  // elements first (a stable sort), so every tensor starts aligned to its element size, as the
  // reference writer arranges it (zero-copy readers rely on that).
  const entries = Object.entries(tensors);
  const offsets = new Map<string, [number, number]>();
  const chunks: Uint8Array[] = [];
  let offset = 0;
  for (const [name, t] of [...entries].sort((a, b) => b[1].data.BYTES_PER_ELEMENT - a[1].data.BYTES_PER_ELEMENT)) {
    const bytes = tensorBytes(t);
    offsets.set(name, [offset, offset + bytes.byteLength]);
    offset += bytes.byteLength;
    chunks.push(bytes);
  }
  for (const [name, t] of entries) setOwn(header, name, { dtype: dtypeCode(t), shape: [...t.shape], data_offsets: offsets.get(name) });
  let json = JSON.stringify(header);
  const encoded = new TextEncoder().encode(json);
  const padded = Math.ceil(encoded.byteLength / 8) * 8;
  json += ' '.repeat(padded - encoded.byteLength);
  const headerBytes = new TextEncoder().encode(json);
  const prefix = new Uint8Array(8);
  new DataView(prefix.buffer).setBigUint64(0, BigInt(headerBytes.byteLength), true);
  return [prefix, headerBytes, ...chunks];
}

/** The whole file as bytes. */
export function encodeSafetensors(tensors: Record<string, Tensor>, metadata?: Record<string, string>): Uint8Array {
  const parts = encodeParts(tensors, metadata, 'encodeSafetensors');
  const out = new Uint8Array(parts.reduce((n, p) => n + p.byteLength, 0));
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.byteLength;
  }
  return out;
}

/** Options of {@link decodeSafetensors} (and of reading a file). */
export interface SafetensorsReadOptions {
  /**
   * What I64 tensors load as: 'int32' (the default; a value outside int32's range is an error
   * naming the tensor) or 'float64' (any value, exact up to 2^53 in magnitude).
   */
  int64?: 'int32' | 'float64';
}

/** The elements of tensor `name` (dtype code `dtype`) in bytes[begin, end), in the typed array of the dtype descent loads it as. */
function decodeValues(bytes: Uint8Array, begin: number, end: number, dtype: string, name: string, source: string, int64: 'int32' | 'float64'): Storage {
  const n = (end - begin) / DTYPE_SIZES[dtype];
  const view = new DataView(bytes.buffer, bytes.byteOffset + begin, end - begin);
  const copy = (): ArrayBuffer => bytes.buffer.slice(bytes.byteOffset + begin, bytes.byteOffset + end) as ArrayBuffer;
  switch (dtype) {
    case 'F32': {
      if (LITTLE_ENDIAN) return new Float32Array(copy());
      const out = new Float32Array(n);
      for (let i = 0; i < n; i++) out[i] = view.getFloat32(i * 4, true);
      return out;
    }
    case 'F64': {
      if (LITTLE_ENDIAN) return new Float64Array(copy());
      const out = new Float64Array(n);
      for (let i = 0; i < n; i++) out[i] = view.getFloat64(i * 8, true);
      return out;
    }
    case 'I32': {
      if (LITTLE_ENDIAN) return new Int32Array(copy());
      const out = new Int32Array(n);
      for (let i = 0; i < n; i++) out[i] = view.getInt32(i * 4, true);
      return out;
    }
    case 'U8':
      return new Uint8Array(copy());
    case 'BOOL': {
      const out = new Uint8ClampedArray(n);
      for (let i = 0; i < n; i++) out[i] = view.getUint8(i) !== 0 ? 1 : 0;
      return out;
    }
    case 'I64': {
      if (int64 === 'float64') return Float64Array.from({ length: n }, (_, i) => Number(view.getBigInt64(i * 8, true)));
      const out = new Int32Array(n);
      for (let i = 0; i < n; i++) {
        const v = view.getBigInt64(i * 8, true);
        if (v < -2147483648n || v > 2147483647n) {
          fail(source, `tensor '${name}' (I64) holds ${v} at flat index ${i}, outside int32's range [-2147483648, 2147483647]; descent loads I64 as int32 (pass { int64: 'float64' } to load it as float64)`);
        }
        out[i] = Number(v);
      }
      return out;
    }
    case 'U32': case 'U64': {
      const out = new Float64Array(n);
      for (let i = 0; i < n; i++) out[i] = dtype === 'U32' ? view.getUint32(i * 4, true) : Number(view.getBigUint64(i * 8, true));
      return out;
    }
    case 'I16': case 'U16': case 'I8': {
      const out = new Int32Array(n);
      for (let i = 0; i < n; i++) out[i] = dtype === 'I16' ? view.getInt16(i * 2, true) : dtype === 'U16' ? view.getUint16(i * 2, true) : view.getInt8(i);
      return out;
    }
    default: {
      const out = new Float32Array(n);
      for (let i = 0; i < n; i++) out[i] = dtype === 'F16' ? halfToFloat(view.getUint16(i * 2, true)) : bf16ToFloat(view.getUint16(i * 2, true));
      return out;
    }
  }
}

function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 0x1f;
  const frac = h & 0x3ff;
  if (exp === 0) return sign * 2 ** -14 * (frac / 1024);
  if (exp === 31) return frac ? Number.NaN : sign * Infinity;
  return sign * 2 ** (exp - 15) * (1 + frac / 1024);
}

const bf16Scratch = new DataView(new ArrayBuffer(4));
function bf16ToFloat(b: number): number {
  bf16Scratch.setUint32(0, b << 16);
  return bf16Scratch.getFloat32(0);
}

/**
 * Parses safetensors bytes. `source` names the file in error messages. Tensors come back as
 * the dtypes {@link loadedDType} names (see the file's head).
 */
export function decodeSafetensors(bytes: Uint8Array, source = 'buffer', options: SafetensorsReadOptions = {}): SafetensorsContents {
  if (!(bytes instanceof Uint8Array)) throw new TypeError('decodeSafetensors: expected a Uint8Array');
  checkOptions('decodeSafetensors', options, ['int64']);
  const int64 = options?.int64 ?? 'int32';
  if (int64 !== 'int32' && int64 !== 'float64') throw new RangeError(`decodeSafetensors: int64 must be 'int32' or 'float64', got ${JSON.stringify(int64)}`);
  if (bytes.byteLength < 8) fail(source, `the file is too short (${bytes.byteLength} bytes) to hold the 8-byte header length; it is truncated or not a safetensors file`);
  const n64 = new DataView(bytes.buffer, bytes.byteOffset, 8).getBigUint64(0, true);
  if (n64 > BigInt(bytes.byteLength - 8)) {
    fail(source, `the header length (${n64} bytes) goes beyond the end of the file (${bytes.byteLength} bytes); the file is truncated or not a safetensors file`);
  }
  const n = Number(n64);
  if (n > MAX_HEADER) fail(source, `the header length (${n} bytes) exceeds the limit of ${MAX_HEADER} bytes`);
  if (n < 2) fail(source, `the header length (${n} bytes) is too small for a JSON object`);
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(8, 8 + n));
  } catch {
    fail(source, 'the header is not valid UTF-8; the file is corrupt or not a safetensors file');
  }
  if (!text.startsWith('{')) fail(source, `the header does not start with '{' (it starts with ${JSON.stringify(text.slice(0, 16))}); the file is corrupt or not a safetensors file`);
  let header: unknown;
  try {
    header = JSON.parse(text);
  } catch (err) {
    fail(source, `the header is not valid JSON (${(err as Error).message}); the file is corrupt`);
  }
  if (header === null || typeof header !== 'object' || Array.isArray(header)) fail(source, 'the header is not a JSON object');
  const data = bytes.subarray(8 + n);
  const metadata: Record<string, string> = {};
  const entries: { name: string; dtype: string; shape: number[]; begin: number; end: number }[] = [];
  for (const [name, raw] of Object.entries(header as Record<string, unknown>)) {
    if (name === '__metadata__') {
      if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) fail(source, '__metadata__ must be an object mapping strings to strings');
      for (const [k, v] of Object.entries(raw as Record<string, unknown>)) {
        if (typeof v !== 'string') fail(source, `__metadata__ value for '${k}' is not a string`);
        setOwn(metadata, k, v);
      }
      continue;
    }
    if (raw === null || typeof raw !== 'object') fail(source, `the entry for tensor '${name}' is not an object`);
    const { dtype, shape, data_offsets: offsets } = raw as { dtype?: unknown; shape?: unknown; data_offsets?: unknown };
    if (dtype === undefined) fail(source, `the entry for tensor '${name}' has no dtype; the header is corrupt`);
    if (typeof dtype !== 'string' || !(dtype in DTYPE_SIZES)) {
      fail(source, `tensor '${name}' has unknown dtype ${JSON.stringify(dtype)}; known dtypes: ${Object.keys(DTYPE_SIZES).join(', ')}`);
    }
    if (!Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d) && d >= 0)) {
      fail(source, `tensor '${name}' has an invalid shape ${JSON.stringify(shape)}; expected an array of non-negative integers`);
    }
    if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every((o) => Number.isSafeInteger(o) && o >= 0) || offsets[0] > offsets[1]) {
      fail(source, `tensor '${name}' has invalid data_offsets ${JSON.stringify(offsets)}; expected [begin, end] with 0 <= begin <= end`);
    }
    const [begin, end] = offsets as number[];
    const expected = (shape as number[]).reduce((p, d) => p * d, 1) * DTYPE_SIZES[dtype];
    if (end - begin !== expected) {
      fail(source, `tensor '${name}' (${dtype}, shape [${(shape as number[]).join(', ')}]) needs ${expected} bytes but its data_offsets [${begin}, ${end}] span ${end - begin}`);
    }
    if (end > data.byteLength) {
      fail(source, `tensor '${name}' has data_offsets [${begin}, ${end}] beyond the data section (${data.byteLength} bytes); the file is truncated or corrupt`);
    }
    entries.push({ name, dtype, shape: shape as number[], begin, end });
  }
  // The tensors must tile the data section: no overlaps, no holes, nothing left over.
  const sorted = [...entries].sort((a, b) => a.begin - b.begin || a.end - b.end);
  let cursor = 0;
  for (const e of sorted) {
    if (e.begin < cursor) fail(source, `tensor '${e.name}' (data_offsets [${e.begin}, ${e.end}]) overlaps the tensor before it (which ends at ${cursor}); the file is corrupt`);
    if (e.begin > cursor) fail(source, `the data section has a gap of ${e.begin - cursor} bytes before tensor '${e.name}' (data_offsets [${e.begin}, ${e.end}]); the file is corrupt`);
    cursor = e.end;
  }
  if (cursor !== data.byteLength) {
    fail(source, `the tensors cover ${cursor} bytes but the data section holds ${data.byteLength}; the file is corrupt`);
  }
  const tensors: Record<string, Tensor> = {};
  for (const e of entries) setOwn(tensors, e.name, new Tensor(decodeValues(data, e.begin, e.end, e.dtype, e.name, source, int64), e.shape));
  return { tensors, metadata };
}

/** The dtype descent gives a safetensors dtype code when loading it. */
export function loadedDType(code: string): DType {
  switch (code) {
    case 'F64': case 'U32': case 'U64': return 'float64';
    case 'I64': case 'I32': case 'I16': case 'I8': case 'U16': return 'int32';
    case 'U8': return 'uint8';
    case 'BOOL': return 'bool';
    default: return 'float32';
  }
}
