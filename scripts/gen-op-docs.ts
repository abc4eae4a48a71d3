/**
 * Writes docs/ops.md, the op reference a porting user looks names up in: every function
 * exported by the tensor root (src/tensor/index.ts), torch.linalg's counterpart
 * (src/tensor/linalg/index.ts), nn.functional (src/nn/functional.ts), and the losses and other
 * functions of nn (src/nn/index.ts), each with its signature, the first sentence of its TSDoc
 * and its PyTorch equivalent.
 *
 * The names, signatures and doc lines are read with the TypeScript compiler API from the
 * entry files, so ops added anywhere behind those exports appear without editing this script.
 * The PyTorch column is, in order: an `@pytorch` TSDoc tag on the function (e.g.
 * `@pytorch torch.cat`), an entry of {@link PYTORCH_NAMES} below, or the name derived from the
 * section (`logSoftmax` in nn.functional -> `F.log_softmax`).
 *
 *   npx tsx scripts/gen-op-docs.ts          rewrites the doc
 *   npx tsx scripts/gen-op-docs.ts --check  exits 1 when the doc is out of date
 *
 * test/tensor/op-docs.test.ts fails when the committed doc and the code disagree.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const root = fileURLToPath(new URL('..', import.meta.url));
/** The doc this script writes. */
export const OPS_DOC = `${root}docs/ops.md`;

interface Section {
  title: string;
  /** Entry file, relative to the repository root. */
  entry: string;
  /** How functions are reached from the package root, e.g. 'linalg.'. */
  access: string;
  /** The PyTorch name of a function named `snake` when no tag or table entry says otherwise. */
  pytorch: (snake: string) => string;
  /** Which exports belong here (by the file that declares them). */
  include?: (declaredIn: string) => boolean;
}

const isLossFile = (f: string): boolean => /\/nn\/(loss|loss-extra|ctc-loss)\.ts$/.test(f);

/** The sections of the reference, in order. */
export const SECTIONS: readonly Section[] = [
  { title: 'Tensor functions (the package root)', entry: 'src/tensor/index.ts', access: '', pytorch: (s) => `torch.${s}` },
  { title: 'linalg (torch.linalg)', entry: 'src/tensor/linalg/index.ts', access: 'linalg.', pytorch: (s) => `torch.linalg.${s}` },
  { title: 'nn.functional (torch.nn.functional, `F` below)', entry: 'src/nn/functional.ts', access: 'nn.functional.', pytorch: (s) => `F.${s}` },
  { title: 'Losses (nn)', entry: 'src/nn/index.ts', access: 'nn.', pytorch: (s) => `F.${s}`, include: isLossFile },
  { title: 'Other functions of nn', entry: 'src/nn/index.ts', access: 'nn.', pytorch: (s) => `F.${s}`, include: (f) => !isLossFile(f) && !f.endsWith('/nn/functional.ts') },
];

/**
 * PyTorch names that the section's rule does not derive (checked against torch when this table
 * was written); '—' marks a descent function with no PyTorch counterpart.
 */
export const PYTORCH_NAMES: Readonly<Record<string, string>> = {
  concat: 'torch.cat',
  permutation: 'torch.randperm',
  repeat: 'Tensor.repeat',
  unfold: 'Tensor.unfold',
  uniform: 'torch.rand (scaled), Tensor.uniform_',
  logSumExp: 'torch.logsumexp',
  logAddExp: 'torch.logaddexp',
  leakyRelu: 'F.leaky_relu',
  logSigmoid: 'F.logsigmoid',
  elu: 'F.elu',
  selu: 'F.selu',
  gelu: 'F.gelu',
  softplus: 'F.softplus',
  silu: 'F.silu',
  conv2d: 'F.conv2d',
  convTranspose2d: 'F.conv_transpose2d',
  maxPool2d: 'F.max_pool2d',
  avgPool2d: 'F.avg_pool2d',
  upsampleNearest: "F.interpolate(mode='nearest')",
  pad: 'F.pad',
  linear: 'F.linear',
  gatherFlat: '—',
  scatterAddFlat: '—',
  noGrad: 'torch.no_grad',
  enableGrad: 'torch.enable_grad',
  isGradEnabled: 'torch.is_grad_enabled',
  setDebug: 'torch.autograd.set_detect_anomaly',
  isDebug: 'torch.is_anomaly_enabled',
  detectAnomaly: 'torch.autograd.detect_anomaly',
  isAnomalyDetectionEnabled: 'torch.is_anomaly_enabled',
  withAnomalyDetection: 'torch.autograd.detect_anomaly',
  grad: 'torch.autograd.grad',
  valueAndGrad: 'torch.func.grad_and_value',
  hvp: 'torch.autograd.functional.hvp',
  gradcheck: 'torch.autograd.gradcheck',
  gradgradcheck: 'torch.autograd.gradgradcheck',
  clearPool: '—',
  pooledByteCount: '—',
  sizeOf: 'torch.Size(shape).numel()',
  setPrintOptions: 'torch.set_printoptions',
  getPrintOptions: '—',
  formatTensor: 'repr(t)',
  allclose: 'torch.allclose',
  nansum: 'torch.nansum',
  weightNorm: 'torch.nn.utils.weight_norm',
  removeWeightNorm: 'torch.nn.utils.remove_weight_norm',
  spectralNorm: 'torch.nn.utils.spectral_norm',
  removeSpectralNorm: 'torch.nn.utils.remove_spectral_norm',
  crossEntropy: 'F.cross_entropy',
  klDiv: 'F.kl_div',
  hingeLoss: '— (multi-class hinge; F.multi_margin_loss with p=1)',
  binaryCrossEntropy: 'F.binary_cross_entropy',
  binaryCrossEntropyWithLogits: 'F.binary_cross_entropy_with_logits',
  parameter: 'nn.Parameter',
  buffer: 'Module.register_buffer',
};

const snake = (name: string): string => name.replace(/([a-z0-9])([A-Z])/g, '$1_$2').replace(/([A-Z])([A-Z][a-z])/g, '$1_$2').toLowerCase();
const cell = (text: string): string => text.replace(/\|/g, '\\|').replace(/\s+/g, ' ').trim();

interface OpRow {
  name: string;
  signature: string;
  doc: string;
  pytorch: string;
}

/** The first sentence of a doc comment (to the first '. ' or the end of the first paragraph). */
function firstSentence(text: string): string {
  const para = text.split(/\n\s*\n/)[0].replace(/\{@link\s+([^}|\s]+)(?:[\s|][^}]*)?\}/g, '$1').replace(/\s+/g, ' ').trim();
  // A sentence ends at '.', '!' or '?' before a capital letter (not inside '...' or 'e.g. x').
  const m = /^(.*?[^.][.!?])(\s+(?=[A-Z])|$)/.exec(para);
  return m ? m[1] : para;
}

/** `name(a: T, b?: U)` from a declaration's parameters, types as written in the source. */
function signatureOf(name: string, decl: ts.SignatureDeclaration, checker: ts.TypeChecker): string {
  const params = decl.parameters.map((p) => {
    const dots = p.dotDotDotToken ? '...' : '';
    const optional = p.questionToken || p.initializer ? '?' : '';
    const type = p.type ? p.type.getText() : checker.typeToString(checker.getTypeAtLocation(p));
    return `${dots}${p.name.getText()}${optional}: ${type}`;
  });
  return `${name}(${params.join(', ')})`;
}

/** Every exported function of each section, read from the code. */
export function collectOps(): { section: Section; rows: OpRow[] }[] {
  const files = SECTIONS.map((s) => `${root}${s.entry}`);
  const program = ts.createProgram([...new Set(files)], { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext, strict: true, skipLibCheck: true, noEmit: true });
  const checker = program.getTypeChecker();
  return SECTIONS.map((section) => {
    const sf = program.getSourceFile(`${root}${section.entry}`);
    if (!sf) throw new Error(`gen-op-docs: cannot read ${section.entry}`);
    const moduleSymbol = checker.getSymbolAtLocation(sf);
    if (!moduleSymbol) throw new Error(`gen-op-docs: ${section.entry} is not a module`);
    const rows: OpRow[] = [];
    for (const exported of checker.getExportsOfModule(moduleSymbol)) {
      const symbol = exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported;
      const decls = (symbol.declarations ?? []).filter((d): d is ts.FunctionDeclaration | ts.VariableDeclaration => ts.isFunctionDeclaration(d) || ts.isVariableDeclaration(d));
      if (decls.length === 0) continue;
      const declaredIn = decls[0].getSourceFile().fileName;
      if (section.include && !section.include(declaredIn)) continue;
      let sigDecl: ts.SignatureDeclaration | undefined;
      const fns = decls.filter(ts.isFunctionDeclaration);
      if (fns.length) sigDecl = fns.find((f) => !f.body && fns.length > 1) ?? fns[0];
      else {
        const init = (decls[0] as ts.VariableDeclaration).initializer;
        if (init && (ts.isArrowFunction(init) || ts.isFunctionExpression(init))) sigDecl = init;
      }
      if (!sigDecl) continue;
      const overloads = fns.filter((f) => !f.body).length;
      const name = exported.getName();
      const tag = symbol.getJsDocTags(checker).find((t) => t.name === 'pytorch');
      const pytorch = tag ? ts.displayPartsToString(tag.text).trim() : PYTORCH_NAMES[name] ?? section.pytorch(snake(name));
      let doc = firstSentence(ts.displayPartsToString(symbol.getDocumentationComment(checker)));
      if (!doc && fns.length > 1) doc = firstSentence(ts.displayPartsToString(checker.getSignatureFromDeclaration(fns[0])?.getDocumentationComment(checker) ?? []));
      const signature = signatureOf(`${section.access}${name}`, sigDecl, checker) + (overloads > 1 ? ` (+${overloads - 1} overload${overloads > 2 ? 's' : ''})` : '');
      rows.push({ name, signature, doc, pytorch });
    }
    rows.sort((a, b) => a.name.localeCompare(b.name));
    return { section, rows };
  });
}

/** The whole of docs/ops.md. */
export function renderOpsDoc(sections = collectOps()): string {
  const out = [
    '# Op reference',
    '',
    '<!-- Generated by scripts/gen-op-docs.ts from the code; do not edit by hand (test/tensor/op-docs.test.ts checks it). -->',
    '',
    'Every function of the tensor root, `linalg`, `nn.functional` and the losses, with its signature,',
    'one line from its TSDoc and its PyTorch equivalent (`F` is `torch.nn.functional`). Most ops are',
    'also Tensor methods (`x.sum(1)` for `sum(x, 1)`); the PyTorch-name aliases and the names that',
    'differ are in [pytorch.md](pytorch.md). A "—" in the PyTorch column: no counterpart there.',
    '',
  ];
  for (const { section, rows } of sections) {
    out.push(`## ${section.title}`, '', `${rows.length} functions.`, '', '| name | signature | what it does | PyTorch |', '| --- | --- | --- | --- |');
    for (const r of rows) out.push(`| \`${r.name}\` | \`${cell(r.signature).replace(/`/g, "'")}\` | ${cell(r.doc) || '(no doc comment)'} | \`${cell(r.pytorch)}\` |`);
    out.push('');
  }
  return out.join('\n');
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const fresh = renderOpsDoc();
  if (process.argv.includes('--check')) {
    let current = '';
    try { current = readFileSync(OPS_DOC, 'utf8'); } catch { /* missing: out of date */ }
    if (current !== fresh) {
      console.error('docs/ops.md is out of date: run npx tsx scripts/gen-op-docs.ts');
      process.exit(1);
    }
  } else {
    writeFileSync(OPS_DOC, fresh);
    console.log(`wrote ${OPS_DOC}`);
  }
}
