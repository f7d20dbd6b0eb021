// Tests run TypeScript through ts-jest (transpile only; `npm test` type-checks with tsc first). @middy/core ships
// only ES modules, so it is transpiled too. Four projects, one per folder of test/: unit (no database), integration
// and browser (one real PostgreSQL for the run, started by globalSetup), infra (the synthesized template).
const transform = {
  '^.+\\.[tj]s$': [
    'ts-jest',
    { tsconfig: { module: 'commonjs', moduleResolution: 'node10', isolatedModules: true, allowJs: true } },
  ],
};
const base = {
  testEnvironment: 'node',
  transform,
  transformIgnorePatterns: ['/node_modules/(?!@middy/)'],
  testMatch: ['**/*.test.ts'],
};
const withDatabase = {
  globalSetup: '<rootDir>/test/support/global-setup.ts',
  globalTeardown: '<rootDir>/test/support/global-teardown.ts',
};

/** @type {import('jest').Config} */
module.exports = {
  testTimeout: 60_000,
  maxWorkers: 2,
  projects: [
    { ...base, displayName: 'unit', roots: ['<rootDir>/test/unit'] },
    { ...base, ...withDatabase, displayName: 'integration', roots: ['<rootDir>/test/integration'] },
    { ...base, ...withDatabase, displayName: 'browser', roots: ['<rootDir>/test/browser'] },
    { ...base, displayName: 'infra', roots: ['<rootDir>/test/infra'] },
  ],
};
