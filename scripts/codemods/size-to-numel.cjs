// One-off codemod for merges after issue 19: rewrites every `<Tensor>.size` read as a number (the old
// element-count getter) to `.numel()`, found by type (Tensor or a subclass), not by text, so
// Set/Map `.size` stays. Usage: node scripts/codemods/size-to-numel.cjs tsconfig.json
const ts = require('typescript');
const fs = require('fs');
const cfgPath = process.argv[2];
const cfg = ts.getParsedCommandLineOfConfigFile(cfgPath, {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: (d) => console.error(d) });
const program = ts.createProgram(cfg.fileNames, cfg.options);
const checker = program.getTypeChecker();
const edits = new Map();
function isTensorType(t) {
  const types = t.isUnion() ? t.types : [t];
  return types.some((x) => { const s = x.getSymbol(); if (!s) return false; if (s.getName() === 'Tensor') return true; const bases = x.getBaseTypes ? (x.getBaseTypes() || []) : []; return bases.some((b) => b.getSymbol() && b.getSymbol().getName() === 'Tensor'); });
}
for (const sf of program.getSourceFiles()) {
  if (sf.fileName.includes('node_modules') || !sf.fileName.startsWith(process.cwd())) continue;
  const visit = (n) => {
    if (ts.isPropertyAccessExpression(n) && n.name.text === 'size') {
      const parent = n.parent;
      const isCall = ts.isCallExpression(parent) && parent.expression === n;
      if (!isCall) {
        const t = checker.getNonNullableType(checker.getTypeAtLocation(n.expression));
        if (isTensorType(t)) {
          const list = edits.get(sf.fileName) || [];
          list.push([n.name.getStart(sf), n.name.getEnd()]);
          edits.set(sf.fileName, list);
        }
      }
    }
    ts.forEachChild(n, visit);
  };
  visit(sf);
}
for (const [file, list] of edits) {
  let text = fs.readFileSync(file, 'utf8');
  list.sort((a, b) => b[0] - a[0]);
  for (const [s, e] of list) text = text.slice(0, s) + 'numel()' + text.slice(e);
  fs.writeFileSync(file, text);
  console.log(file.replace(process.cwd() + '/', ''), list.length);
}
