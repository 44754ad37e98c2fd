// Lint for every room. Type-aware (each file is checked with its own tsconfig: the root one for src/, test/ and
// bench/, webview/tsconfig.json for the browser app), and the room rules of the README's architecture: which room
// may import which. Import circles are caught by test/unit/importGraph.test.ts.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/** Folders of the engine that compute with TensorFlow.js: nothing outside the engine and the CLI may reach them. */
const ENGINE_COMPUTE = ['train', 'models', 'backend', 'data', 'selectivity', 'analyses'];

/** The webview surfaces, one bundle each (webview/<surface>/main.ts). */
const SURFACES = ['panel', 'sidebar', 'compare', 'report'];

export default tseslint.config(
  { ignores: ['out/**', 'dist/**', 'node_modules/**', '.cache/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      // Every switch over a union names every member (a default alone does not count).
      '@typescript-eslint/switch-exhaustiveness-check': ['error', { considerDefaultExhaustiveForUnions: false, requireDefaultForNonUnion: false }],
      // A promise nobody awaits loses its error; `void` says it is meant.
      '@typescript-eslint/no-floating-promises': [
        'error',
        // node:test runs what these return itself.
        { allowForKnownSafeCalls: [{ from: 'package', package: 'node:test', name: ['test', 'it', 'describe', 'suite', 'before', 'after', 'beforeEach', 'afterEach'] }] },
      ],
      '@typescript-eslint/consistent-type-imports': ['error', { prefer: 'type-imports', fixStyle: 'inline-type-imports' }],
    },
  },
  // Plain JavaScript helpers of the tests are not in a tsconfig.
  { files: ['**/*.js', '**/*.mjs'], ...tseslint.configs.disableTypeChecked },
  // Keep the rooms apart.
  // protocol: the ground floor; it imports nothing.
  {
    files: ['src/protocol/**/*.ts'],
    rules: { '@typescript-eslint/no-restricted-imports': ['error', { patterns: ['**/engine/**', '**/host/**', '**/figures/**', '**/webview/**', 'vscode', 'd3', '@tensorflow/*', 'node:*'] }] },
  },
  // figures: DOM-free SVG figures from d3 and protocol types only.
  {
    files: ['src/figures/**/*.ts'],
    rules: { '@typescript-eslint/no-restricted-imports': ['error', { patterns: ['**/engine/**', '**/host/**', '**/webview/**', 'vscode', '@tensorflow/*', 'node:*'] }] },
  },
  // engine and CLI: plain Node; never vscode or the host; the figures only as types (their bundle is loaded at run time).
  {
    files: ['src/engine/**/*.ts', 'src/cli.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: ['vscode'],
          patterns: [
            { group: ['**/host/**', '**/webview/**'], message: 'The engine never imports the host or the webview.' },
            { group: ['**/figures/**'], allowTypeImports: true, message: 'The engine loads the figures bundle (dist/figures.js) at run time; import its types only.' },
          ],
        },
      ],
    },
  },
  // host: the engine only through its façades (folder index files), never its compute folders, never tfjs.
  {
    files: ['src/host/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ENGINE_COMPUTE.map((f) => `**/engine/${f}`).concat(ENGINE_COMPUTE.map((f) => `**/engine/${f}/**`)), message: 'TensorFlow.js must never load in the extension host.' },
            { group: ['**/engine/*/*', '!**/engine/*/index'], message: 'Import an engine folder through its index (façade), not its files.' },
            { group: ['**/engine/engine', '**/engine/worker', '**/engine/contracts'], message: 'The host talks to the engine process through src/engine/client.' },
            { group: ['@tensorflow/*', '**/webview/**', '**/figures/**'], message: 'Not in the extension host.' },
          ],
        },
      ],
    },
  },
  // The host's plain-Node parts (node/ folders) run without VS Code: never vscode (nor, through another file:
  // test/unit/importGraph.test.ts follows the imports).
  {
    files: ['src/host/**/node/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { paths: [{ name: 'vscode', message: 'node/ folders hold the host code that runs without VS Code.' }] }] },
  },
  // webview: the browser apps, one bundle per surface. A surface imports webview/shared and its own folder, never
  // another surface, and shared/ imports no surface; all of them the protocol and the figures, never Node,
  // vscode, the engine or the host.
  ...['panel', 'sidebar', 'compare', 'report', 'shared'].map((room) => ({
    files: [`webview/${room}/**/*.ts`],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: ['vscode'],
          patterns: [
            { group: ['**/engine/**', '**/host/**', 'node:*', '@tensorflow/*'], message: 'The webview runs in a browser: the protocol and the figures only.' },
            ...SURFACES.filter((s) => s !== room).map((s) => ({ group: [`../${s}/*`, `../../${s}/*`, `./${s}/*`], message: `A surface never imports another surface (${s}); shared code lives in webview/shared.` })),
          ],
        },
      ],
    },
  })),
);
