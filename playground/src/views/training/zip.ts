/**
 * Reads the files of a .zip archive (stored or deflated entries, as every common zip tool
 * writes them) from its central directory, inflating with DecompressionStream('deflate-raw'),
 * so a zip of class folders can be dropped in like a folder. DOM-free; no ZIP64, no encryption.
 */
import { DatasetError } from './datasets.js';

/** One file of an archive: its path inside it and its bytes. */
export interface ZipEntry {
  path: string;
  bytes: Uint8Array;
}

async function inflateRaw(b: Uint8Array): Promise<Uint8Array> {
  const stream = new Blob([new Uint8Array(b)]).stream().pipeThrough(new DecompressionStream('deflate-raw'));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

/** The archive's files (folders left out), in the order of its central directory. */
export async function readZip(data: Uint8Array, name = 'the zip'): Promise<ZipEntry[]> {
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  // The end-of-central-directory record: signature 0x06054b50, within the last 64 KiB + 22 bytes.
  let eocd = -1;
  for (let i = data.length - 22; i >= Math.max(0, data.length - 22 - 65535); i--) {
    if (view.getUint32(i, true) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw new DatasetError(`${name}: not a zip archive (no end-of-central-directory record)`);
  const count = view.getUint16(eocd + 10, true);
  let p = view.getUint32(eocd + 16, true);
  const out: ZipEntry[] = [];
  const decoder = new TextDecoder();
  for (let k = 0; k < count; k++) {
    if (view.getUint32(p, true) !== 0x02014b50) throw new DatasetError(`${name}: central directory entry ${k} is damaged`);
    const method = view.getUint16(p + 10, true);
    const compressed = view.getUint32(p + 20, true);
    const nameLen = view.getUint16(p + 28, true);
    const extraLen = view.getUint16(p + 30, true);
    const commentLen = view.getUint16(p + 32, true);
    const local = view.getUint32(p + 42, true);
    const path = decoder.decode(data.subarray(p + 46, p + 46 + nameLen));
    p += 46 + nameLen + extraLen + commentLen;
    if (path.endsWith('/')) continue;
    const start = local + 30 + view.getUint16(local + 26, true) + view.getUint16(local + 28, true);
    const raw = data.subarray(start, start + compressed);
    if (method === 0) out.push({ path, bytes: raw.slice() });
    else if (method === 8) out.push({ path, bytes: await inflateRaw(raw) });
    else throw new DatasetError(`${name}: ${path} uses compression method ${method}; only stored (0) and deflate (8) are read`);
  }
  return out;
}
