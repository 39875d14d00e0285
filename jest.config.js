const transform = {
  '^.+\\.ts$': ['ts-jest', { useESM: true, tsconfig: 'tsconfig.json', diagnostics: false }],
};
const common = {
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: {
    '^(\\.{1,2}/.*)\\.js$': '$1',
    // CommonJS dependencies that require() ESM-only packages: Node loads those itself,
    // but Jest's own require() does only from Node 24.9, so under Jest on Node 22
    // @fastify/middie gets the CommonJS path-to-regexp 8 that Nest uses (same
    // parse/pathToRegexp), and @fastify/static a stand-in for the content-disposition
    // it needs only for reply.download(), which the app never calls.
    '^path-to-regexp$': '<rootDir>/node_modules/path-to-regexp/dist/index.js',
    '^content-disposition$': '<rootDir>/test/support/cjs/content-disposition.cjs',
  },
  transform,
  testEnvironment: 'node',
};

/** @type {import('jest').Config} */
export default {
  globalSetup: '<rootDir>/test/support/global-setup.ts',
  globalTeardown: '<rootDir>/test/support/global-teardown.ts',
  testTimeout: 30000,
  projects: [
    { ...common, displayName: 'unit', testMatch: ['<rootDir>/src/**/*.spec.ts'] },
    { ...common, displayName: 'integration', testMatch: ['<rootDir>/src/**/*.int-spec.ts', '<rootDir>/test/**/*.int-spec.ts'] },
    { ...common, displayName: 'e2e', testMatch: ['<rootDir>/test/**/*.e2e-spec.ts'] },
    { ...common, displayName: 'browser', testMatch: ['<rootDir>/test/browser/**/*.browser-spec.ts'] },
    // Real processes on loopback ports: SIGKILLed apps and databases, a database outage, several instances.
    { ...common, displayName: 'faults', testMatch: ['<rootDir>/test/faults/**/*.fault-spec.ts'] },
  ],
};
