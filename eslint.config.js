// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

// Later blocks replace a rule's options for the files they match, so each block repeats this list.
const SQLITE_ONLY = [
  { name: 'better-sqlite3', message: 'Use the Db type from src/core/db.ts.' },
  { name: 'drizzle-orm/better-sqlite3', message: 'Use src/core/db.ts.' },
];
// PostgreSQL likewise (docs/postgresql.md): the database module and the PostgreSQL schema mirror only.
const POSTGRES_ONLY = [
  { name: 'pg', message: 'Use the Db type from src/core/db.ts.' },
  { name: 'drizzle-orm/node-postgres', message: 'Use src/core/db.ts.' },
  { name: 'drizzle-orm/pg-core', message: 'Tables are written for SQLite in *.table.ts; their PostgreSQL mirror is src/db-schema.pg.ts.' },
];
const ENGINE_ONLY = [...SQLITE_ONLY, ...POSTGRES_ONLY];

export default tseslint.config(
  { ignores: ['node_modules/', 'migrations/', 'data/', 'coverage/', 'test/fixtures/typed-client/'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/await-thenable': 'error',
      '@typescript-eslint/require-await': 'off',
      // A rejected transaction inside try/catch must be caught there: return await, never a bare return of the promise.
      '@typescript-eslint/return-await': ['error', 'in-try-catch'],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-restricted-syntax': [
        'error',
        { selector: "MemberExpression[object.name='process'][property.name='env']", message: 'Read configuration in src/config.ts (loadConfig) and pass it down.' },
      ],
    },
  },
  {
    // Only the database module may know which engine it runs on (docs/domain.md §7: keep SQL portable).
    files: ['src/**/*.ts'],
    ignores: ['src/core/db*.ts', 'src/db-schema.pg.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { paths: ENGINE_ONLY },
      ],
    },
  },
  {
    // The PostgreSQL mirror of the tables declares them with pg-core, and connects to nothing.
    files: ['src/db-schema.pg.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { paths: [...SQLITE_ONLY, ...POSTGRES_ONLY.filter((p) => p.name !== 'drizzle-orm/pg-core')] },
      ],
    },
  },
  {
    // Layer rules (STYLE.md): routes validate and call a service; they never touch tables or repositories.
    files: ['src/**/*.routes.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['**/*.table.js', '**/db-schema.js'], message: 'Routes never import tables: call a service.' },
            { group: ['**/*.repository.js'], message: 'Routes never import repositories: call a service.' },
            { group: ['drizzle-orm', 'drizzle-orm/*', 'better-sqlite3'], message: 'Routes never query the database.' },
          ],
          paths: ENGINE_ONLY,
        },
      ],
    },
  },
  {
    // Services and pure logic know nothing of HTTP.
    files: ['src/modules/**/*.service.ts', 'src/modules/**/*.repository.ts', 'src/modules/**/device-lifecycle.ts', 'src/modules/**/*.table.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [{ group: ['fastify', 'fastify/*', '@fastify/*', 'fastify-type-provider-zod'], message: 'Services are transport-neutral: throw AppError, never touch HTTP.' }],
          paths: ENGINE_ONLY,
        },
      ],
    },
  },
  {
    files: ['src/main.ts', 'src/config.ts', 'scripts/**/*.ts', 'test/**/*.ts', '*.config.ts', '*.config.js'],
    rules: { 'no-restricted-syntax': 'off' },
  },
  {
    files: ['test/**/*.ts'],
    rules: {
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-non-null-assertion': 'off',
    },
  },
  { files: ['eslint.config.js', '**/*.mjs'], ...tseslint.configs.disableTypeChecked },
  {
    files: ['**/*.cjs'],
    ...tseslint.configs.disableTypeChecked,
    languageOptions: { sourceType: 'commonjs', globals: { module: 'writable', require: 'readonly' }, parserOptions: { projectService: false } },
  },
);
