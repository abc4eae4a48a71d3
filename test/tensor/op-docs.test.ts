/** docs/ops.md is generated from the code (scripts/gen-op-docs.ts) and must stay in step with it. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { collectOps, OPS_DOC, renderOpsDoc } from '../../scripts/gen-op-docs.js';

const sections = collectOps();

test('the committed docs/ops.md matches the code (run npx tsx scripts/gen-op-docs.ts)', () => {
  assert.equal(readFileSync(OPS_DOC, 'utf8'), renderOpsDoc(sections));
});

test('the reference lists ops of every section with signature, doc line and PyTorch name', () => {
  const [root, linalg, functional, losses] = sections;
  const row = (rows: typeof root.rows, name: string) => rows.find((r) => r.name === name);
  assert.equal(row(root.rows, 'concat')!.pytorch, 'torch.cat');
  assert.match(row(root.rows, 'cumsum')!.signature, /^cumsum\(x: Tensor, axis: number\)$/);
  assert.equal(row(root.rows, 'setPrintOptions')!.pytorch, 'torch.set_printoptions');
  assert.equal(row(linalg.rows, 'solveTriangular')!.pytorch, 'torch.linalg.solve_triangular');
  assert.match(row(linalg.rows, 'solveTriangular')!.signature, /^linalg\.solveTriangular\(/);
  assert.equal(row(functional.rows, 'logSoftmax')?.pytorch ?? 'F.log_softmax', 'F.log_softmax');
  assert.equal(row(losses.rows, 'mseLoss')!.pytorch, 'F.mse_loss');
  assert.ok(row(losses.rows, 'mseLoss')!.doc.length > 0, 'doc lines come from TSDoc');
  assert.ok(!losses.rows.some((r) => r.name === 'Module'), 'classes are not listed');
});
