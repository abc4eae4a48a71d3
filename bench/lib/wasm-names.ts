/** Names for the profiler's wasm-function[i] frames (bench/profile-user.ts). */

/** Function index -> export name, read from a wasm binary's export section (kernels.wasm has no name section). */
export function wasmExportNames(bytes: Uint8Array): Map<number, string> {
  const b = bytes;
  let p = 8;
  const leb = (): number => {
    let r = 0;
    let shift = 0;
    for (;;) {
      const byte = b[p++];
      r |= (byte & 0x7f) << shift;
      if (!(byte & 0x80)) return r >>> 0;
      shift += 7;
    }
  };
  const names = new Map<number, string>();
  while (p < b.length) {
    const id = b[p++];
    const size = leb();
    const end = p + size;
    if (id === 7) {
      for (let n = leb(); n > 0; n--) {
        const len = leb();
        const name = new TextDecoder().decode(b.subarray(p, p + len));
        p += len;
        const kind = b[p++];
        const index = leb();
        if (kind === 0) names.set(index, name);
      }
    }
    p = end;
  }
  return names;
}
