/**
 * The benchmark's models in descent: the nn layers (Linear, Conv2d, ReLU, MaxPool2d, Flatten,
 * Sequential), nn's crossEntropy (logSoftmax + gather) and createOptimizer('adam'), whose
 * float32 step is the fused `kernels().adam`.
 */
import { Conv2d, Flatten, Linear, MaxPool2d, Module, ReLU, Sequential, crossEntropy } from '../../src/nn/index.js';
import { createOptimizer, type Optimizer } from '../../src/optim/index.js';
import { Generator } from '../../src/tensor/random.js';
import type { Tensor } from '../../src/tensor/tensor.js';

/** MLP 784-256-256-10 with ReLU. */
export function mlp(seed = 0): Module {
  const generator = new Generator(seed);
  return new Sequential(new Linear(784, 256, { generator }), new ReLU(), new Linear(256, 256, { generator }), new ReLU(), new Linear(256, 10, { generator }));
}

/** conv 3x3 1->16 pad 1, ReLU, max-pool 2, conv 3x3 16->32 pad 1, ReLU, max-pool 2, dense 1568->10. */
export function cnn(seed = 0): Module {
  const generator = new Generator(seed);
  return new Sequential(
    new Conv2d(1, 16, 3, { padding: 1, generator }), new ReLU(), new MaxPool2d(2),
    new Conv2d(16, 32, 3, { padding: 1, generator }), new ReLU(), new MaxPool2d(2),
    new Flatten(), new Linear(1568, 10, { generator }),
  );
}

export function adam(model: Module, lr = 1e-3): Optimizer<object> {
  return createOptimizer('adam', model.parameters(), { lr });
}

/** One training step: forward, cross-entropy, backward, Adam. Returns the loss. */
export function trainStep(model: Module, opt: Optimizer<object>, x: Tensor, y: Tensor): number {
  opt.zeroGrad();
  const loss = crossEntropy(model.forward(x), y);
  loss.backward();
  opt.step();
  return loss.item();
}
