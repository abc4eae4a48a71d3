import type { AdagradHyper } from '../../optimizer-kernels.js';

export function adagrad(p: Float32Array, grad: Float32Array, sum: Float32Array, h: AdagradHyper): void {
  const { lr, eps, weightDecay } = h;
  const sign = h.maximize ? -1 : 1;
  const n = p.length;
  for (let i = 0; i < n; i++) {
    const g = sign * grad[i] + weightDecay * p[i];
    sum[i] += g * g;
    p[i] -= (lr * g) / (Math.sqrt(sum[i]) + eps);
  }
}
