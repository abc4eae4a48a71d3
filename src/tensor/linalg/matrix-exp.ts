/** The matrix exponential by scaling and squaring with a Padé approximant: torch.linalg.matrix_exp. */
import { noGrad } from '../autograd.js';
import type { Tensor } from '../tensor.js';
import { identity, squareBatch } from './matrices.js';
import { solve } from './solve.js';

/** The [13/13] Padé coefficients (Higham 2005). */
const B = [
  64764752532480000, 32382376266240000, 7771770303897600, 1187353796428800, 129060195264000, 10559470521600,
  670442572800, 33522128640, 1323241920, 40840800, 960960, 16380, 182, 1,
];
/** The largest 1-norm for which [13/13] Padé is accurate to double precision (Higham's θ₁₃). */
const THETA_13 = 5.371920351148152;

/**
 * exp(A) of a square matrix or of each of a batch (PyTorch's `torch.linalg.matrix_exp`): A is
 * scaled by 2⁻ˢ until its 1-norm is at most θ₁₃, the [13/13] Padé approximant is evaluated and
 * squared s times (s the largest any matrix of the batch needs). Written with differentiable
 * ops (matmul and solve), so it is differentiable to any order.
 */
export function matrixExp(a: Tensor): Tensor {
  const { count, rows: n } = squareBatch(a, 'linalg.matrixExp', 'A');
  const norm1 = noGrad(() => {
    let worst = 0;
    for (let c = 0; c < count; c++) {
      for (let j = 0; j < n; j++) {
        let s = 0;
        for (let i = 0; i < n; i++) s += Math.abs(a.data[c * n * n + i * n + j]);
        worst = Math.max(worst, s);
      }
    }
    return worst;
  });
  if (!Number.isFinite(norm1)) return a.mul(NaN);
  const s = norm1 > THETA_13 ? Math.ceil(Math.log2(norm1 / THETA_13)) : 0;
  const x = s > 0 ? a.mul(2 ** -s) : a;
  const eye = identity(n, a.dtype);
  const x2 = x.matmul(x);
  const x4 = x2.matmul(x2);
  const x6 = x4.matmul(x2);
  const u = x.matmul(x6.matmul(x6.mul(B[13]).add(x4.mul(B[11])).add(x2.mul(B[9])))
    .add(x6.mul(B[7])).add(x4.mul(B[5])).add(x2.mul(B[3])).add(eye.mul(B[1])));
  const v = x6.matmul(x6.mul(B[12]).add(x4.mul(B[10])).add(x2.mul(B[8])))
    .add(x6.mul(B[6])).add(x4.mul(B[4])).add(x2.mul(B[2])).add(eye.mul(B[0]));
  let r = solve(v.sub(u), v.add(u));
  for (let i = 0; i < s; i++) r = r.matmul(r);
  return r;
}
