// ESLint (flat config): typescript-eslint's recommended rules, consistent type imports, no import cycles (value
// imports; `npm run lint` also runs bin/check-import-cycles.ts for type-only ones), no focused or skipped tests left
// behind. Formatting is Prettier's job (`npm run format`).
import js from '@eslint/js';
import { importX } from 'eslint-plugin-import-x';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/', 'cdk.out/', 'coverage/', 'test-artifacts/', '.data/', '**/*.d.ts'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    plugins: { 'import-x': importX },
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
    // Only lambda/aws may import the AWS SDK or Powertools: every other module stays plain and testable (tests mock
    // the clients, so they may import them).
    files: ['lambda/**/*.ts', 'local/**/*.ts', 'bin/**/*.ts', 'lib/**/*.ts', 'bench/**/*.ts'],
    ignores: ['lambda/aws/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['@aws-sdk/*', '@aws-lambda-powertools/*', '@middy/*'],
              message: 'AWS SDK and Powertools are used through lambda/aws only.',
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
