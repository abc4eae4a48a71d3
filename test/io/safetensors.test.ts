/** The safetensors reader and writer: round trips, interop with the reference implementation, corrupt files, atomic writes. */
import { describe, it, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { randn, tensor, Generator, Tensor } from '../../src/tensor/index.js';
import { decodeSafetensors, encodeSafetensors, loadSafetensors, readSafetensors, saveSafetensors } from '../../src/io/index.js';

const fixture = (name: string): string => fileURLToPath(new URL(`../fixtures/nn/${name}`, import.meta.url));

let dir = '';
beforeEach(() => {
  dir = fs.mkdtempSync(join(os.tmpdir(), 'descent-io-'));
});
afterEach(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

/** A header-length prefix plus `header` (a JSON string) plus `data` bytes. */
function build(header: string, data: Uint8Array = new Uint8Array(0)): Uint8Array {
  const h = new TextEncoder().encode(header);
  const out = new Uint8Array(8 + h.length + data.length);
  new DataView(out.buffer).setBigUint64(0, BigInt(h.length), true);
  out.set(h, 8);
  out.set(data, 8 + h.length);
  return out;
}

describe('safetensors round trip', () => {
  it('saves and loads float32, float64, scalars and empty tensors exactly, with metadata', () => {
    const g = new Generator(1);
    const tensors = {
      'layer.weight': randn([3, 5], { generator: g }),
      'layer.bias': randn([5], { generator: g, dtype: 'float64' }),
      step: tensor(12),
      empty: new Tensor(new Float32Array(0), [0, 4]),
      odd: randn([3], { generator: g }),
    };
    const path = join(dir, 'a.safetensors');
    saveSafetensors(path, tensors, { epoch: '3', note: 'ünïcode ✓' });
    const { tensors: back, metadata } = readSafetensors(path);
    assert.deepEqual(metadata, { epoch: '3', note: 'ünïcode ✓' });
    assert.deepEqual(Object.keys(back), Object.keys(tensors));
    for (const [k, t] of Object.entries(tensors)) {
      assert.equal(back[k].dtype, t.dtype, k);
      assert.deepEqual([...back[k].shape], [...t.shape], k);
      assert.deepEqual([...back[k].data], [...t.data], k);
    }
    assert.deepEqual(Object.keys(loadSafetensors(path)), Object.keys(tensors));
    // the data section starts 8-byte aligned and float64 data comes first
    const bytes = fs.readFileSync(path);
    const n = Number(bytes.readBigUInt64LE(0));
    assert.equal((8 + n) % 8, 0);
    const header = JSON.parse(bytes.subarray(8, 8 + n).toString('utf8'));
    assert.deepEqual(header['layer.bias'].data_offsets, [0, 40]);
    assert.equal(header['layer.bias'].dtype, 'F64');
    assert.equal(header['layer.weight'].dtype, 'F32');
  });

  it('writes exactly the bytes of the committed file that the reference implementation reads (scripts/fixtures/nn_fixtures.py checks it)', () => {
    const bytes = encodeSafetensors({
      a: tensor([[0, 1, 2], [3, 4, 5]]).div(4),
      b: tensor([-1.5, 1e-300, 2], { dtype: 'float64' }),
      c: tensor(7),
    }, { written_by: 'descent', purpose: 'interop' });
    assert.deepEqual(Buffer.from(bytes), fs.readFileSync(fixture('descent-written.safetensors')));
  });

  it('reads a file written by the reference implementation (F32, F64, F16, BF16, I64, BOOL, scalars, empty)', () => {
    const expected = JSON.parse(fs.readFileSync(fixture('reference.json'), 'utf8')) as {
      tensors: Record<string, { shape: number[]; data: number[] }>;
      metadata: Record<string, string>;
    };
    // count (I64) holds 2^40, beyond int32: loaded as float64 on request
    const { tensors, metadata } = readSafetensors(fixture('reference.safetensors'), { int64: 'float64' });
    assert.deepEqual(metadata, expected.metadata);
    assert.deepEqual(Object.keys(tensors).sort(), Object.keys(expected.tensors).sort());
    for (const [k, e] of Object.entries(expected.tensors)) {
      assert.deepEqual([...tensors[k].shape], e.shape, k);
      assert.deepEqual([...tensors[k].data], e.data, k);
    }
    assert.equal(tensors.w64.dtype, 'float64');
    assert.equal(tensors.w32.dtype, 'float32');
    assert.equal(tensors.count.dtype, 'float64');
  });

  it('refuses invalid input when writing', () => {
    assert.throws(() => encodeSafetensors({ x: [1, 2] as unknown as Tensor }), /'x' is not a Tensor/);
    assert.throws(() => encodeSafetensors({ __metadata__: tensor([1]) }), /not a valid tensor name/);
    assert.throws(() => encodeSafetensors({}, { n: 3 as unknown as string }), /metadata value for 'n' must be a string/);
  });
});

describe('safetensors: corrupt and truncated files are refused with clear errors', () => {
  const good = encodeSafetensors({ w: tensor([[1, 2], [3, 4]]), b: tensor([5, 6], { dtype: 'float64' }) });

  it('a truncated file (data cut short)', () => {
    assert.throws(() => decodeSafetensors(good.subarray(0, good.length - 3), 'x'), /beyond the data section \(\d+ bytes\); the file is truncated or corrupt/);
  });
  it('a file shorter than the length prefix', () => {
    assert.throws(() => decodeSafetensors(good.subarray(0, 5)), /too short \(5 bytes\) to hold the 8-byte header length/);
  });
  it('a header length beyond the file', () => {
    assert.throws(() => decodeSafetensors(good.subarray(0, 30)), /header length \(\d+ bytes\) goes beyond the end of the file \(30 bytes\)/);
    const bad = new Uint8Array(good);
    new DataView(bad.buffer).setBigUint64(0, 2n ** 62n, true);
    assert.throws(() => decodeSafetensors(bad), /goes beyond the end of the file/);
  });
  it('invalid JSON or not an object', () => {
    assert.throws(() => decodeSafetensors(build('{"w": {"dtype": "F32",')), /header is not valid JSON/);
    assert.throws(() => decodeSafetensors(build('[1, 2, 3]  ')), /does not start with '\{'/);
    const bytes = new Uint8Array(good);
    bytes[8] = 0xff;
    assert.throws(() => decodeSafetensors(bytes), /not valid UTF-8/);
  });
  it('an unknown dtype', () => {
    assert.throws(() => decodeSafetensors(build('{"w":{"dtype":"F128","shape":[1],"data_offsets":[0,16]}}', new Uint8Array(16))), /tensor 'w' has unknown dtype "F128"; known dtypes: F64, F32/);
  });
  it('offsets out of range, overlapping, leaving gaps, or not matching the shape', () => {
    const data = new Uint8Array(16);
    assert.throws(() => decodeSafetensors(build('{"w":{"dtype":"F32","shape":[2],"data_offsets":[12,20]}}', data)), /beyond the data section/);
    assert.throws(() => decodeSafetensors(build('{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}}', new Uint8Array(12))),
      /overlaps the tensor before it/);
    assert.throws(() => decodeSafetensors(build('{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[1],"data_offsets":[12,16]}}', data)),
      /gap of 4 bytes before tensor 'b'/);
    assert.throws(() => decodeSafetensors(build('{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}', data)), /cover 8 bytes but the data section holds 16/);
    assert.throws(() => decodeSafetensors(build('{"a":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}}', new Uint8Array(8))), /needs 12 bytes but its data_offsets \[0, 8\] span 8/);
    assert.throws(() => decodeSafetensors(build('{"a":{"dtype":"F32","shape":[2],"data_offsets":[8,0]}}', data)), /invalid data_offsets/);
    assert.throws(() => decodeSafetensors(build('{"a":{"dtype":"F32","shape":[-2],"data_offsets":[0,8]}}', data)), /invalid shape/);
    assert.throws(() => decodeSafetensors(build('{"__metadata__":{"k":1}}')), /__metadata__ value for 'k' is not a string/);
  });
  it('names the file when reading from disk', () => {
    const path = join(dir, 'broken.safetensors');
    fs.writeFileSync(path, good.subarray(0, 40));
    assert.throws(() => loadSafetensors(path), (e: Error) => e.message.includes(path) && /truncated/.test(e.message));
    assert.throws(() => loadSafetensors(join(dir, 'missing.safetensors')), /cannot read .*missing\.safetensors/);
  });
});

describe('atomic writes', () => {
  it('a write that fails midway leaves the original file intact and no temporary file behind', () => {
    const path = join(dir, 'model.safetensors');
    saveSafetensors(path, { w: tensor([1, 2, 3]) });
    const original = fs.readFileSync(path);
    const realWrite = fs.writeSync;
    let calls = 0;
    // Simulate the disk filling up: the third write call (after the prefix and header) throws.
    (fs as { writeSync: unknown }).writeSync = (...args: unknown[]) => {
      if (++calls === 3) throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
      return (realWrite as (...a: unknown[]) => number)(...args);
    };
    try {
      assert.throws(
        () => saveSafetensors(path, { w: randn([100]), v: randn([100]), u: randn([10]) }),
        (e: Error) => /could not write .*model\.safetensors.*ENOSPC.*previous file at that path is unchanged/.test(e.message),
      );
    } finally {
      (fs as { writeSync: unknown }).writeSync = realWrite;
    }
    assert.ok(calls >= 3, 'the write really was interrupted midway');
    assert.deepEqual(fs.readFileSync(path), original);
    assert.deepEqual(fs.readdirSync(dir), ['model.safetensors']);
    assert.deepEqual([...loadSafetensors(path).w.data], [1, 2, 3]);
  });

  it('replaces an existing file in one step', () => {
    const path = join(dir, 'x.safetensors');
    saveSafetensors(path, { a: tensor([1]) });
    saveSafetensors(path, { b: tensor([2, 3]) });
    assert.deepEqual(Object.keys(loadSafetensors(path)), ['b']);
    assert.deepEqual(fs.readdirSync(dir), ['x.safetensors']);
  });

  it('reports a missing directory', () => {
    assert.throws(() => saveSafetensors(join(dir, 'nope', 'x.safetensors'), { a: tensor([1]) }), /could not write .*ENOENT/);
  });
});

describe('safetensors: tensor names that are Object.prototype keys', () => {
  /** A header written by hand, as another writer would: tensors named __proto__ and constructor. */
  function fileWith(names: string[]): Uint8Array {
    const header: string[] = names.map((n, i) => `${JSON.stringify(n)}:{"dtype":"F32","shape":[1],"data_offsets":[${4 * i},${4 * i + 4}]}`);
    const json = new TextEncoder().encode(`{${header.join(',')},"__metadata__":{"__proto__":"kept"}}`);
    const out = new Uint8Array(8 + json.length + 4 * names.length);
    new DataView(out.buffer).setBigUint64(0, BigInt(json.length), true);
    out.set(json, 8);
    const values = new DataView(out.buffer, 8 + json.length);
    names.forEach((_, i) => values.setFloat32(4 * i, i + 1, true));
    return out;
  }

  it('keeps __proto__ and constructor as ordinary entries and leaves the prototype alone', () => {
    const { tensors, metadata } = decodeSafetensors(fileWith(['__proto__', 'constructor', 'w']));
    assert.equal(Object.getPrototypeOf(tensors), Object.prototype);
    assert.deepEqual(Object.keys(tensors), ['__proto__', 'constructor', 'w']);
    const proto = Object.getOwnPropertyDescriptor(tensors, '__proto__')?.value as Tensor;
    assert.ok(proto instanceof Tensor);
    assert.deepEqual(proto.toArray(), [1]);
    assert.deepEqual((tensors['constructor'] as Tensor).toArray(), [2]);
    assert.equal(Object.getOwnPropertyDescriptor(metadata, '__proto__')?.value, 'kept');
    assert.equal(({} as Record<string, unknown>).toArray, undefined); // Object.prototype untouched
  });

  it('writes a tensor named __proto__ instead of dropping it', () => {
    const input: Record<string, Tensor> = { a: tensor([5]) };
    Object.defineProperty(input, '__proto__', { value: tensor([7, 8]), enumerable: true, writable: true, configurable: true });
    const back = decodeSafetensors(encodeSafetensors(input)).tensors;
    assert.deepEqual((Object.getOwnPropertyDescriptor(back, '__proto__')?.value as Tensor).toArray(), [7, 8]);
  });
});
