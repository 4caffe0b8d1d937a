// The tiers share one configuration: unit tests (pure code, parallel), integration tests (real
// Kafka, PostgreSQL and Redis, run in band so they do not fight over the two cores), the benchmarks
// at quick size, and the reliability suite.
const { pathsToModuleNameMapper } = require('ts-jest');
const { compilerOptions } = require('./tsconfig.json');

const base = {
  preset: 'ts-jest',
  testEnvironment: 'node',
  rootDir: __dirname,
  moduleNameMapper: pathsToModuleNameMapper(compilerOptions.paths, { prefix: '<rootDir>/' }),
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.json' }] },
  testPathIgnorePatterns: ['/node_modules/', '/dist/', '/.stack/'],
};

module.exports = {
  projects: [
    { ...base, displayName: 'unit', testMatch: ['<rootDir>/{apps,libs,scripts,test}/**/*.spec.ts'] },
    {
      ...base,
      displayName: 'integration',
      testMatch: ['<rootDir>/{apps,libs,scripts}/**/*.integration-spec.ts', '<rootDir>/test/e2e/**/*.e2e-spec.ts'],
      setupFilesAfterEnv: ['<rootDir>/test/support/integration-setup.ts'],
    },
    // Every benchmark at a tiny size, so the suite proves `make bench` still runs (figures not judged).
    {
      ...base,
      displayName: 'bench',
      testMatch: ['<rootDir>/bench/**/*.bench-spec.ts'],
      setupFilesAfterEnv: ['<rootDir>/test/support/integration-setup.ts'],
    },
    // Faults, bad input and the wrong people, on the real stack: slower, run last, in band.
    {
      ...base,
      displayName: 'reliability',
      testMatch: ['<rootDir>/test/reliability/**/*.reliability-spec.ts'],
      setupFilesAfterEnv: ['<rootDir>/test/support/reliability-setup.ts'],
    },
  ],
};
