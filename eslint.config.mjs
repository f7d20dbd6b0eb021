// ESLint (flat config): typescript-eslint's recommended rules, consistent type imports, no import cycles (value
// imports; `npm run lint` also runs bin/check-import-cycles.ts for type-only ones), the dependency rule between the
// folders (docs/ARCHITECTURE.md), the AWS seams, no line over 140 characters, no focused or skipped tests left
// behind. Formatting is Prettier's job (`npm run format`).
import js from '@eslint/js';
import stylistic from '@stylistic/eslint-plugin';
import { importX } from 'eslint-plugin-import-x';
import tseslint from 'typescript-eslint';

/**
 * Who may not import whom. Inside lambda/ the floors are, from the bottom: core (imports nothing of the project),
 * metrics, ayrshare and storage, notify, pipeline, aws, handlers (imported by nothing but the bundle's entry); render
 * (the report renderers) stands on core alone and is used by the handlers and the CLI. lib/
 * (the stack) takes names from lambda/core only; local/ (the CLI) never imports a handler or the functions' AWS code.
 */
const below = (target, ...from) => ({ target, from, message: `${target} may not import ${from.join(', ')}.` });
const DEPENDENCY_ZONES = [
  below(
    './lambda/core',
    './lambda/render',
    './lambda/metrics',
    './lambda/ayrshare',
    './lambda/storage',
    './lambda/notify',
    './lambda/pipeline',
    './lambda/aws',
    './lambda/handlers',
    './lib',
    './local',
    './bin',
  ),
  below(
    './lambda/metrics',
    './lambda/render',
    './lambda/ayrshare',
    './lambda/storage',
    './lambda/notify',
    './lambda/pipeline',
    './lambda/aws',
    './lambda/handlers',
    './lib',
    './local',
    './bin',
  ),
  below(
    './lambda/ayrshare',
    './lambda/render',
    './lambda/storage',
    './lambda/notify',
    './lambda/pipeline',
    './lambda/aws',
    './lambda/handlers',
    './lib',
    './local',
    './bin',
  ),
  below(
    './lambda/storage',
    './lambda/render',
    './lambda/ayrshare',
    './lambda/notify',
    './lambda/pipeline',
    './lambda/aws',
    './lambda/handlers',
    './lib',
    './local',
    './bin',
  ),
  below(
    './lambda/notify',
    './lambda/render',
    './lambda/ayrshare',
    './lambda/storage',
    './lambda/pipeline',
    './lambda/aws',
    './lambda/handlers',
    './lib',
    './local',
    './bin',
  ),
  below('./lambda/pipeline', './lambda/render', './lambda/aws', './lambda/handlers', './lib', './local', './bin'),
  below('./lambda/aws', './lambda/render', './lambda/handlers', './lib', './local', './bin'),
  below('./lambda/handlers', './lib', './local', './bin'),
  // The report renderers (HTML, CSV, terminal, PDF through Chromium): the CLI and the report function both render.
  below(
    './lambda/render',
    './lambda/metrics',
    './lambda/ayrshare',
    './lambda/storage',
    './lambda/notify',
    './lambda/pipeline',
    './lambda/aws',
    './lambda/handlers',
    './lib',
    './local',
    './bin',
  ),
  below(
    './lib',
    './lambda/metrics',
    './lambda/ayrshare',
    './lambda/storage',
    './lambda/notify',
    './lambda/pipeline',
    './lambda/aws',
    './lambda/handlers',
    './lambda/render',
    './local',
    './bin',
  ),
  below('./local', './lambda/handlers', './lambda/aws', './lib', './bin'),
];

export default tseslint.config(
  { ignores: ['node_modules/', 'cdk.out/', 'coverage/', 'test-artifacts/', '.data/', '**/*.d.ts'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    plugins: { 'import-x': importX, '@stylistic': stylistic },
    settings: { 'import-x/resolver': { node: { extensions: ['.ts', '.js'] } } },
    rules: {
      '@typescript-eslint/consistent-type-imports': [
        'error',
        { prefer: 'type-imports', fixStyle: 'inline-type-imports' },
      ],
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' },
      ],
      '@typescript-eslint/no-require-imports': 'off',
      'import-x/no-cycle': ['error', { maxDepth: Infinity }],
      'import-x/no-self-import': 'error',
      'import-x/no-duplicates': 'error',
      // Long strings are broken with + like any other line; a URL is the one thing that may run on.
      '@stylistic/max-len': ['error', { code: 140, ignoreUrls: true }],
      // The dependency rule: each folder may import only the folders below it (docs/ARCHITECTURE.md, "Dependencies").
      'import-x/no-restricted-paths': ['error', { zones: DEPENDENCY_ZONES }],
      'no-restricted-syntax': [
        'error',
        {
          selector: "CallExpression[callee.object.name=/^(describe|it|test)$/][callee.property.name='only']",
          message: 'Focused test left behind.',
        },
        {
          selector: "CallExpression[callee.object.name=/^(describe|it|test)$/][callee.property.name='skip']",
          message: 'Skipped test: fix it or delete it.',
        },
      ],
    },
  },
  {
    // Only the two AWS seams import the AWS SDK: lambda/aws for the functions (with Powertools and middy), local/aws
    // for the CLI's remote commands. Every other module stays plain and testable (tests mock the clients, so they may
    // import them).
    files: ['lambda/**/*.ts', 'local/**/*.ts', 'bin/**/*.ts', 'lib/**/*.ts', 'bench/**/*.ts'],
    ignores: ['lambda/aws/**', 'local/aws/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['@aws-sdk/*', '@aws-lambda-powertools/*', '@middy/*'],
              message: 'The AWS SDK is used through lambda/aws (the functions) or local/aws (the CLI) only.',
            },
          ],
        },
      ],
    },
  },
  {
    // The CLI's seam talks to AWS with the SDK, never through the functions' Powertools or middy.
    files: ['local/aws/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['@aws-lambda-powertools/*', '@middy/*'],
              message: "Powertools and middy are the functions' own.",
            },
            {
              group: ['**/lambda/aws/*', '**/lambda/handlers/*'],
              message: "The CLI never imports the functions' AWS code.",
            },
          ],
        },
      ],
    },
  },
  {
    // Tests edit Ayrshare answers field by field: loose types there keep each case to one line.
    files: ['test/**/*.ts', 'bench/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    files: ['**/*.js', '**/*.mjs', '**/*.cjs'],
    rules: { '@typescript-eslint/no-require-imports': 'off' },
    languageOptions: {
      globals: {
        require: 'readonly',
        module: 'writable',
        process: 'readonly',
        __dirname: 'readonly',
        console: 'readonly',
      },
    },
  },
);
