/**
 * Convolution layers' paddingMode (PyTorch's padding_mode): 'zeros' lets the convolution pad;
 * any other mode pads the input explicitly with tensor pad's mode of the same name and
 * convolves unpadded. 'same' splits its total padding d(k-1) as PyTorch does, the extra one last.
 */
import type { Tensor } from '../tensor/index.js';

export type PaddingMode = 'zeros' | 'reflect' | 'replicate' | 'circular';

const PADDING_MODES: readonly PaddingMode[] = ['zeros', 'reflect', 'replicate', 'circular'];

export function checkPaddingMode(mode: unknown, op: string): PaddingMode {
  if (mode === undefined) return 'zeros';
  if (!PADDING_MODES.includes(mode as PaddingMode)) {
    throw new RangeError(`${op}: paddingMode must be one of ${PADDING_MODES.map((m) => `'${m}'`).join(', ')}, got ${JSON.stringify(mode)}`);
  }
  return mode as PaddingMode;
}

/**
 * x padded on its last kernel.length axes by `padding` in `mode` (not 'zeros'): per axis a size,
 * or 'same' / 'valid'.
 */
export function padForConvolution(x: Tensor, padding: readonly number[] | 'same' | 'valid', kernel: readonly number[], dilation: readonly number[], mode: Exclude<PaddingMode, 'zeros'>): Tensor {
  const pads = kernel.map((k, i): [number, number] => {
    if (padding === 'valid') return [0, 0];
    if (padding === 'same') {
      const total = dilation[i] * (k - 1);
      return [Math.floor(total / 2), total - Math.floor(total / 2)];
    }
    return [padding[i], padding[i]];
  });
  return x.pad(pads, mode);
}
