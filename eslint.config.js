// The import rules here are the layering of DESIGN.md, enforced rather than remembered.
import { builtinModules } from 'node:module';
import { dirname, isAbsolute, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import tseslint from 'typescript-eslint';

const ROOT = dirname(fileURLToPath(import.meta.url));

// Every built-in of the running Node, bare ('readline', 'fs/promises') or prefixed ('node:test'), so a module
// Node adds later is covered without editing a list.
const BUILTINS = new Set(builtinModules);
const isBuiltin = (source) => source.startsWith('node:') || BUILTINS.has(source) || BUILTINS.has(source.split('/')[0]);

/** True when `source` is the package `name` or one of its subpaths; `@scope/*` matches the whole scope. */
const isPackage = (source, name) => (name.endsWith('/*') ? source.startsWith(name.slice(0, -1)) : source === name || source.startsWith(`${name}/`));

/**
 * The layering rule. Unlike no-restricted-imports it resolves relative specifiers against the importing file, so
 * '../main', '../../main/x.js' and './../renderer' all count as the top-level folder they land in, and it checks
 * every way code can load a module: import/export ... from, import(), require() and `import x = require()`.
 */
const layering = {
  meta: {
    type: 'problem',
    docs: { description: 'Enforce the folder layering of DESIGN.md (graph/, main/, renderer/).' },
    schema: [
      {
        type: 'object',
        additionalProperties: false,
        properties: {
          folders: { type: 'array', items: { type: 'object', properties: { name: { type: 'string' }, message: { type: 'string' } }, required: ['name', 'message'] } },
          packages: {
            type: 'array',
            items: { type: 'object', properties: { names: { type: 'array', items: { type: 'string' } }, message: { type: 'string' }, allowTypeImports: { type: 'boolean' } }, required: ['names', 'message'] },
          },
          builtins: { type: 'string' },
          computed: { type: 'string' },
        },
      },
    ],
    messages: { forbidden: "'{{source}}': {{message}}" },
  },
  create(context) {
    const opts = context.options[0] ?? {};
    const here = dirname(context.filename);
    const check = (node, source, typeOnly) => {
      const report = (message) => context.report({ node, messageId: 'forbidden', data: { source, message } });
      if (source.startsWith('.') || isAbsolute(source)) {
        const top = relative(ROOT, resolve(here, source)).split(sep)[0];
        const folder = (opts.folders ?? []).find((f) => f.name === top);
        if (folder) report(folder.message);
        return;
      }
      if (opts.builtins && isBuiltin(source)) return report(opts.builtins);
      for (const group of opts.packages ?? []) {
        if (group.names.some((n) => isPackage(source, n)) && !(typeOnly && group.allowTypeImports)) return report(group.message);
      }
    };
    const literal = (node) => {
      if (node?.type === 'Literal' && typeof node.value === 'string') return node.value;
      if (node?.type === 'TemplateLiteral' && node.expressions.length === 0) return node.quasis[0].value.cooked;
      return null;
    };
    const dynamic = (node, arg) => {
      const source = literal(arg);
      if (source !== null) check(node, source, false);
      else if (opts.computed) context.report({ node, messageId: 'forbidden', data: { source: context.sourceCode.getText(arg ?? node), message: opts.computed } });
    };
    return {
      ImportDeclaration(node) {
        const typeOnly = node.importKind === 'type' || (node.specifiers.length > 0 && node.specifiers.every((s) => s.importKind === 'type'));
        check(node, node.source.value, typeOnly);
      },
      ExportNamedDeclaration(node) {
        if (node.source) check(node, node.source.value, node.exportKind === 'type');
      },
      ExportAllDeclaration(node) {
        check(node, node.source.value, node.exportKind === 'type');
      },
      ImportExpression(node) {
        dynamic(node, node.source);
      },
      CallExpression(node) {
        if (node.callee.type === 'Identifier' && node.callee.name === 'require') dynamic(node, node.arguments[0]);
      },
      TSImportEqualsDeclaration(node) {
        if (node.moduleReference.type === 'TSExternalModuleReference') check(node, node.moduleReference.expression.value, node.importKind === 'type');
      },
    };
  },
};

const GRAPH_PURE = 'graph/ is the pure core: it imports nothing of main/ or renderer/.';
const NO_COMPUTED = 'a computed module specifier cannot be checked against the layering of DESIGN.md; import a string literal';
const graphRules = (tfMessage) => ({
  'tensorloom/layering': [
    'error',
    {
      folders: [
        { name: 'main', message: GRAPH_PURE },
        { name: 'renderer', message: GRAPH_PURE },
      ],
      packages: [
        { names: ['electron', 'react', 'react-dom', '@xyflow/*'], message: 'graph/ must not depend on UI or Electron.' },
        { names: ['@tensorflow/*'], allowTypeImports: true, message: tfMessage },
      ],
      builtins: 'graph/ runs in the renderer too: no Node built-ins.',
      computed: NO_COMPUTED,
    },
  ],
});

export default tseslint.config(
  { ignores: ['node_modules/**', 'dist/**', 'out/**', 'release/**', 'test-results/**', 'bench/results/**', '**/*.js', '!eslint.config.js'] },
  ...tseslint.configs.recommended,
  {
    plugins: { tensorloom: { rules: { layering } } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'error',
    },
  },
  {
    files: ['graph/**/*.ts'],
    ignores: ['graph/compile.ts', 'graph/tfjs/**'],
    rules: graphRules('Only graph/compile and graph/tfjs touch TensorFlow.js at run time; take `tf` as a parameter.'),
  },
  {
    files: ['graph/compile.ts', 'graph/tfjs/**/*.ts'],
    rules: graphRules('Take `tf` as a parameter instead of importing a backend package.'),
  },
  {
    files: ['main/**/*.ts'],
    ignores: ['main/electron/**'],
    rules: {
      'tensorloom/layering': [
        'error',
        {
          folders: [{ name: 'renderer', message: 'main/ and renderer/ never import each other; share code through graph/.' }],
          packages: [{ names: ['electron'], message: 'Only main/electron/ imports electron.' }],
        },
      ],
    },
  },
  {
    files: ['main/electron/**/*.ts'],
    rules: { 'tensorloom/layering': ['error', { folders: [{ name: 'renderer', message: 'main/ and renderer/ never import each other; share code through graph/.' }] }] },
  },
  {
    files: ['renderer/**/*.{ts,tsx}'],
    rules: {
      'tensorloom/layering': [
        'error',
        {
          folders: [{ name: 'main', message: 'main/ and renderer/ never import each other; go through the host API in graph/api.' }],
          packages: [
            { names: ['electron'], message: 'The renderer talks to the host through the preload bridge only.' },
            { names: ['@tensorflow/*'], message: 'The renderer does not run TensorFlow.js; training happens on the main side.' },
          ],
          builtins: 'The renderer is sandboxed: no Node built-ins.',
          computed: NO_COMPUTED,
        },
      ],
    },
  },
);
