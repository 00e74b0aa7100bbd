// The import rules here are the layering of DESIGN.md, enforced rather than remembered.
import tseslint from 'typescript-eslint';

const nodeBuiltins = ['node:*', 'fs', 'fs/*', 'path', 'os', 'child_process', 'crypto', 'url', 'util', 'worker_threads', 'http', 'https', 'net', 'stream', 'events', 'process', 'buffer', 'zlib'];
const restrict = (patterns, extra = []) => ({
  '@typescript-eslint/no-restricted-imports': [
    'error',
    {
      patterns: [
        ...patterns.map((p) => ({ group: [p.group].flat(), message: p.message })),
        ...extra,
      ],
    },
  ],
});

export default tseslint.config(
  { ignores: ['node_modules/**', 'dist/**', 'out/**', 'release/**', 'test-results/**', 'bench/results/**', '**/*.js', '!eslint.config.js'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'error',
    },
  },
  {
    files: ['graph/**/*.ts'],
    ignores: ['graph/compile.ts', 'graph/tfjs/**'],
    rules: restrict([
      { group: ['**/main/**', '**/renderer/**'], message: 'graph/ is the pure core: it imports nothing of main/ or renderer/.' },
      { group: ['electron', 'react', 'react-dom', '@xyflow/*'], message: 'graph/ must not depend on UI or Electron.' },
      { group: nodeBuiltins, message: 'graph/ runs in the renderer too: no Node built-ins.' },
    ], [{ group: ['@tensorflow/*'], allowTypeImports: true, message: 'Only graph/compile and graph/tfjs touch TensorFlow.js at run time; take `tf` as a parameter.' }]),
  },
  {
    files: ['graph/compile.ts', 'graph/tfjs/**/*.ts'],
    rules: restrict([
      { group: ['**/main/**', '**/renderer/**'], message: 'graph/ is the pure core: it imports nothing of main/ or renderer/.' },
      { group: ['electron', 'react', 'react-dom', '@xyflow/*'], message: 'graph/ must not depend on UI or Electron.' },
      { group: nodeBuiltins, message: 'graph/ runs in the renderer too: no Node built-ins.' },
    ], [{ group: ['@tensorflow/*'], allowTypeImports: true, message: 'Take `tf` as a parameter instead of importing a backend package.' }]),
  },
  {
    files: ['main/**/*.ts'],
    ignores: ['main/electron/**'],
    rules: restrict([
      { group: ['**/renderer/**'], message: 'main/ and renderer/ never import each other; share code through graph/.' },
      { group: ['electron'], message: 'Only main/electron/ imports electron.' },
    ]),
  },
  {
    files: ['main/electron/**/*.ts'],
    rules: restrict([{ group: ['**/renderer/**'], message: 'main/ and renderer/ never import each other; share code through graph/.' }]),
  },
  {
    files: ['renderer/**/*.{ts,tsx}'],
    rules: restrict([
      { group: ['**/main/**'], message: 'main/ and renderer/ never import each other; go through the host API in graph/api.' },
      { group: ['electron'], message: 'The renderer talks to the host through the preload bridge only.' },
      { group: nodeBuiltins, message: 'The renderer is sandboxed: no Node built-ins.' },
      { group: ['@tensorflow/*'], message: 'The renderer does not run TensorFlow.js; training happens on the main side.' },
    ]),
  },
);
