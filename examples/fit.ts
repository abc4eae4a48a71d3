import { nn, fit, evaluate, EarlyStopping, ModelCheckpoint, loadFashionMNISTSubset, randomSplit } from 'descent';

const [train, val] = randomSplit(loadFashionMNISTSubset({ split: 'train' }), [5000, 1000], 0);
const model = new nn.Sequential(new nn.Flatten(), new nn.Linear(784, 128), new nn.ReLU(), new nn.Linear(128, 10));
const { history } = fit(model, train, {
  optimizer: 'adam', optimizerOptions: { lr: 1e-3 }, epochs: 3, batchSize: 64, seed: 0,
  validation: val, metrics: ['accuracy'],
  callbacks: [new EarlyStopping({ monitor: 'valLoss', patience: 2 }), new ModelCheckpoint({ path: 'best.safetensors', monitor: 'valLoss', saveBestOnly: true })],
});
console.log('val accuracy per epoch', history.valAccuracy);
console.log('test accuracy', evaluate(model, loadFashionMNISTSubset({ split: 'test' }), { metrics: ['accuracy'] }).accuracy);
