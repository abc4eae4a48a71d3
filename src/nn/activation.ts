/** Activation functions as modules (the functions themselves are in ./functional.ts). */
import { full, type DType, type Tensor } from '../tensor/index.js';
import { checkOptions } from '../tensor/options.js';
import { celu, glu, hardsigmoid, hardswish, hardtanh, mish, prelu, relu6, softmin, softsign, tanhshrink } from './activation-extra.js';
import { declareOwnModules, Module } from './module.js';

export class ReLU extends Module {
  forward(x: Tensor): Tensor {
    return x.relu();
  }
}

export class LeakyReLU extends Module {
  constructor(readonly negativeSlope = 0.01) {
    super();
  }
  forward(x: Tensor): Tensor {
    return x.leakyRelu(this.negativeSlope);
  }
  override extraRepr(): string {
    return `negativeSlope=${this.negativeSlope}`;
  }
}

export class ELU extends Module {
  constructor(readonly alpha = 1) {
    super();
  }
  forward(x: Tensor): Tensor {
    return x.elu(this.alpha);
  }
  override extraRepr(): string {
    return `alpha=${this.alpha}`;
  }
}

/** Self-normalizing ELU (Klambauer et al. 2017). */
export class SELU extends Module {
  forward(x: Tensor): Tensor {
    return x.selu();
  }
}

export class GELU extends Module {
  constructor(readonly approximate: 'none' | 'tanh' = 'none') {
    super();
  }
  forward(x: Tensor): Tensor {
    return x.gelu(this.approximate);
  }
  override extraRepr(): string {
    return `approximate='${this.approximate}'`;
  }
}

export class Tanh extends Module {
  forward(x: Tensor): Tensor {
    return x.tanh();
  }
}

export class Sigmoid extends Module {
  forward(x: Tensor): Tensor {
    return x.sigmoid();
  }
}

export class Softplus extends Module {
  constructor(readonly beta = 1) {
    super();
  }
  forward(x: Tensor): Tensor {
    return x.softplus(this.beta);
  }
  override extraRepr(): string {
    return `beta=${this.beta}`;
  }
}

/** x sigmoid(x), also called swish. */
export class SiLU extends Module {
  forward(x: Tensor): Tensor {
    return x.silu();
  }
}

export class Softmax extends Module {
  constructor(readonly dim = -1) {
    super();
  }
  forward(x: Tensor): Tensor {
    return x.softmax(this.dim);
  }
}

export class LogSoftmax extends Module {
  constructor(readonly dim = -1) {
    super();
  }
  forward(x: Tensor): Tensor {
    return x.logSoftmax(this.dim);
  }
}

/** min(max(x, minVal), maxVal) (PyTorch's nn.Hardtanh, defaults -1 and 1). */
export class Hardtanh extends Module {
  constructor(readonly minVal = -1, readonly maxVal = 1) {
    super();
    if (!(minVal <= maxVal)) throw new RangeError(`Hardtanh: minVal (${minVal}) must not exceed maxVal (${maxVal})`);
  }
  forward(x: Tensor): Tensor {
    return hardtanh(x, this.minVal, this.maxVal);
  }
  override extraRepr(): string {
    return `minVal=${this.minVal}, maxVal=${this.maxVal}`;
  }
}

/** min(max(x, 0), 6). */
export class ReLU6 extends Module {
  forward(x: Tensor): Tensor {
    return relu6(x);
  }
}

/** x relu6(x + 3) / 6 (MobileNetV3). */
export class Hardswish extends Module {
  forward(x: Tensor): Tensor {
    return hardswish(x);
  }
}

/** relu6(x + 3) / 6 (MobileNetV3). */
export class Hardsigmoid extends Module {
  forward(x: Tensor): Tensor {
    return hardsigmoid(x);
  }
}

/** x tanh(softplus(x)). */
export class Mish extends Module {
  forward(x: Tensor): Tensor {
    return mish(x);
  }
}

/** x / (1 + |x|). */
export class Softsign extends Module {
  forward(x: Tensor): Tensor {
    return softsign(x);
  }
}

/** x - tanh(x). */
export class Tanhshrink extends Module {
  forward(x: Tensor): Tensor {
    return tanhshrink(x);
  }
}

/**
 * Leaky ReLU with a learnable slope (He et al. 2015, PyTorch's nn.PReLU): one slope shared by
 * every channel (numParameters 1, the default) or one per channel (axis 1), all starting at `init`.
 */
export class PReLU extends Module {
  weight!: Tensor;
  /** How many slopes (the constructor's numParameters; Module.numParameters() counts all parameters). */
  readonly numSlopes: number;

  constructor(numParameters = 1, init = 0.25, options: { dtype?: DType } = {}) {
    super();
    checkOptions('PReLU', options, ['dtype']);
    if (!Number.isInteger(numParameters) || numParameters < 1) throw new RangeError(`PReLU: numParameters must be a positive integer, got ${numParameters}`);
    if (typeof init !== 'number' || !Number.isFinite(init)) throw new RangeError(`PReLU: init must be a finite number, got ${init}`);
    this.numSlopes = numParameters;
    this.registerParameter('weight', full([numParameters], init, { dtype: options.dtype ?? 'float32' }));
  }
  forward(x: Tensor): Tensor {
    return prelu(x, this.weight);
  }
  override extraRepr(): string {
    return `numParameters=${this.numSlopes}`;
  }
}

/** max(0, x) + min(0, alpha (exp(x / alpha) - 1)). */
export class CELU extends Module {
  constructor(readonly alpha = 1) {
    super();
  }
  forward(x: Tensor): Tensor {
    return celu(x, this.alpha);
  }
  override extraRepr(): string {
    return `alpha=${this.alpha}`;
  }
}

/** The gated linear unit a sigmoid(b) of the halves of x along `dim` (default -1). */
export class GLU extends Module {
  constructor(readonly dim = -1) {
    super();
  }
  forward(x: Tensor): Tensor {
    return glu(x, this.dim);
  }
  override extraRepr(): string {
    return `dim=${this.dim}`;
  }
}

/** softmax(-x) along `dim` (default -1). */
export class Softmin extends Module {
  constructor(readonly dim = -1) {
    super();
  }
  forward(x: Tensor): Tensor {
    return softmin(x, this.dim);
  }
}

declareOwnModules(
  ReLU, LeakyReLU, ELU, SELU, GELU, Tanh, Sigmoid, Softplus, SiLU, Softmax, LogSoftmax,
  Hardtanh, ReLU6, Hardswish, Hardsigmoid, Mish, Softsign, Tanhshrink, PReLU, CELU, GLU, Softmin,
);
