import type { SgdHyper } from '../../optimizer-kernels.js';

export function sgd(p: Float32Array, grad: Float32Array, buf: Float32Array | null, h: SgdHyper): void {
  const { lr, momentum, weightDecay, nesterov } = h;
  const sign = h.maximize ? -1 : 1;
  const keep = 1 - h.dampening;
  const n = p.length;
  if (!buf) {
    for (let i = 0; i < n; i++) p[i] -= lr * (sign * grad[i] + weightDecay * p[i]);
    return;
  }
  for (let i = 0; i < n; i++) {
    const g = sign * grad[i] + weightDecay * p[i];
    buf[i] = h.firstStep ? g : momentum * buf[i] + keep * g;
    const b = buf[i]; // the stored float32 value, as PyTorch's buffer holds it
    p[i] -= lr * (nesterov ? g + momentum * b : b);
  }
}
