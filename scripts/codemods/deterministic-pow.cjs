// Codemod: the optimizers' (and the 2D problems') powers go through descent's deterministic pow
// (src/backend/math/pow.ts) instead of `**` / Math.pow, whose last bit differs between engines
// (Node 20's V8 and Chromium 156's), so a trace in the browser equals the CLI's bit for bit.
// Rewrites `a ** b` to `pow(a, b)` and `Math.pow(a, b)` to `pow(a, b)`, found on the syntax tree
// (nested powers, casts and parentheses included), and adds the import. `x ** 2` with the literal
// 2 stays: every engine computes it as x * x, as pow does. Rerunnable and idempotent (a second run
// changes nothing). Refuses a file that already binds another `pow`.
// Usage: node scripts/codemods/deterministic-pow.cjs [--check] [paths...]
//   (default paths: src/optim src/lab/problems/functions2d.ts; --check: exit 1 if anything would change)
const ts = require('typescript');
const fs = require('fs');
const path = require('path');

const POW_MODULE = path.resolve(__dirname, '../../src/backend/math/pow.ts');
const args = process.argv.slice(2);
const check = args.includes('--check');
const roots = args.filter((a) => a !== '--check');
if (!roots.length) roots.push('src/optim', 'src/lab/problems/functions2d.ts');

function files(p) {
  const st = fs.statSync(p);
  if (st.isFile()) return p.endsWith('.ts') && !p.endsWith('.d.ts') ? [p] : [];
  return fs.readdirSync(p).sort().flatMap((n) => files(path.join(p, n)));
}

function isTarget(n) {
  if (ts.isBinaryExpression(n) && n.operatorToken.kind === ts.SyntaxKind.AsteriskAsteriskToken) {
    return !(ts.isNumericLiteral(n.right) && n.right.text === '2');
  }
  return ts.isCallExpression(n) && ts.isPropertyAccessExpression(n.expression) && ts.isIdentifier(n.expression.expression) &&
    n.expression.expression.text === 'Math' && n.expression.name.text === 'pow' && n.arguments.length === 2;
}

function rewrite(file) {
  const text = fs.readFileSync(file, 'utf8');
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  // The outermost targets under a node (targets inside them are handled by build()).
  const targetsUnder = (node) => {
    const out = [];
    const visit = (n) => {
      if (isTarget(n)) out.push(n);
      else ts.forEachChild(n, visit);
    };
    ts.forEachChild(node, visit);
    return out;
  };
  const renderText = (node) => {
    const start = node.getStart(sf);
    let s = text.slice(start, node.getEnd());
    for (const t of targetsUnder(node).sort((a, b) => b.getStart(sf) - a.getStart(sf))) {
      s = s.slice(0, t.getStart(sf) - start) + build(t) + s.slice(t.getEnd() - start);
    }
    return s;
  };
  const operand = (e) => {
    while (ts.isParenthesizedExpression(e)) e = e.expression;
    return isTarget(e) ? build(e) : renderText(e);
  };
  const build = (n) => (ts.isBinaryExpression(n) ? `pow(${operand(n.left)}, ${operand(n.right)})` : `pow(${operand(n.arguments[0])}, ${operand(n.arguments[1])})`);

  let bindsPow = false;
  let importsPow = false;
  const scan = (n) => {
    if (ts.isImportDeclaration(n) && n.importClause?.namedBindings && ts.isNamedImports(n.importClause.namedBindings)) {
      const named = n.importClause.namedBindings.elements.some((e) => e.name.text === 'pow');
      if (named && /backend\/math\/pow\.js$/.test(n.moduleSpecifier.text)) importsPow = true;
      else if (named) bindsPow = true;
      return;
    }
    if ((ts.isVariableDeclaration(n) || ts.isFunctionDeclaration(n) || ts.isParameter(n)) && n.name && ts.isIdentifier(n.name) && n.name.text === 'pow') bindsPow = true;
    if (ts.isBinaryExpression(n) && n.operatorToken.kind === ts.SyntaxKind.AsteriskAsteriskEqualsToken) {
      throw new Error(`${file}:${sf.getLineAndCharacterOfPosition(n.getStart(sf)).line + 1}: '**=' is not rewritten; write it as x = x ** y first`);
    }
    ts.forEachChild(n, scan);
  };
  scan(sf);
  const top = targetsUnder(sf);
  if (!top.length) return false;
  if (bindsPow) throw new Error(`${file}: already binds a 'pow' of its own; rename it first`);
  let out = text;
  for (const t of top.sort((a, b) => b.getStart(sf) - a.getStart(sf))) out = out.slice(0, t.getStart(sf)) + build(t) + out.slice(t.getEnd());
  if (!importsPow) {
    let rel = path.relative(path.dirname(path.resolve(file)), POW_MODULE).replace(/\\/g, '/').replace(/\.ts$/, '.js');
    if (!rel.startsWith('.')) rel = `./${rel}`;
    const imports = sf.statements.filter(ts.isImportDeclaration);
    const at = imports.length ? imports[imports.length - 1].getEnd() : 0;
    const line = `import { pow } from '${rel}';`;
    out = imports.length ? `${out.slice(0, at)}\n${line}${out.slice(at)}` : `${line}\n${out}`;
  }
  if (!check) fs.writeFileSync(file, out);
  console.log(`${check ? 'would rewrite' : 'rewrote'} ${file}: ${top.length} power${top.length === 1 ? '' : 's'}`);
  return true;
}

let changed = 0;
for (const root of roots) for (const f of files(root)) if (rewrite(f)) changed++;
console.log(`${changed} file${changed === 1 ? '' : 's'} ${check ? 'to change' : 'changed'}`);
if (check && changed) process.exit(1);
