// safetensors and descent's integer dtypes: I32, U8 and BOOL are written and read as they are;
// I64 loads as int32 with a range check (or as float64 on request); the narrower integers load
// as int32.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { tensor, type Tensor } from '../../src/tensor/index.js';
import { decodeSafetensors, encodeSafetensors } from '../../src/io/index.js';

/** A file of one tensor `name` with dtype `code`, shape and raw little-endian `bytes`. */
function single(name: string, code: string, shape: number[], bytes: Uint8Array): Uint8Array {
  const h = new TextEncoder().encode(JSON.stringify({ [name]: { dtype: code, shape, data_offsets: [0, bytes.length] } }));
  const out = new Uint8Array(8 + h.length + bytes.length);
  new DataView(out.buffer).setBigUint64(0, BigInt(h.length), true);
  out.set(h, 8);
  out.set(bytes, 8 + h.length);
  return out;
}
const bytesOf = (a: ArrayBufferView): Uint8Array => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
const headerOf = (file: Uint8Array): Record<string, { dtype: string }> =>
  JSON.parse(new TextDecoder().decode(file.subarray(8, 8 + Number(new DataView(file.buffer, file.byteOffset).getBigUint64(0, true)))));

describe('safetensors: integer and bool dtypes', () => {
  it('writes int32, uint8 and bool as I32, U8 and BOOL and reads them back exactly, in their dtypes', () => {
    const tensors: Record<string, Tensor> = {
      labels: tensor([[3, -1], [2147483647, -2147483648]], { dtype: 'int32' }),
      pixels: tensor([0, 128, 255], { dtype: 'uint8' }),
      mask: tensor([true, false, true]),
      w: tensor([0.5, -1]),
    };
    const file = encodeSafetensors(tensors);
    const header = headerOf(file);
    assert.deepEqual([header.labels.dtype, header.pixels.dtype, header.mask.dtype, header.w.dtype], ['I32', 'U8', 'BOOL', 'F32']);
    const back = decodeSafetensors(file).tensors;
    for (const [name, t] of Object.entries(tensors)) {
      assert.equal(back[name].dtype, t.dtype, name);
      assert.deepEqual(back[name].shape, t.shape, name);
      assert.deepEqual(Array.from(back[name].data), Array.from(t.data), name);
    }
  });

  it('reads I64 as int32 when every value fits, and names the tensor and the value when one does not', () => {
    const fits = decodeSafetensors(single('count', 'I64', [3], bytesOf(BigInt64Array.from([7n, -2n, 2147483647n])))).tensors.count;
    assert.equal(fits.dtype, 'int32');
    assert.deepEqual(Array.from(fits.data), [7, -2, 2147483647]);
    const big = single('steps', 'I64', [2], bytesOf(BigInt64Array.from([1n, 1099511627776n])));
    assert.throws(() => decodeSafetensors(big, 'model.safetensors'),
      /safetensors: model\.safetensors: tensor 'steps' \(I64\) holds 1099511627776 at flat index 1, outside int32's range \[-2147483648, 2147483647\]; descent loads I64 as int32 \(pass \{ int64: 'float64' \} to load it as float64\)/);
    const asFloat = decodeSafetensors(big, 'model.safetensors', { int64: 'float64' }).tensors.steps;
    assert.equal(asFloat.dtype, 'float64');
    assert.deepEqual(Array.from(asFloat.data), [1, 1099511627776]);
    assert.throws(() => decodeSafetensors(big, 'x', { int64: 'int16' as 'int32' }), /decodeSafetensors: int64 must be 'int32' or 'float64', got "int16"/);
    assert.throws(() => decodeSafetensors(big, 'x', { in64: 'float64' } as never), /decodeSafetensors: unknown option 'in64' \(did you mean 'int64'\?\)/);
  });

  it('reads I16, I8 and U16 as int32, U32 as float64, and any non-zero BOOL byte as 1', () => {
    const i16 = decodeSafetensors(single('a', 'I16', [2], bytesOf(Int16Array.from([-300, 5])))).tensors.a;
    assert.deepEqual([i16.dtype, ...i16.data], ['int32', -300, 5]);
    const i8 = decodeSafetensors(single('a', 'I8', [2], bytesOf(Int8Array.from([-128, 127])))).tensors.a;
    assert.deepEqual([i8.dtype, ...i8.data], ['int32', -128, 127]);
    const u16 = decodeSafetensors(single('a', 'U16', [1], bytesOf(Uint16Array.from([65535])))).tensors.a;
    assert.deepEqual([u16.dtype, ...u16.data], ['int32', 65535]);
    const u32 = decodeSafetensors(single('a', 'U32', [1], bytesOf(Uint32Array.from([4294967295])))).tensors.a;
    assert.deepEqual([u32.dtype, ...u32.data], ['float64', 4294967295]);
    const flags = decodeSafetensors(single('a', 'BOOL', [3], Uint8Array.from([0, 2, 1])));
    assert.deepEqual([flags.tensors.a.dtype, ...flags.tensors.a.data], ['bool', 0, 1, 1]);
  });
});
