import { createRequire } from 'node:module';
import { defineConfig } from 'vitest/config';

const require = createRequire(import.meta.url);

export default defineConfig({
  resolve: {
    // graphql ships CJS (main) and ESM (module) builds without an exports map: Node, and so Yoga,
    // load the CJS one; our sources must get the same copy or `instanceof GraphQLError` fails.
    alias: [{ find: /^graphql$/, replacement: require.resolve('graphql') }],
  },
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/helpers/global-setup.ts'],
    // Generous: the process tests (kill -9, SIGTERM, imports) must not fail on a busy two-core machine.
    testTimeout: 180_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // Two cores: two files at a time; each opens its own databases.
    maxWorkers: 2,
  },
});
