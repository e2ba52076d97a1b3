import { defineConfig } from 'drizzle-kit';

/**
 * One config, two engines (docs/postgresql.md): SQLite by default, as the
 * service runs today; `DB_DIALECT=postgresql` generates from the PostgreSQL
 * mirror of the same tables into migrations/pg. A table change updates both
 * schema modules and runs both `db:generate` scripts.
 */
const dialect = process.env.DB_DIALECT ?? 'sqlite';
if (dialect !== 'sqlite' && dialect !== 'postgresql') throw new Error(`DB_DIALECT must be sqlite or postgresql, not ${dialect}`);

export default dialect === 'postgresql'
  ? defineConfig({
      dialect: 'postgresql',
      schema: './src/db-schema.pg.ts',
      out: './migrations/pg',
      casing: 'snake_case',
      // For `drizzle-kit migrate` against a database (docs/postgresql.md); generating needs none.
      ...(process.env.DATABASE_URL ? { dbCredentials: { url: process.env.DATABASE_URL } } : {}),
    })
  : defineConfig({
      dialect: 'sqlite',
      schema: './src/db-schema.ts',
      out: './migrations/sqlite',
      casing: 'snake_case',
    });
