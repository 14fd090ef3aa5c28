/**
 * Keeps the error catalogue (platform/errors.ts) honest: every code is raised somewhere in platform/, every code is
 * documented in the README's "Errors" table with its status, and nothing is raised or documented that the catalogue
 * does not hold.
 *
 * "Raised" means a code reaches `fail(…)` or `new FormworkError(…)` as a string literal, directly, through a
 * conditional (`ok ? 'a' : 'b'`), or through a local constant or a parameter whose type or default names literal
 * codes. The sources are parsed with TypeScript's parser (no type-check), so calls spread over lines count and
 * mentions elsewhere (comparisons such as `e.code === 'conflict'`, access-log events) do not.
 */
import { expect } from 'chai';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';
import { ERROR_CODES, type ErrorCode } from '../../platform/errors.js';

const ROOT = join(import.meta.dirname, '..', '..');
const CATALOGUE = new Set(Object.keys(ERROR_CODES));

interface RaiseSite { code: string; at: string }

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(path);
    return e.name.endsWith('.ts') && !e.name.endsWith('.d.ts') ? [path] : [];
  });
}

/** The string literals an expression can evaluate to, looking through conditionals, parentheses and `as`. */
function literals(node: ts.Node | undefined): string[] {
  if (!node) return [];
  if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) return [node.text];
  if (ts.isConditionalExpression(node)) return [...literals(node.whenTrue), ...literals(node.whenFalse)];
  if (ts.isParenthesizedExpression(node) || ts.isAsExpression(node) || ts.isSatisfiesExpression(node)) {
    return literals(node.expression);
  }
  if (ts.isBinaryExpression(node) && [ts.SyntaxKind.QuestionQuestionToken, ts.SyntaxKind.BarBarToken].includes(node.operatorToken.kind)) {
    return [...literals(node.left), ...literals(node.right)];
  }
  if (ts.isLiteralTypeNode(node)) return literals(node.literal);
  if (ts.isUnionTypeNode(node)) return node.types.flatMap(literals);
  return [];
}

/**
 * The codes an identifier passed as the code can hold: the nearest enclosing declaration of that name, a local
 * constant (its initializer) or a parameter (its literal type and default). Empty when it cannot be told.
 */
function resolve(name: ts.Identifier): string[] {
  for (let scope: ts.Node | undefined = name.parent; scope; scope = scope.parent) {
    if (ts.isFunctionLike(scope)) {
      const param = scope.parameters.find((p) => ts.isIdentifier(p.name) && p.name.text === name.text);
      if (param) return [...literals(param.type), ...literals(param.initializer)];
    }
    if (ts.isBlock(scope) || ts.isSourceFile(scope)) {
      for (const statement of scope.statements) {
        if (!ts.isVariableStatement(statement)) continue;
        const decl = statement.declarationList.declarations.find((d) => ts.isIdentifier(d.name) && d.name.text === name.text);
        if (decl) return [...literals(decl.type), ...literals(decl.initializer)];
      }
    }
  }
  return [];
}

/** Every place platform/ raises an error code, and the raise sites whose code could not be told. */
function raiseSites(): { sites: RaiseSite[]; unknown: string[] } {
  const sites: RaiseSite[] = [];
  const unknown: string[] = [];
  for (const file of sourceFiles(join(ROOT, 'platform'))) {
    const rel = relative(ROOT, file);
    if (rel === join('platform', 'errors.ts')) continue;
    const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
    const visit = (node: ts.Node): void => {
      const raises = (ts.isCallExpression(node) && ts.isIdentifier(node.expression) && node.expression.text === 'fail')
        || (ts.isNewExpression(node) && ts.isIdentifier(node.expression) && node.expression.text === 'FormworkError');
      const first = raises ? (node as ts.CallExpression | ts.NewExpression).arguments?.[0] : undefined;
      if (first) {
        const at = `${rel}:${source.getLineAndCharacterOfPosition(first.getStart()).line + 1}`;
        const codes = ts.isIdentifier(first) ? resolve(first) : literals(first);
        if (codes.length === 0) unknown.push(at);
        for (const code of codes) sites.push({ code, at });
      }
      ts.forEachChild(node, visit);
    };
    visit(source);
  }
  return { sites, unknown };
}

/** The rows of the README's "Errors" table: code, status and meaning. */
function readmeRows(): { code: string; status: number; meaning: string }[] {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const start = readme.search(/^## Errors$/m);
  expect(start, 'README.md has no "## Errors" section').to.be.greaterThan(-1);
  const rest = readme.slice(start + '## Errors'.length);
  const next = rest.search(/^## /m);
  const section = next === -1 ? rest : rest.slice(0, next);
  const rows: { code: string; status: number; meaning: string }[] = [];
  for (const line of section.split('\n')) {
    const m = /^\| `([a-z_]+)` \| (\d{3}) \| (.+?) \|$/.exec(line.trim());
    if (m) rows.push({ code: m[1]!, status: Number(m[2]), meaning: m[3]! });
  }
  return rows;
}

describe('the error catalogue (platform/errors.ts)', () => {
  const { sites, unknown } = raiseSites();

  it('finds raise sites in platform/ (the scan itself works)', () => {
    expect(sites.length).to.be.greaterThan(100);
    expect(sites.map((s) => s.code)).to.include.members(['not_found', 'validation_failed', 'internal_error']);
  });

  it('raises every code somewhere in platform/ (no dead codes)', () => {
    const raised = new Set(sites.map((s) => s.code));
    const dead = [...CATALOGUE].filter((code) => !raised.has(code));
    const hint = unknown.length ? ` Raise sites whose code could not be told: ${unknown.join(', ')}.` : '';
    expect(dead, `Codes never raised: remove them from platform/errors.ts and README.md.${hint}`).to.deep.equal([]);
  });

  it('raises no code that is not in the catalogue', () => {
    const strays = sites.filter((s) => !CATALOGUE.has(s.code)).map((s) => `${s.code} at ${s.at}`);
    expect(strays).to.deep.equal([]);
  });

  it('documents every code in the README\'s Errors table, once, with its status and title', () => {
    const rows = readmeRows();
    const documented = rows.map((r) => r.code);
    expect(documented.filter((code, i) => documented.indexOf(code) !== i), 'documented twice').to.deep.equal([]);
    expect([...CATALOGUE].filter((code) => !documented.includes(code)), 'missing from the README').to.deep.equal([]);
    expect(documented.filter((code) => !CATALOGUE.has(code)), 'documented but not in the catalogue').to.deep.equal([]);
    for (const row of rows) {
      const entry = ERROR_CODES[row.code as ErrorCode];
      expect(row.status, `status of ${row.code}`).to.equal(entry.status);
      const title = new RegExp(`^${escapeRegExp(entry.title)}\\b`);
      expect(row.meaning, `meaning of ${row.code} starts with its catalogue title`).to.match(title);
    }
  });
});

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
