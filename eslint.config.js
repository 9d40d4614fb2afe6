import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';

const noTfjs = {
  group: ['@tensorflow/*'],
  message: 'Only src/core and src/worker may use TensorFlow.js; the UI talks to the worker through the bridge.',
};
const noUi = (from) => ({
  group: ['**/ui/*', '**/state/*', '**/bridge/*', 'react', 'react-dom', 'zustand', 'recharts'],
  message: `${from} must not depend on the UI layers.`,
});

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'public/**', 'tmp/**', 'test-results/**', 'playwright-report/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.browser, ...globals.node, ...globals.worker } },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['src/ui/**', 'src/state/**', 'src/bridge/**', 'src/main.tsx'],
    plugins: { 'react-hooks': reactHooks },
    rules: {
      ...reactHooks.configs.recommended.rules,
      'no-restricted-imports': ['error', { patterns: [noTfjs, { group: ['**/core/*', '**/worker/*'], message: 'The UI reaches the engine through the bridge and the protocol only.' }] }],
    },
  },
  {
    files: ['src/core/**'],
    rules: { 'no-restricted-imports': ['error', { patterns: [noUi('src/core'), { group: ['**/worker/*'], message: 'core must not depend on the worker.' }] }] },
  },
  {
    files: ['src/protocol/**'],
    rules: { 'no-restricted-imports': ['error', { patterns: [noTfjs, noUi('src/protocol'), { group: ['**/core/*', '**/worker/*'], message: 'protocol is shared types and constants only.' }] }] },
  },
  {
    files: ['src/storage/**'],
    rules: { 'no-restricted-imports': ['error', { patterns: [noTfjs, noUi('src/storage'), { group: ['**/core/*', '**/worker/*'], message: 'storage keeps plain records; it knows the protocol only.' }] }] },
  },
  {
    files: ['src/worker/**'],
    rules: { 'no-restricted-imports': ['error', { patterns: [noUi('src/worker')] }] },
  },
);
