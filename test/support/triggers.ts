import type { TestApp } from '../helpers.js';
import { TEST_ENGINE } from '../helpers.js';

/**
 * The names of a table's own triggers (the append-only guards), on the
 * engine under test: SQLite's schema table, or PostgreSQL's catalogue less
 * the internal triggers of foreign keys.
 */
export async function triggersOf(t: Pick<TestApp, 'rows'>, table: string): Promise<string[]> {
  const rows =
    TEST_ENGINE === 'postgres'
      ? await t.rows<{ name: string }>("select tgname as name from pg_trigger where tgrelid = ?::regclass and not tgisinternal and tgenabled <> 'D' order by tgname", table)
      : await t.rows<{ name: string }>("select name from sqlite_master where type = 'trigger' and tbl_name = ? order by name", table);
  return rows.map((r) => r.name);
}

/** Lifts one trigger, as an attacker with write access would: SQLite drops it, PostgreSQL disables it. */
export async function dropTrigger(t: Pick<TestApp, 'exec'>, table: string, name: string): Promise<void> {
  await t.exec(TEST_ENGINE === 'postgres' ? `alter table "${table}" disable trigger "${name}"` : `drop trigger "${name}"`);
}
