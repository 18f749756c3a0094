// ESM jest setup (ts-jest with ESM, measured for this project) (ts-jest only transpiles; `npm run typecheck` type-checks).
export default {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  setupFiles: ['<rootDir>/test/setup-console.ts'],
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: {
    '^(\\.{1,2}/.*)\\.js$': '$1',
    '^ts-node$': '<rootDir>/test/helpers/no-ts-node.cjs',
    '^tsx/(esm|cjs)/api$': '<rootDir>/test/helpers/no-tsx.cjs',
  },
  transform: {'^.+\\.ts$': ['ts-jest', {useESM: true, tsconfig: '<rootDir>/tsconfig.test.json'}]},
  testEnvironmentOptions: {globalsCleanup: 'on'},
  testTimeout: 60000,
  // Integration tests start real servers (sshd, lab, netns); two workers match this 2-core machine.
  maxWorkers: 2,
}
