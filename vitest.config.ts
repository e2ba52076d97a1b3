import { defineConfig } from 'vitest/config';
import { postgresTestFiles } from './test/engines.js';

export default defineConfig({
  test: {
    // On PostgreSQL (npm run test:pg), the files that use a database, less SQLite's own (test/engines.ts).
    include: process.env.TEST_ENGINE === 'postgres' ? postgresTestFiles(import.meta.dirname) : ['test/**/*.test.ts'],
    environment: 'node',
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // Two cores: two workers keep the suite quick without starving the other.
    maxWorkers: 2,
  },
});
