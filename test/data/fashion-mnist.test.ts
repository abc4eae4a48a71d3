/**
 * Fashion-MNIST: the shipped subset (from the source tree and from a built copy of the
 * package), locating the full dataset (explicit path, environment variable, Debian, cache), the
 * not-found error, the checksum-verified download (with an injected fetch serving local bytes),
 * and the full Debian dataset when installed.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { spawnSync } from 'node:child_process';
import { gunzipSync } from 'node:zlib';
import {
  ChecksumError, DEBIAN_FASHION_MNIST_DIR, DatasetNotFoundError, FASHION_MNIST_CLASSES, FASHION_MNIST_ENV,
  builtinDataDir, classCounts, downloadFashionMNIST, fashionMNISTCacheDir, findFashionMNIST, loadBuiltin,
  loadFashionMNIST, loadFashionMNISTSubset, loadFashionMNISTSync, type FetchLike, type FileChecksum,
} from '../../src/data/index.js';

const subsetDir = builtinDataDir();
const NAMES = ['train-images-idx3-ubyte.gz', 'train-labels-idx1-ubyte.gz', 't10k-images-idx3-ubyte.gz', 't10k-labels-idx1-ubyte.gz'];
const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
const md5 = (b: Uint8Array) => createHash('md5').update(b).digest('hex');

function tempDir(t: { after(fn: () => void): void }): string {
  const d = mkdtempSync(join(tmpdir(), 'descent-data-'));
  t.after(() => rmSync(d, { recursive: true, force: true }));
  return d;
}

/** A directory with the subset's files (as a stand-in for the full dataset). */
function fakeDataset(dir: string, options: { plain?: boolean; only?: string[] } = {}): string {
  mkdirSync(dir, { recursive: true });
  for (const name of options.only ?? NAMES) {
    const bytes = readFileSync(join(subsetDir, name));
    if (options.plain) writeFileSync(join(dir, name.replace(/\.gz$/, '')), gunzipSync(bytes));
    else copyFileSync(join(subsetDir, name), join(dir, name));
  }
  return dir;
}

const none = { debianDir: null, env: {} as Record<string, string | undefined> };

describe('the shipped Fashion-MNIST subset', () => {
  test('train: 6000 images [N, 1, 28, 28] float32 in [0, 1], 600 per class', () => {
    const ds = loadFashionMNISTSubset({ split: 'train' });
    assert.deepEqual(ds.x.shape, [6000, 1, 28, 28]);
    assert.equal(ds.x.dtype, 'float32');
    assert.deepEqual(ds.y.shape, [6000]);
    assert.deepEqual(classCounts(ds.y, 10), new Array(10).fill(600));
    let min = Infinity;
    let max = -Infinity;
    for (const v of ds.x.data) [min, max] = [Math.min(min, v), Math.max(max, v)];
    assert.equal(min, 0);
    assert.equal(max, 1);
    assert.equal(ds.classes, FASHION_MNIST_CLASSES);
    assert.deepEqual([...FASHION_MNIST_CLASSES], ['T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot']);
  });

  test('test: 1000 images, 100 per class; loadBuiltin is the same loader; limit and dtype', () => {
    const ds = loadBuiltin({ split: 'test' });
    assert.deepEqual(ds.x.shape, [1000, 1, 28, 28]);
    assert.deepEqual(classCounts(ds.y, 10), new Array(10).fill(100));
    const small = loadFashionMNISTSubset({ split: 'test', limit: 10, dtype: 'float64' });
    assert.deepEqual(small.x.shape, [10, 1, 28, 28]);
    assert.equal(small.x.dtype, 'float64');
    for (let i = 0; i < small.x.numel(); i++) assert.ok(Math.abs(small.x.data[i] - ds.x.data[i]) < 1e-7);
    assert.throws(() => loadFashionMNISTSubset({ split: 'validation' as never }), /split must be 'train' or 'test'/);
  });

  test('the files match the manifest; the data directory ships a license', () => {
    const manifest = JSON.parse(readFileSync(join(subsetDir, 'manifest.json'), 'utf8'));
    for (const name of NAMES) {
      const bytes = readFileSync(join(subsetDir, name));
      assert.equal(bytes.length, manifest.files[name].bytes, name);
      assert.equal(sha256(bytes), manifest.files[name].sha256, name);
    }
    assert.match(readFileSync(join(subsetDir, 'LICENSE'), 'utf8'), /MIT License[\s\S]*Zalando SE/);
    assert.equal(manifest.indices.train.length, 6000);
    assert.equal(manifest.indices.test.length, 1000);
    const total = NAMES.reduce((s, n) => s + readFileSync(join(subsetDir, n)).length, 0);
    assert.ok(total < 4 * 2 ** 20, `subset is ${total} bytes`);
  });

  test('resolves from a built package: dist/data/ -> <package>/data/', () => {
    assert.equal(builtinDataDir('file:///opt/pkg/dist/data/builtin.js'), '/opt/pkg/data/fashion-mnist-subset/');
    assert.equal(builtinDataDir('file:///opt/pkg/src/data/builtin.ts'), '/opt/pkg/data/fashion-mnist-subset/');
  });

  test('loads from a compiled copy of the package (dist layout), run by plain node', async (t) => {
    const ts = (await import('typescript')).default;
    // Transpile src/data/index.ts and everything it imports into <tmp>/pkg/dist, link the
    // package's data/ next to it, and load the subset from plain JavaScript.
    const pkg = join(tempDir(t), 'pkg');
    const srcRoot = resolve('src');
    const seen = new Set<string>();
    const queue = [join(srcRoot, 'data', 'index.ts')];
    while (queue.length) {
      const file = queue.pop()!;
      if (seen.has(file)) continue;
      seen.add(file);
      const code = readFileSync(file, 'utf8');
      for (const m of code.matchAll(/from '(\.{1,2}\/[^']+)\.js'/g)) queue.push(resolve(dirname(file), `${m[1]}.ts`));
      const out = ts.transpileModule(code, { compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 } }).outputText;
      const target = join(pkg, 'dist', relative(srcRoot, file)).replace(/\.ts$/, '.js');
      mkdirSync(dirname(target), { recursive: true });
      writeFileSync(target, out);
    }
    writeFileSync(join(pkg, 'package.json'), '{"type":"module"}');
    symlinkSync(resolve('data'), join(pkg, 'data'));
    const script = `import { loadFashionMNISTSubset, builtinDataDir } from './dist/data/index.js';
      const d = loadFashionMNISTSubset({ split: 'test' });
      console.log(JSON.stringify({ shape: d.x.shape, dir: builtinDataDir() }));`;
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { cwd: pkg, encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    const out = JSON.parse(r.stdout);
    assert.deepEqual(out.shape, [1000, 1, 28, 28]);
    assert.equal(out.dir, join(pkg, 'data', 'fashion-mnist-subset') + '/');
  });
});

describe('locating Fashion-MNIST', () => {
  test('an explicit path (gzip or plain files) is used, and is the only place looked', (t) => {
    const root = tempDir(t);
    const gz = fakeDataset(join(root, 'gz'));
    const plain = fakeDataset(join(root, 'plain'), { plain: true });
    const a = loadFashionMNISTSync({ split: 'test', path: gz });
    const b = loadFashionMNISTSync({ split: 'test', path: plain });
    assert.equal(a.source.source, 'path');
    assert.ok(a.source.images.endsWith('.gz') && !b.source.images.endsWith('.gz'));
    assert.deepEqual(a.x.shape, [1000, 1, 28, 28]);
    assert.deepEqual(Array.from(a.x.data.subarray(0, 5000)), Array.from(b.x.data.subarray(0, 5000)));
    // The explicit path wins over an environment variable, and a wrong one is an error even
    // when the data exists elsewhere.
    const env = { [FASHION_MNIST_ENV]: gz };
    assert.throws(() => loadFashionMNISTSync({ split: 'test', path: join(root, 'nope'), env }), (e: unknown) => {
      assert.ok(e instanceof DatasetNotFoundError);
      assert.equal(e.searched.length, 1);
      assert.match(e.message, /nope \(the path given\): no such directory/);
      return true;
    });
  });

  test('MNIST-site file names (train-images.idx3-ubyte) are accepted', (t) => {
    const dir = join(tempDir(t), 'lecun');
    mkdirSync(dir);
    for (const name of NAMES.slice(2)) writeFileSync(join(dir, name.replace('-idx', '.idx').replace(/\.gz$/, '')), gunzipSync(readFileSync(join(subsetDir, name))));
    assert.deepEqual(loadFashionMNISTSync({ split: 'test', path: dir }).y.shape, [1000]);
  });

  test('order: $DESCENT_FASHION_MNIST, then Debian, then the user cache', (t) => {
    const root = tempDir(t);
    const envDir = fakeDataset(join(root, 'env'));
    const debian = fakeDataset(join(root, 'debian'));
    const cache = fakeDataset(join(root, 'cache'));
    const env = { [FASHION_MNIST_ENV]: envDir };
    assert.equal(findFashionMNIST('train', { env, debianDir: debian, cacheDir: cache })?.source, 'env');
    assert.equal(findFashionMNIST('train', { env: {}, debianDir: debian, cacheDir: cache })?.source, 'debian');
    assert.equal(findFashionMNIST('train', { env: {}, debianDir: join(root, 'x'), cacheDir: cache })?.source, 'cache');
    assert.equal(findFashionMNIST('train', { env: { [FASHION_MNIST_ENV]: join(root, 'x') }, debianDir: null, cacheDir: cache })?.dir, cache);
    assert.equal(findFashionMNIST('train', { env: {}, debianDir: null, cacheDir: join(root, 'x') }), null);
  });

  test('the user cache defaults to ~/.cache/descent/fashion-mnist ($XDG_CACHE_HOME honoured)', () => {
    assert.equal(fashionMNISTCacheDir({ HOME: '/home/ada' }), '/home/ada/.cache/descent/fashion-mnist');
    assert.equal(fashionMNISTCacheDir({ HOME: '/home/ada', XDG_CACHE_HOME: '/var/cache/ada' }), '/var/cache/ada/descent/fashion-mnist');
  });

  test('not found: the error says where it looked and how to get the data', async (t) => {
    const root = tempDir(t);
    const half = fakeDataset(join(root, 'half'), { only: ['train-images-idx3-ubyte.gz'] });
    const options = { split: 'train' as const, env: { [FASHION_MNIST_ENV]: half }, debianDir: join(root, 'debian'), cacheDir: join(root, 'cache') };
    for (const load of [() => loadFashionMNISTSync(options), () => loadFashionMNIST(options)]) {
      await assert.rejects(async () => load(), (e: unknown) => {
        assert.ok(e instanceof DatasetNotFoundError);
        const m = e.message;
        assert.match(m, /Fashion-MNIST \(train split\) not found/);
        assert.match(m, /half \(\$DESCENT_FASHION_MNIST\): has train-images-idx3-ubyte but not train-labels-idx1-ubyte/);
        assert.match(m, /debian \(Debian's dataset-fashion-mnist\): no such directory/);
        assert.match(m, /cache \(user cache\): no such directory/);
        assert.match(m, /apt install dataset-fashion-mnist/);
        assert.match(m, /DESCENT_FASHION_MNIST=/);
        assert.match(m, /download: true/);
        assert.equal(e.searched.length, 3);
        return true;
      });
    }
    assert.throws(() => loadFashionMNISTSync({ ...options, env: {} }), /\$DESCENT_FASHION_MNIST \(not set\)/);
  });

  test('a corrupt file found on the search path is refused with its name; nothing is returned', (t) => {
    const dir = fakeDataset(join(tempDir(t), 'bad'));
    const labels = join(dir, 't10k-labels-idx1-ubyte.gz');
    writeFileSync(labels, readFileSync(labels).subarray(0, 100));
    assert.throws(() => loadFashionMNISTSync({ split: 'test', path: dir }), new RegExp(`${labels.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: corrupt gzip data`));
  });
});

describe('downloading Fashion-MNIST (injected fetch serving local bytes)', () => {
  const served = new Map(NAMES.map((n) => [n, new Uint8Array(readFileSync(join(subsetDir, n)))]));
  const checksums: Record<string, FileChecksum> = Object.fromEntries([...served].map(([n, b]) => [n, { bytes: b.length, md5: md5(b), sha256: sha256(b) }]));
  function server(overrides: Record<string, Uint8Array | number> = {}) {
    const requested: string[] = [];
    const fetch: FetchLike = async (url) => {
      requested.push(url);
      const name = url.slice(url.lastIndexOf('/') + 1);
      const o = overrides[name];
      if (typeof o === 'number') return { ok: false, status: o, statusText: 'Not Found', arrayBuffer: async () => new ArrayBuffer(0) };
      const bytes = o ?? served.get(name);
      if (!bytes) return { ok: false, status: 404, arrayBuffer: async () => new ArrayBuffer(0) };
      return { ok: true, status: 200, arrayBuffer: async () => bytes.slice().buffer };
    };
    return { fetch, requested };
  }

  test('downloads the split into the cache, verifies, loads; a second load uses the cache', async (t) => {
    const cacheDir = join(tempDir(t), 'cache');
    const { fetch, requested } = server();
    const ds = await loadFashionMNIST({ split: 'test', download: true, fetch, checksums, cacheDir, ...none, baseUrl: 'https://example.invalid/fashion/' });
    assert.deepEqual(ds.x.shape, [1000, 1, 28, 28]);
    assert.equal(ds.source.source, 'cache');
    assert.deepEqual(requested, ['https://example.invalid/fashion/t10k-images-idx3-ubyte.gz', 'https://example.invalid/fashion/t10k-labels-idx1-ubyte.gz']);
    assert.deepEqual(readdirSync(cacheDir).sort(), ['t10k-images-idx3-ubyte.gz', 't10k-labels-idx1-ubyte.gz']);
    const again = await loadFashionMNIST({ split: 'test', download: true, fetch, checksums, cacheDir, ...none });
    assert.equal(requested.length, 2, 'no second download');
    assert.deepEqual(again.y.data.subarray(0, 50), ds.y.data.subarray(0, 50));
  });

  test('the official URL is the zalandoresearch repository raw files', async (t) => {
    const { fetch, requested } = server();
    await downloadFashionMNIST({ cacheDir: tempDir(t), fetch, checksums, splits: ['train'] });
    assert.deepEqual(requested, [
      'https://raw.githubusercontent.com/zalandoresearch/fashion-mnist/master/data/fashion/train-images-idx3-ubyte.gz',
      'https://raw.githubusercontent.com/zalandoresearch/fashion-mnist/master/data/fashion/train-labels-idx1-ubyte.gz',
    ]);
  });

  test('a checksum mismatch is refused and nothing is written', async (t) => {
    const cacheDir = join(tempDir(t), 'cache');
    const tampered = served.get('t10k-labels-idx1-ubyte.gz')!.slice();
    tampered[tampered.length - 10] ^= 1;
    const { fetch } = server({ 't10k-labels-idx1-ubyte.gz': tampered });
    await assert.rejects(loadFashionMNIST({ split: 'test', download: true, fetch, checksums, cacheDir, ...none }), (e: unknown) => {
      assert.ok(e instanceof ChecksumError);
      assert.equal(e.file, 't10k-labels-idx1-ubyte.gz');
      assert.match(e.message, /checksum mismatch for .*t10k-labels-idx1-ubyte\.gz: SHA-256 [0-9a-f]{64}, expected [0-9a-f]{64}; MD5 [0-9a-f]{32}, expected/);
      assert.match(e.message, /not saved/);
      return true;
    });
    assert.deepEqual(readdirSync(cacheDir), ['t10k-images-idx3-ubyte.gz'], 'only the verified file is kept, no temporary files');
  });

  test('the published checksums refuse other bytes (size, SHA-256, MD5)', async (t) => {
    const cacheDir = tempDir(t);
    await assert.rejects(downloadFashionMNIST({ cacheDir, fetch: server().fetch, splits: ['test'] }), /size 440253 bytes, expected 4422102; SHA-256 .*expected 346e55b948d973a97e58d2351dde16a484bd415d4595297633bb08f03db6a073; MD5 .*expected bef4ecab320f06d8554ea6380940ec79/);
    assert.deepEqual(readdirSync(cacheDir), []);
  });

  test('HTTP errors and network failures name the URL; a corrupt cached file is fetched again', async (t) => {
    const cacheDir = tempDir(t);
    await assert.rejects(downloadFashionMNIST({ cacheDir, fetch: server({ 't10k-images-idx3-ubyte.gz': 404 }).fetch, checksums, splits: ['test'] }), /fetching https:\/\/raw\.githubusercontent\.com\/.*t10k-images-idx3-ubyte\.gz failed: HTTP 404 Not Found/);
    const offline: FetchLike = async () => {
      throw new Error('getaddrinfo ENOTFOUND');
    };
    await assert.rejects(downloadFashionMNIST({ cacheDir, fetch: offline, checksums, splits: ['test'] }), /ENOTFOUND.*install Debian's dataset-fashion-mnist/);
    writeFileSync(join(cacheDir, 't10k-images-idx3-ubyte.gz'), 'garbage');
    const { fetch, requested } = server();
    await downloadFashionMNIST({ cacheDir, fetch, checksums, splits: ['test'] });
    assert.equal(requested.length, 2);
    assert.equal(sha256(readFileSync(join(cacheDir, 't10k-images-idx3-ubyte.gz'))), checksums['t10k-images-idx3-ubyte.gz'].sha256);
  });

  test('with an explicit path, the download goes there', async (t) => {
    const dir = join(tempDir(t), 'mine');
    const ds = await loadFashionMNIST({ split: 'test', path: dir, download: true, fetch: server().fetch, checksums });
    assert.equal(ds.source.dir, dir);
    assert.ok(existsSync(join(dir, 't10k-labels-idx1-ubyte.gz')));
  });
});

const debianPresent = existsSync(join(DEBIAN_FASHION_MNIST_DIR, 'train-images-idx3-ubyte.gz'));
if (!debianPresent) console.log(`# skipping the full Fashion-MNIST tests: ${DEBIAN_FASHION_MNIST_DIR} is absent (apt install dataset-fashion-mnist; CI installs it)`);

describe('full Fashion-MNIST from Debian', { skip: debianPresent ? false : `${DEBIAN_FASHION_MNIST_DIR} absent (apt install dataset-fashion-mnist)` }, () => {
  // Load time is measured in bench/data-load.ts, not asserted here.
  test('train: 60,000 images, 6,000 per class; the subset is rows of it', () => {
    const ds = loadFashionMNISTSync({ split: 'train', debianDir: DEBIAN_FASHION_MNIST_DIR, env: {} });
    assert.equal(ds.source.source, 'debian');
    assert.deepEqual(ds.x.shape, [60000, 1, 28, 28]);
    assert.equal(ds.x.dtype, 'float32');
    assert.deepEqual(classCounts(ds.y, 10), new Array(10).fill(6000));
    assert.equal(ds.y.data[0], 9); // the first training image is an ankle boot
    const sub = loadFashionMNISTSubset({ split: 'train' });
    const { indices } = JSON.parse(readFileSync(join(subsetDir, 'manifest.json'), 'utf8'));
    for (let k = 0; k < 6000; k += 37) {
      const i = indices.train[k];
      assert.equal(sub.y.data[k], ds.y.data[i]);
      for (let p = 0; p < 784; p += 7) assert.equal(sub.x.data[k * 784 + p], ds.x.data[i * 784 + p]);
    }
  });

  test('test: 10,000 images, 1,000 per class; mean pixel as published (~0.286)', () => {
    const ds = loadFashionMNISTSync({ split: 'test', env: {} });
    assert.deepEqual(ds.x.shape, [10000, 1, 28, 28]);
    assert.deepEqual(classCounts(ds.y, 10), new Array(10).fill(1000));
    let s = 0;
    for (const v of ds.x.data) s += v;
    assert.ok(Math.abs(s / ds.x.numel() - 0.2868) < 0.002, `mean ${s / ds.x.numel()}`);
  });

  test('the shipped subset regenerates byte for byte from these files', async () => {
    const { makeSubset } = await import('../../scripts/make-builtin-dataset.js');
    const { files } = makeSubset(DEBIAN_FASHION_MNIST_DIR);
    for (const [name, bytes] of files) assert.equal(sha256(bytes), sha256(readFileSync(join(subsetDir, name))), name);
  });
});
