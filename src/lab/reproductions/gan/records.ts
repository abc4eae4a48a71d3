/** How the GAN reproductions store generated images in a trial record (compact 8-bit base64). */
import { Tensor } from '../../../tensor/index.js';

/** Images [N, 1, H, W] in [lo, hi] as base64 of 8-bit gray levels (compact in a trial record). */
export function encodeImages(images: Tensor, range: [number, number] = [0, 1]): { shape: number[]; base64: string } {
  const [lo, hi] = range;
  const bytes = Buffer.alloc(images.numel());
  for (let i = 0; i < images.numel(); i++) bytes[i] = Math.max(0, Math.min(255, Math.round(((images.data[i] - lo) / (hi - lo)) * 255)));
  return { shape: [...images.shape], base64: bytes.toString('base64') };
}

/** The inverse of {@link encodeImages}: a float tensor in [0, 1]. */
export function decodeImages(e: { shape: number[]; base64: string }): Tensor {
  const bytes = Buffer.from(e.base64, 'base64');
  return new Tensor(Float32Array.from(bytes, (b) => b / 255), e.shape);
}
