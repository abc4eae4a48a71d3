import { nn, createOptimizer, crossEntropy, loadFashionMNISTSubset, DataLoader } from 'descent';

const train = loadFashionMNISTSubset({ split: 'train' }); // 6000 images shipped in the package
const model = new nn.Sequential(new nn.Flatten(), new nn.Linear(784, 128), new nn.ReLU(), new nn.Linear(128, 10));
const optimizer = createOptimizer('adam', model.parameters(), { lr: 1e-3 });
for (const { x, y } of new DataLoader(train, { batchSize: 64, shuffle: true, seed: 0 })) {
  optimizer.zeroGrad();
  const loss = crossEntropy(model.forward(x), y);
  loss.backward();
  optimizer.step();
}
console.log('final batch loss', crossEntropy(model.forward(train.x.narrow(0, 0, 512)), train.y.narrow(0, 0, 512)).item());
