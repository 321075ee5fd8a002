// Parses every PowerShell file (.ps1, .psm1, .psd1) given, or found under the repository, with the
// tree-sitter PowerShell grammar, and reports each syntax error with its line and column.
// Prints one "ok"/"FAIL" line per file and a closing "N passed, N failed" line; exit 1 on any failure.
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Parser, Language } from 'web-tree-sitter';

const here = dirname(fileURLToPath(import.meta.url));
const repo = resolve(here, '..', '..');
const skip = new Set(['node_modules', 'bin', 'obj', 'out', '.git', 'TestResults', '.work']);
// Fuzzing inputs (tests/fuzz/regressions, tests/fuzz/pending) are hostile data that happen to be named .psd1, not code.
const skipPaths = new Set([join(repo, 'tests', 'fuzz', 'regressions'), join(repo, 'tests', 'fuzz', 'pending')]);

function find(dir, acc) {
  for (const name of readdirSync(dir)) {
    if (skip.has(name)) continue;
    const path = join(dir, name);
    if (skipPaths.has(path)) continue;
    const st = statSync(path);
    if (st.isDirectory()) find(path, acc);
    else if (/\.(ps1|psm1|psd1)$/i.test(name)) acc.push(path);
  }
  return acc;
}

function errors(node, acc) {
  if (node.isError || node.isMissing) {
    acc.push(`${node.startPosition.row + 1}:${node.startPosition.column + 1} ${node.isMissing ? 'missing ' + node.type : 'unexpected ' + JSON.stringify(node.text.slice(0, 40))}`);
    return acc;
  }
  for (const child of node.children) if (child.hasError || child.isMissing || child.isError) errors(child, acc);
  return acc;
}

await Parser.init();
const language = await Language.load(join(here, 'node_modules', 'tree-sitter-powershell', 'tree-sitter-powershell.wasm'));
const parser = new Parser();
parser.setLanguage(language);

const files = process.argv.length > 2 ? process.argv.slice(2).map(f => resolve(f)) : find(repo, []);
let passed = 0, failed = 0;
for (const file of files) {
  const text = readFileSync(file, 'utf8').replace(/^\uFEFF/, '');
  const tree = parser.parse(text);
  const problems = tree.rootNode.hasError ? errors(tree.rootNode, []) : [];
  if (problems.length === 0) { passed++; console.log(`ok    ${relative(repo, file)}`); }
  else { failed++; console.log(`FAIL  ${relative(repo, file)}: ${problems.slice(0, 5).join('; ')}`); }
}
if (files.length === 0) { console.log('FAIL  no PowerShell files found'); failed++; }
console.log(`psparse: ${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
