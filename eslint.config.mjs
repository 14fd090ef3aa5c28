// ESLint for Formwork: typescript-eslint's recommended rules, the house rules (type-only imports, one logger, no
// focused or skipped tests, import layers), and the formatter.
//
// The formatter is @stylistic/eslint-plugin, not Prettier: one tool and one command (`eslint --fix` lints and
// formats), and it can be told the style the code already has — compact lists wrapped by hand, chained ternaries on
// one line, `if (x) { a(); return; }` one-liners — which Prettier cannot (it re-wraps every list and call to its
// print width). The rules below were chosen by running them over the tree and keeping those the code already
// follows: the first `--fix` changes about 20 lines.
//
// Not type-aware: with type information (recommendedTypeChecked) typescript-eslint took about 60 s of CPU instead of
// about 13 on this tree, and added some 3,400 reports, nearly all no-unsafe-* on JSON read from requests and rows.
// The type-checks in `npm test` (tsc) already check the types.
import { defineConfig } from 'eslint/config';
import stylistic from '@stylistic/eslint-plugin';
import tseslint from 'typescript-eslint';

/**
 * The lower layers of platform/ and what each may import from the rest of platform/ (a folder, or one module).
 * From the top: definitions, then conditions, then db; platform/errors.ts and platform/log.ts sit below them all.
 * A layer never imports a folder above it, so the definition loader, the condition language and the database
 * layer can be read, tested and reused without the record pipeline, access, HTTP or the kinds built on them.
 */
const LAYERS = {
  definitions: ['conditions/', 'db/', 'errors.js', 'log.js'],
  conditions: ['db/', 'errors.js', 'log.js'],
  db: ['errors.js', 'log.js'],
};

/** How deep folders go below a layer; a relative import needs one `../` per level to leave it. */
const MAX_DEPTH = 4;
const escape = (s) => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

/** One block per layer and folder depth: relative imports that climb out of the layer must land on an allowed entry. */
function layerBlocks() {
  const blocks = [];
  for (const [layer, allowed] of Object.entries(LAYERS)) {
    const ok = allowed.map((entry) => (entry.endsWith('/') ? escape(entry) : `${escape(entry)}$`)).join('|');
    for (let depth = 0; depth <= MAX_DEPTH; depth += 1) {
      const up = `(?:\\.\\./){${depth + 1}}`;
      blocks.push({
        name: `formwork/layers/${layer}/depth-${depth}`,
        files: [`platform/${layer}/${'*/'.repeat(depth)}*.ts`],
        rules: {
          'no-restricted-imports': ['error', {
            patterns: [{
              // Leaving platform/ (`../` once more, e.g. to migrations/) is not a layer question.
              regex: `^${up}(?!${ok}|\\.\\./)`,
              message: `platform/${layer} may import only ${allowed.map((a) => `platform/${a}`).join(', ')} from the rest `
                + 'of platform/ (LAYERS in eslint.config.mjs): move the code that needs a higher folder up, or pass it in.',
            }],
          }],
        },
      });
    }
  }
  return blocks;
}

/**
 * What ui/ may import from platform/ (paths below platform/): only isomorphic modules, which have no Node imports,
 * so the browser bundle runs the very code the server runs (one condition language, one policy semantics, one
 * dependent-choices rule). Anything else would pull Node code (knex, fs) into the bundle or tie the UI to internals.
 */
const UI_ALLOWED = [
  'conditions/browser.js', // the condition language without its SQL compiler
  'rules/ui-policy.js', // UI-policy semantics, run live in forms and again on the server
  'records/dependent-choices.js', // which choice options apply, in forms and on write
  'records/rich-text-policy.js', // what rich text may hold, cleaned to it on write and again when shown
].map(escape);
/**
 * Declarations ui/ shares with the server, imported with `import type` only (erased from the bundle): the API's
 * metadata shapes, and the `types.ts` of definitions and of each kind's folder (forms, menus…) that the UI renders.
 */
const UI_TYPE_ONLY = ['http/api-types\\.js', '(?:[\\w-]+/)+types\\.js'];

const uiPatterns = [
  {
    regex: `^(?:\\.\\./)+platform/(?!(?:${[...UI_ALLOWED, ...UI_TYPE_ONLY].join('|')})$)`,
    message: 'ui/ may import from platform/ only its isomorphic modules (UI_ALLOWED in eslint.config.mjs).',
  },
  {
    regex: `^(?:\\.\\./)+platform/(?:${UI_TYPE_ONLY.join('|')})$`,
    allowTypeImports: true,
    message: 'ui/ may import only types from this module: use `import type` (UI_TYPE_ONLY in eslint.config.mjs).',
  },
];

/** Mocha's ways to focus or skip tests; a skipped test passes silently, a focused one hides the rest. */
const focusedOrSkipped = [
  {
    selector: 'MemberExpression[object.name=/^(describe|context|suite|it|specify|test)$/][property.name=/^(only|skip)$/]',
    message: 'No focused or skipped tests: remove .only / .skip.',
  },
  {
    selector: 'CallExpression[callee.name=/^x(describe|context|it|specify)$/]',
    message: 'No skipped tests: xit / xdescribe skip silently.',
  },
  {
    selector: 'CallExpression[callee.object.type="ThisExpression"][callee.property.name="skip"]',
    message: 'No skipped tests: this.skip() passes silently; fail with a message saying what is missing instead.',
  },
  {
    selector: 'CallExpression[callee.name=/^(it|specify|test)$/][arguments.length<2]',
    message: 'A test without a body is pending (skipped): write it or remove it.',
  },
];

export default defineConfig(
  // Build output, the local database and scratch files; node_modules/ is always ignored.
  { ignores: ['dist/', 'data/', '.tmp/', 'coverage/'] },
  tseslint.configs.recommended,
  {
    name: 'formwork/typescript',
    files: ['**/*.ts'],
    rules: {
      // Types travel as `import type` (or an inline `type`), so a module's runtime imports say what it really loads.
      // `typeof import('…')` stays allowed: it types what a createRequire() call returns (ajv under nodenext).
      '@typescript-eslint/consistent-type-imports': ['error', {
        prefer: 'type-imports',
        fixStyle: 'inline-type-imports',
        disallowTypeAnnotations: false,
      }],
    },
  },
  {
    name: 'formwork/all',
    rules: {
      // A leading underscore marks a binding kept on purpose (a destructured field left out of `...rest`, a
      // parameter a signature requires).
      '@typescript-eslint/no-unused-vars': ['error', {
        argsIgnorePattern: '^_',
        varsIgnorePattern: '^_',
        destructuredArrayIgnorePattern: '^_',
        ignoreRestSiblings: true,
      }],
      // `declare global { namespace Express … }` is how Express's Locals are typed; namespaces with code stay refused.
      '@typescript-eslint/no-namespace': ['error', { allowDeclarations: true }],
    },
  },
  {
    name: 'formwork/commonjs',
    files: ['**/*.cjs'],
    // Mocha loads its reporter with require(): the one CommonJS file.
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    name: 'formwork/platform',
    files: ['platform/**/*.ts'],
    // One logger (platform/log.ts): JSON lines on stderr, levels, silent in tests. The CLI writes its output with
    // process.stdout.write, so it needs no exemption.
    rules: { 'no-console': 'error' },
  },
  layerBlocks(),
  {
    name: 'formwork/ui',
    files: ['ui/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: uiPatterns }] },
  },
  {
    name: 'formwork/tests',
    files: ['test/**/*.ts'],
    rules: {
      'no-restricted-syntax': ['error', ...focusedOrSkipped],
      // chai's property assertions (`expect(x).to.be.true`) are expressions by design.
      '@typescript-eslint/no-unused-expressions': 'off',
      // Tests read JSON answers whose shape the assertions themselves check.
      '@typescript-eslint/no-explicit-any': 'off',
    },
  },
  {
    name: 'formwork/format',
    files: ['**/*.{ts,mjs,js,cjs}'],
    plugins: { '@stylistic': stylistic },
    rules: {
      ...stylistic.configs.customize({
        indent: 2,
        quotes: 'single',
        semi: true,
        commaDangle: 'always-multiline',
        braceStyle: '1tbs',
        arrowParens: true,
        quoteProps: 'as-needed',
        blockSpacing: true,
        jsx: false,
      }).rules,
      // Double quotes where the string holds single quotes (SQL), rather than escapes.
      '@stylistic/quotes': ['error', 'single', { avoidEscape: true, allowTemplateLiterals: 'always' }],
      // Long lines are wrapped by hand (no fixer can): signatures, argument lists and object literals at natural points.
      '@stylistic/max-len': ['error', {
        code: 140,
        ignoreUrls: true,
        ignoreStrings: true,
        ignoreTemplateLiterals: true,
        ignoreRegExpLiterals: true,
      }],
      // The code wraps argument, parameter and object lists by hand, several items a line, and keeps short chained
      // ternaries, arrow bodies after a break, and `if (x) { a(); return; }` on one line: these rules would
      // re-wrap thousands of lines, most of them by hand (max-statements-per-line cannot fix itself).
      '@stylistic/list-style': 'off',
      '@stylistic/multiline-ternary': 'off',
      '@stylistic/implicit-arrow-linebreak': 'off',
      '@stylistic/max-statements-per-line': 'off',
    },
  },
);
