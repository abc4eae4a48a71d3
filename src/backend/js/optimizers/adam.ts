import type { AdamHyper } from '../../optimizer-kernels.js';

export function adam(p: Float32Array, g: Float32Array, m: Float32Array, v: Float32Array, h: AdamHyper, vMax?: Float32Array | null): void {
  const { lr, beta1, beta2, eps, weightDecay, biasCorrection1, biasCorrection2 } = h;
  const stepSize = lr / biasCorrection1;
  const sqrtBc2 = Math.sqrt(biasCorrection2);
  const decay = 1 - lr * weightDecay;
  const n = p.length;
  for (let i = 0; i < n; i++) {
    const gi = g[i];
    const mi = beta1 * m[i] + (1 - beta1) * gi;
    let vi = beta2 * v[i] + (1 - beta2) * gi * gi;
    m[i] = mi;
    v[i] = vi;
    if (vMax) {
      // The running maximum of the stored (float32) second moment, as AMSGrad keeps it.
      vMax[i] = Math.max(vMax[i], v[i]); // NaN propagates, as in torch.maximum
      vi = vMax[i];
    }
    p[i] = p[i] * decay - (stepSize * mi) / (Math.sqrt(vi) / sqrtBc2 + eps);
  }
}
