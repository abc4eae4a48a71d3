import type { RmspropHyper } from '../../optimizer-kernels.js';

export function rmsprop(p: Float32Array, grad: Float32Array, sq: Float32Array, gAvg: Float32Array | null, buf: Float32Array | null, h: RmspropHyper): void {
  const { lr, alpha, eps, weightDecay, momentum } = h;
  const sign = h.maximize ? -1 : 1;
  const n = p.length;
  for (let i = 0; i < n; i++) {
    const g = sign * grad[i] + weightDecay * p[i];
    sq[i] = alpha * sq[i] + (1 - alpha) * g * g;
    let s: number;
    if (gAvg) {
      gAvg[i] = alpha * gAvg[i] + (1 - alpha) * g;
      s = Math.sqrt(sq[i] - gAvg[i] * gAvg[i]) + eps;
    } else {
      s = Math.sqrt(sq[i]) + eps;
    }
    if (buf) {
      buf[i] = momentum * buf[i] + g / s;
      p[i] -= lr * buf[i];
    } else {
      p[i] -= (lr * g) / s;
    }
  }
}
