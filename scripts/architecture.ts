// Architecture rules of src/ (issue #12), measured with the TypeScript compiler's own parser:
// folders must not import each other (directly or around a circle; type-only imports aside)
// and no function may be longer than MAX_FUNCTION_LINES.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';

export const MAX_FUNCTION_LINES = 80;

export interface LongFunction { file: string; name: string; line: number; lines: number }
export interface ArchitectureReport {
  edges: Map<string, Set<string>>;
  /** domain files (modules/, not resolvers) that import the GraphQL or HTTP layer */
  domainToEdge: string[];
  cycles: string[][];
  longFunctions: LongFunction[];
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return /\.tsx?$/.test(name) && !/\.test\.tsx?$/.test(name) ? [path] : [];
  });
}

/** A folder of src/; the few files at the top (main, config) are nodes of their own. */
function nodeOf(file: string): string {
  const dir = dirname(file);
  return dir === '.' ? file.replace(/\.js$/, '.ts') : dir;
}

function isTypeOnly(node: ts.ImportDeclaration | ts.ExportDeclaration): boolean {
  if (ts.isExportDeclaration(node)) return node.isTypeOnly;
  const clause = node.importClause;
  if (!clause) return false; // side-effect import
  if (clause.isTypeOnly) return true;
  if (clause.name) return false;
  const bindings = clause.namedBindings;
  return !!bindings && ts.isNamedImports(bindings) && bindings.elements.length > 0
    && bindings.elements.every((e) => e.isTypeOnly);
}

function functionName(node: ts.Node, sf: ts.SourceFile): string {
  const named = node as ts.Node & { name?: ts.Node };
  if (named.name) return named.name.getText(sf);
  const parent = node.parent;
  if (parent && (ts.isVariableDeclaration(parent) || ts.isPropertyAssignment(parent)) ) return parent.name.getText(sf);
  return '(anonymous)';
}

function scanFile(path: string, root: string, report: ArchitectureReport): void {
  const text = readFileSync(path, 'utf8');
  const sf = ts.createSourceFile(path, text, ts.ScriptTarget.Latest, true);
  const from = nodeOf(relative(root, path));
  const visit = (node: ts.Node): void => {
    if ((ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) && node.moduleSpecifier
      && ts.isStringLiteral(node.moduleSpecifier) && node.moduleSpecifier.text.startsWith('.') && !isTypeOnly(node)) {
      const to = nodeOf(relative(root, resolve(dirname(path), node.moduleSpecifier.text)));
      const file = relative(root, path);
      if (/^modules\//.test(file) && !/\.resolvers\.ts$/.test(file) && /^(graphql|http|app)\b/.test(to)) {
        report.domainToEdge.push(`${file} -> ${node.moduleSpecifier.text}`);
      }
      if (to !== from && !to.startsWith('..')) {
        if (!report.edges.has(from)) report.edges.set(from, new Set());
        report.edges.get(from)!.add(to);
      }
    }
    if (ts.isFunctionLike(node) && (node as ts.FunctionLikeDeclaration).body) {
      const start = sf.getLineAndCharacterOfPosition(node.getStart(sf)).line;
      const end = sf.getLineAndCharacterOfPosition(node.getEnd()).line;
      const lines = end - start + 1;
      if (lines > MAX_FUNCTION_LINES) {
        report.longFunctions.push({ file: relative(root, path), name: functionName(node, sf), line: start + 1, lines });
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
}

/** Strongly connected components of more than one folder (Tarjan): each is a circle of imports. */
function findCycles(edges: Map<string, Set<string>>): string[][] {
  const index = new Map<string, number>(); const low = new Map<string, number>();
  const stack: string[] = []; const onStack = new Set<string>(); const cycles: string[][] = [];
  let counter = 0;
  const connect = (v: string): void => {
    index.set(v, counter); low.set(v, counter); counter++; stack.push(v); onStack.add(v);
    for (const w of edges.get(v) ?? []) {
      if (!index.has(w)) { connect(w); low.set(v, Math.min(low.get(v)!, low.get(w)!)); }
      else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const component: string[] = [];
      let w: string;
      do { w = stack.pop()!; onStack.delete(w); component.push(w); } while (w !== v);
      if (component.length > 1) cycles.push(component.sort());
    }
  };
  for (const v of edges.keys()) if (!index.has(v)) connect(v);
  return cycles;
}

export function checkArchitecture(root = 'src'): ArchitectureReport {
  const report: ArchitectureReport = { edges: new Map(), domainToEdge: [], cycles: [], longFunctions: [] };
  for (const file of sourceFiles(root)) scanFile(file, root, report);
  report.cycles = findCycles(report.edges);
  return report;
}

if (process.argv[1] && resolve(process.argv[1]) === resolve(new URL(import.meta.url).pathname)) {
  const report = checkArchitecture(process.argv[2] ?? 'src');
  for (const [from, to] of [...report.edges].sort()) console.log(`${from} -> ${[...to].sort().join(', ')}`);
  for (const cycle of report.cycles) console.log(`CYCLE: ${cycle.join(' <-> ')}`);
  for (const d of report.domainToEdge) console.log(`DOMAIN IMPORTS EDGE: ${d}`);
  for (const f of report.longFunctions.sort((a, b) => b.lines - a.lines)) console.log(`LONG: ${f.file}:${f.line} ${f.name} ${f.lines} lines`);
  process.exitCode = report.cycles.length || report.domainToEdge.length || report.longFunctions.length ? 1 : 0;
}
