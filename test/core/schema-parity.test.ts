/**
 * One schema on two engines (docs/postgresql.md): the PostgreSQL mirror
 * (src/db-schema.pg.ts) has every table, column, key, index and CHECK of the
 * SQLite tables (src/db-schema.ts), with the type mapping the repositories
 * rely on; and the databases the two sets of migrations build agree with
 * each other: same columns, indexes, foreign keys, append-only triggers and
 * seeded rows. Needs PostgreSQL (TEST_DATABASE_URL; fails, never skips, when
 * it does not answer).
 */
import Database from 'better-sqlite3';
import { asc } from 'drizzle-orm';
import { drizzle as drizzleSqlite } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres';
import { index, integer, pgTable, text, uniqueIndex } from 'drizzle-orm/pg-core';
import { getTableConfig as pgTableConfig, type PgTable } from 'drizzle-orm/pg-core';
import { getTableConfig as sqliteTableConfig, type SQLiteTable } from 'drizzle-orm/sqlite-core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { MIGRATIONS_FOLDER } from '../../src/core/db.js';
import * as pgSchema from '../../src/db-schema.pg.js';
import { POSTGRES_ONLY_TABLES } from '../../src/db-schema.pg.js';
import * as sqliteSchema from '../../src/db-schema.js';
import { createTestDatabase, type TestDatabase } from '../support/pg.js';
import { diffTables, normaliseSql, pgTableShape, sqliteTableShape, tablesOf } from '../support/schema-shape.js';

const sqliteTables = tablesOf<SQLiteTable>(sqliteSchema, 'sqlite');
const pgTables = tablesOf<PgTable>(pgSchema, 'pg');

describe('the PostgreSQL schema module mirrors the SQLite tables', () => {
  it('exports the same tables under the same names', () => {
    expect(sqliteTables.size).toBeGreaterThan(25);
    expect([...pgTables.keys()].sort()).toEqual([...sqliteTables.keys()].sort());
    // The PostgreSQL-only counters are left to their hand-written migration, not declared beside the mirrored tables.
    const declared = [...pgTables.values()].map((t) => pgTableConfig(t).name);
    expect(POSTGRES_ONLY_TABLES.filter((name) => declared.includes(name))).toEqual([]);
  });

  it('has the same columns, types, nullability, keys, foreign keys, indexes and checks in every table', () => {
    const diffs = [...sqliteTables].flatMap(([name, table]) => {
      const pg = pgTables.get(name);
      return pg ? diffTables(sqliteTableShape(table), pgTableShape(pg)) : [`${name}: no PostgreSQL table`];
    });
    expect(diffs).toEqual([]);
  });

  it('catches a difference: an altered copy of sessions is reported column by column', () => {
    const { users } = pgSchema;
    const altered = pgTable(
      'sessions',
      {
        id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
        userId: integer('user_id')
          .notNull()
          .references(() => users.id),
        tokenHash: text('token_hash').notNull(),
        createdAt: text('created_at').notNull(),
        expiresAt: text('expires_at').notNull(),
        revokedAt: text('revoked_at').notNull(),
        extra: integer('extra'),
      },
      (t) => [uniqueIndex('sessions_token_hash_uq').on(t.tokenHash, t.userId), index('sessions_user_index').on(t.userId)],
    );
    expect(diffTables(sqliteTableShape(sqliteSchema.sessions), pgTableShape(altered))).toEqual([
      'sessions.revoked_at: notNull is false on SQLite, true on PostgreSQL',
      'sessions.extra: only on PostgreSQL',
      'sessions: index sessions_token_hash_uq is {"name":"sessions_token_hash_uq","columns":["token_hash"],"unique":true,"where":null} on SQLite, ' +
        '{"name":"sessions_token_hash_uq","columns":["token_hash","user_id"],"unique":true,"where":null} on PostgreSQL',
      'sessions: index sessions_user_idx missing on PostgreSQL',
      'sessions: index sessions_user_index only on PostgreSQL',
    ]);
    // And a CHECK, a type and a partial index: the mirror of devices with its boolean read as an integer is caught too.
    const devices = pgTableShape(pgSchema.devices);
    devices.columns = devices.columns.map((c) => (c.name === 'no_storage_confirmed' ? { ...c, type: 'integer' } : c));
    devices.checks = devices.checks.filter((c) => c.name !== 'devices_weight_ck');
    const issuances = pgTableShape(pgSchema.issuances);
    issuances.indexes = issuances.indexes.map((i) => (i.name === 'issuances_open_device_uq' ? { ...i, where: null } : i));
    expect(diffTables(sqliteTableShape(sqliteSchema.devices), devices)).toEqual([
      'devices.no_storage_confirmed: type is "boolean" on SQLite, "integer" on PostgreSQL',
      'devices: check devices_weight_ck missing on PostgreSQL',
    ]);
    expect(diffTables(sqliteTableShape(sqliteSchema.issuances), issuances)).toHaveLength(1);
  });
});

// --- the migrated databases ---------------------------------------------------

interface LiveColumn {
  name: string;
  type: string;
  notNull: boolean;
  identity: boolean;
}
interface LiveIndex {
  name: string;
  columns: string[];
  unique: boolean;
  where: string | null;
}
interface LiveSchema {
  tables: Map<string, { columns: LiveColumn[]; primaryKey: string[]; indexes: LiveIndex[]; foreignKeys: string[] }>;
  /** `table: BEFORE UPDATE name`, for row triggers. */
  triggers: string[];
}

/** What a predicate says, whichever engine printed it: no quotes, no table prefix, no parentheses, no cast PostgreSQL adds to a literal. */
const predicate = (text: string, table: string) => normaliseSql(text).replaceAll(`${table}.`, '').replace(/[()]/g, '').replace(/::text\b/g, '');

/** The SQLite type a live column has, read as PostgreSQL's (booleans are integers on SQLite: the module says which). */
function expectedPgType(sqliteType: string, table: string, column: string): string {
  const t = sqliteSchemaColumn(table, column);
  if (t?.columnType === 'SQLiteBoolean') return 'boolean';
  return { integer: 'integer', text: 'text', real: 'double precision', blob: 'bytea' }[sqliteType.toLowerCase()] ?? `unmapped ${sqliteType}`;
}

function sqliteSchemaColumn(table: string, column: string) {
  for (const t of sqliteTables.values()) {
    const c = sqliteTableConfig(t);
    if (c.name === table) return c.columns.find((col) => col.name === column);
  }
  return undefined;
}

function introspectSqlite(db: Database.Database): LiveSchema {
  const tables: LiveSchema['tables'] = new Map();
  const names = db
    .prepare("select name, sql from sqlite_master where type = 'table' and name not like 'sqlite_%' and name not like '__drizzle%' order by name")
    .all() as Array<{ name: string; sql: string }>;
  for (const { name, sql } of names) {
    const info = db.prepare(`pragma table_info("${name}")`).all() as Array<{ name: string; type: string; notnull: number; pk: number }>;
    const columns = info.map((c) => ({
      name: c.name,
      type: expectedPgType(c.type, name, c.name),
      notNull: c.notnull === 1 || c.pk > 0,
      identity: new RegExp(`[\`"]${c.name}[\`"]\\s+integer\\s+primary key autoincrement`, 'i').test(sql),
    }));
    const primaryKey = info
      .filter((c) => c.pk > 0)
      .sort((a, b) => a.pk - b.pk)
      .map((c) => c.name);
    const list = db.prepare(`pragma index_list("${name}")`).all() as Array<{ name: string; unique: number; origin: string; partial: number }>;
    const indexes = list
      .filter((i) => i.origin !== 'pk')
      .map((i) => {
        const cols = db.prepare(`pragma index_info("${i.name}")`).all() as Array<{ seqno: number; name: string }>;
        const indexSql = (db.prepare("select sql from sqlite_master where type = 'index' and name = ?").get(i.name) as { sql: string }).sql;
        const where = i.partial ? predicate(indexSql.slice(indexSql.search(/\bwhere\b/i) + 5), name) : null;
        return { name: i.name, columns: cols.sort((a, b) => a.seqno - b.seqno).map((c) => c.name), unique: i.unique === 1, where };
      })
      .sort((a, b) => a.name.localeCompare(b.name));
    const fks = db.prepare(`pragma foreign_key_list("${name}")`).all() as Array<{ id: number; seq: number; table: string; from: string; to: string; on_delete: string; on_update: string }>;
    const byId = new Map<number, typeof fks>();
    for (const fk of fks) byId.set(fk.id, [...(byId.get(fk.id) ?? []), fk]);
    const foreignKeys = [...byId.values()]
      .map((parts) => {
        parts.sort((a, b) => a.seq - b.seq);
        const first = parts[0]!;
        return `(${parts.map((p) => p.from).join(', ')}) -> ${first.table}(${parts.map((p) => p.to).join(', ')}) on delete ${first.on_delete.toLowerCase()} on update ${first.on_update.toLowerCase()}`;
      })
      .sort();
    tables.set(name, { columns: columns.sort((a, b) => a.name.localeCompare(b.name)), primaryKey, indexes, foreignKeys });
  }
  const triggers = (db.prepare("select name, tbl_name, sql from sqlite_master where type = 'trigger'").all() as Array<{ name: string; tbl_name: string; sql: string }>)
    .map((t) => `${t.tbl_name}: ${/before\s+(update|delete|insert)/i.exec(t.sql)?.[0].toUpperCase().replace(/\s+/, ' ') ?? '?'} ${t.name}`)
    .sort();
  return { tables, triggers };
}

async function introspectPg(pool: TestDatabase['pool']): Promise<LiveSchema & { truncateTriggers: string[]; checks: string[]; unlogged: string[] }> {
  const tables: LiveSchema['tables'] = new Map();
  const cols = await pool.query<{ table_name: string; column_name: string; data_type: string; is_nullable: string; is_identity: string; identity_generation: string | null }>(
    "select table_name, column_name, data_type, is_nullable, is_identity, identity_generation from information_schema.columns where table_schema = 'public' order by table_name, column_name",
  );
  const entry = (name: string) => {
    if (!tables.has(name)) tables.set(name, { columns: [], primaryKey: [], indexes: [], foreignKeys: [] });
    return tables.get(name)!;
  };
  for (const c of cols.rows) {
    entry(c.table_name).columns.push({
      name: c.column_name,
      type: c.data_type,
      notNull: c.is_nullable === 'NO',
      identity: c.is_identity === 'YES' && c.identity_generation === 'BY DEFAULT',
    });
  }
  const idx = await pool.query<{ table_name: string; index_name: string; unique: boolean; primary: boolean; columns: string[]; predicate: string | null }>(`
    select t.relname as table_name, i.relname as index_name, x.indisunique as unique, x.indisprimary as primary,
           array(select a.attname from unnest(x.indkey) with ordinality k(attnum, n)
                 join pg_attribute a on a.attrelid = t.oid and a.attnum = k.attnum order by k.n)::text[] as columns,
           pg_get_expr(x.indpred, x.indrelid) as predicate
    from pg_index x join pg_class i on i.oid = x.indexrelid join pg_class t on t.oid = x.indrelid
    join pg_namespace s on s.oid = t.relnamespace where s.nspname = 'public'`);
  for (const r of idx.rows) {
    if (r.primary) entry(r.table_name).primaryKey = r.columns;
    else entry(r.table_name).indexes.push({ name: r.index_name, columns: r.columns, unique: r.unique, where: r.predicate === null ? null : predicate(r.predicate, r.table_name) });
  }
  const fks = await pool.query<{ table_name: string; columns: string[]; foreign_table: string; foreign_columns: string[]; del: string; upd: string }>(`
    select t.relname as table_name, f.relname as foreign_table,
           array(select a.attname from unnest(c.conkey) with ordinality k(attnum, n) join pg_attribute a on a.attrelid = c.conrelid and a.attnum = k.attnum order by k.n)::text[] as columns,
           array(select a.attname from unnest(c.confkey) with ordinality k(attnum, n) join pg_attribute a on a.attrelid = c.confrelid and a.attnum = k.attnum order by k.n)::text[] as foreign_columns,
           c.confdeltype as del, c.confupdtype as upd
    from pg_constraint c join pg_class t on t.oid = c.conrelid join pg_class f on f.oid = c.confrelid
    join pg_namespace s on s.oid = t.relnamespace where s.nspname = 'public' and c.contype = 'f'`);
  const action: Record<string, string> = { a: 'no action', r: 'restrict', c: 'cascade', n: 'set null', d: 'set default' };
  for (const r of fks.rows) {
    entry(r.table_name).foreignKeys.push(`(${r.columns.join(', ')}) -> ${r.foreign_table}(${r.foreign_columns.join(', ')}) on delete ${action[r.del]} on update ${action[r.upd]}`);
  }
  for (const t of tables.values()) {
    t.columns.sort((a, b) => a.name.localeCompare(b.name));
    t.indexes.sort((a, b) => a.name.localeCompare(b.name));
    t.foreignKeys.sort();
  }
  const trg = await pool.query<{ table_name: string; name: string; tgtype: number }>(`
    select c.relname as table_name, g.tgname as name, g.tgtype from pg_trigger g join pg_class c on c.oid = g.tgrelid
    join pg_namespace s on s.oid = c.relnamespace where s.nspname = 'public' and not g.tgisinternal`);
  // tgtype bits: 1 row, 2 before, 4 insert, 8 delete, 16 update, 32 truncate.
  const event = (type: number) => (type & 16 ? 'UPDATE' : type & 8 ? 'DELETE' : type & 4 ? 'INSERT' : type & 32 ? 'TRUNCATE' : '?');
  const rowTriggers = trg.rows.filter((t) => t.tgtype & 1);
  const checks = await pool.query<{ name: string }>(`
    select c.conname as name from pg_constraint c join pg_namespace s on s.oid = c.connamespace where s.nspname = 'public' and c.contype = 'c'`);
  return {
    tables,
    triggers: rowTriggers.map((t) => `${t.table_name}: ${t.tgtype & 2 ? 'BEFORE' : 'AFTER'} ${event(t.tgtype)} ${t.name}`).sort(),
    truncateTriggers: trg.rows
      .filter((t) => !(t.tgtype & 1) && t.tgtype & 32 && t.tgtype & 2)
      .map((t) => t.table_name)
      .sort(),
    checks: checks.rows.map((r) => r.name).sort(),
    unlogged: (
      await pool.query<{ name: string }>(`
        select c.relname as name from pg_class c join pg_namespace s on s.oid = c.relnamespace
        where s.nspname = 'public' and c.relkind = 'r' and c.relpersistence = 'u'`)
    ).rows
      .map((r) => r.name)
      .sort(),
  };
}

describe('the migrated databases agree (SQLite migrations/sqlite, PostgreSQL migrations/pg)', () => {
  let sqlite: Database.Database;
  let pg: TestDatabase;
  let sqliteLive: LiveSchema;
  let pgLive: Awaited<ReturnType<typeof introspectPg>>;

  let failure: Error | undefined;

  beforeAll(async () => {
    sqlite = new Database(':memory:');
    sqlite.pragma('foreign_keys = ON');
    migrate(drizzleSqlite({ client: sqlite }), { migrationsFolder: MIGRATIONS_FOLDER });
    sqliteLive = introspectSqlite(sqlite);
    try {
      pg = await createTestDatabase('rl_pgschema_parity');
      pgLive = await introspectPg(pg.pool);
    } catch (err) {
      failure = err instanceof Error ? err : new Error(String(err));
    }
  });
  // Every test fails with the reason (an unreachable server is named), none is reported as skipped.
  beforeEach(() => {
    if (failure) throw failure;
  });
  afterAll(async () => {
    sqlite?.close();
    await pg?.drop();
  });

  it('has the same tables, columns, types, nullability, keys, indexes and foreign keys on both', () => {
    expect(sqliteLive.tables.size).toBe(sqliteTables.size);
    const mirrored = [...pgLive.tables.keys()].filter((name) => !POSTGRES_ONLY_TABLES.includes(name));
    expect(mirrored.sort()).toEqual([...sqliteLive.tables.keys()].sort());
    for (const [name, s] of sqliteLive.tables) {
      const p = pgLive.tables.get(name)!;
      expect({ table: name, ...p }, `table ${name}`).toEqual({ table: name, ...s });
    }
    // The partial indexes' conditions were read on both sides, not both missed.
    const partial = (live: LiveSchema) => [...live.tables.values()].flatMap((t) => t.indexes.filter((i) => i.where !== null).map((i) => `${i.name}: ${i.where}`));
    expect(partial(sqliteLive).sort()).toEqual(['issuances_open_device_uq: returned_at is null', 'scans_unknown_idx: device_id is null', "transfer_devices_in_transit_uq: state = 'in_transit'"]);
    expect(partial(pgLive).sort()).toEqual(partial(sqliteLive).sort());
  });

  it('has besides only the PostgreSQL-only counters of the limits, UNLOGGED, and every other table logged', () => {
    expect([...pgLive.tables.keys()].filter((name) => !sqliteLive.tables.has(name)).sort()).toEqual([...POSTGRES_ONLY_TABLES].sort());
    // Unlogged: a count written on every request adds no WAL and waits for no fsync. Nothing the service must keep is.
    expect(pgLive.unlogged).toEqual([...POSTGRES_ONLY_TABLES].sort());
    expect(pgLive.tables.get('login_failures')).toEqual({
      columns: [
        { name: 'at', type: 'bigint', notNull: true, identity: false },
        { name: 'key', type: 'text', notNull: true, identity: false },
      ],
      primaryKey: [],
      indexes: [{ name: 'login_failures_key_at_idx', columns: ['key', 'at'], unique: false, where: null }],
      foreignKeys: [],
    });
    // No foreign key to users: checking it would lock the user's row, a logged write per request.
    expect(pgLive.tables.get('request_counts')).toEqual({
      columns: [
        { name: 'count', type: 'integer', notNull: true, identity: false },
        { name: 'user_id', type: 'integer', notNull: true, identity: false },
        { name: 'window_start', type: 'bigint', notNull: true, identity: false },
      ],
      primaryKey: ['user_id'],
      indexes: [],
      foreignKeys: [],
    });
  });

  it('has each CHECK of the schema modules under its name on PostgreSQL', () => {
    const names = [...pgTables.values()].flatMap((t) => pgTableConfig(t).checks.map((c) => c.name)).sort();
    expect(names.length).toBeGreaterThan(30);
    expect(pgLive.checks).toEqual(names);
  });

  it('has the append-only triggers of SQLite under the same names, and refuses TRUNCATE of those tables', () => {
    expect(sqliteLive.triggers).toEqual([
      'audit_events: BEFORE DELETE audit_events_no_delete',
      'audit_events: BEFORE UPDATE audit_events_no_update',
      'sanitization_records: BEFORE DELETE sanitization_records_no_delete',
      'sanitization_records: BEFORE UPDATE sanitization_records_no_update',
      'wipe_reports: BEFORE DELETE wipe_reports_no_delete',
      'wipe_reports: BEFORE UPDATE wipe_reports_no_update',
    ]);
    expect(pgLive.triggers).toEqual(sqliteLive.triggers);
    expect(pgLive.truncateTriggers).toEqual(['audit_events', 'sanitization_records', 'wipe_reports']);
  });

  it('holds the same seeded rows in every table (communities, CO2e factors, the sampling tally)', async () => {
    const sdb = drizzleSqlite({ client: sqlite });
    const pdb = drizzlePg({ client: pg.pool });
    const counts: Record<string, number> = {};
    for (const [name, table] of sqliteTables) {
      const pgTable = pgTables.get(name)!;
      const sKey = sqliteTableShape(table).primaryKey;
      const sCols = sqliteTableConfig(table).columns;
      const pCols = pgTableConfig(pgTable).columns;
      const sRows = sdb
        .select()
        .from(table)
        .orderBy(...sKey.map((k) => asc(sCols.find((c) => c.name === k)!)))
        .all();
      const pRows = await pdb
        .select()
        .from(pgTable)
        .orderBy(...sKey.map((k) => asc(pCols.find((c) => c.name === k)!)));
      expect(pRows, `rows of ${sqliteTableConfig(table).name}`).toEqual(sRows);
      if (sRows.length > 0) counts[sqliteTableConfig(table).name] = sRows.length;
    }
    expect(counts).toEqual({ sites: 1, communities: 25, co2e_factor_sets: 1, co2e_factors: 5, sanitization_sampling_tally: 1 });
    const kinngait = await pg.pool.query<{ syllabics: string; alt_name: string }>("select syllabics, alt_name from communities where name = 'Kinngait'");
    expect(kinngait.rows).toEqual([{ syllabics: 'ᑭᙵᐃᑦ', alt_name: 'Cape Dorset' }]);
  });

  it('numbers new rows after the seeded ones, and takes an explicit id (a copy from the other engine)', async () => {
    const next = await pg.pool.query<{ id: number }>("insert into communities (name) values ('Parity Test Community') returning id");
    expect(next.rows[0]!.id).toBe(26);
    const s = sqlite.prepare("insert into communities (name) values ('Parity Test Community') returning id").get() as { id: number };
    expect(s.id).toBe(26);
    const explicit = await pg.pool.query<{ id: number }>("insert into communities (id, name) values (500, 'Copied Community') returning id");
    expect(explicit.rows[0]!.id).toBe(500);
    await pg.pool.query('delete from communities where id in (26, 500)');
    sqlite.prepare('delete from communities where id = 26').run();
  });
});

describe('append-only tables on PostgreSQL', () => {
  let pg: TestDatabase;
  const at = '2026-03-02T10:00:00.000Z';

  let failure: Error | undefined;

  beforeAll(async () => {
    try {
      pg = await createTestDatabase('rl_pgschema_triggers');
    } catch (err) {
      failure = err instanceof Error ? err : new Error(String(err));
      return;
    }
    await pg.pool.query(`
      insert into users (id, username, display_name, role, password_hash, password_changed_at, created_at, updated_at, site_id)
        values (1, 'admin', 'Admin', 'admin', 'x', '${at}', '${at}', '${at}', 1);
      insert into devices (id, asset_tag, category, make, model, serial_number, serial_key, specs, weight_grams, weight_source, status,
                           cycle_started_at, status_changed_at, created_by, created_at, updated_at, site_id)
        values (1, 'IQ-000001-Z', 'laptop', 'Dell', 'E7450', 'SN1', 'SN1', '{}', 2300, 'category_default', 'received', '${at}', '${at}', 1, '${at}', '${at}', 1);
      insert into storage_drives (id, device_id, serial_number, kind, registered_at, registered_by) values (1, 1, 'D1', 'hdd', '${at}', 1);`);
  });
  afterAll(async () => {
    await pg?.drop();
  });
  beforeEach(() => {
    if (failure) throw failure;
  });

  const inserts: Record<string, string> = {
    audit_events: `insert into audit_events (entity_type, entity_id, action, actor_user_id, at, details, prev_hash, hash)
      values ('device', '1', 'device.received', 1, '${at}', '{"make":"Dell"}', 'p', 'h')`,
    sanitization_records: `insert into sanitization_records (device_id, drive_id, custody_cycle, storage_serial, standard, method, technique, tool, verification, result, completed_at, technician_id, created_at)
      values (1, 1, 1, 'D1', 'NIST SP 800-88 Rev. 2', 'clear', 'overwrite', 'nwipe', 'full', 'passed', '${at}', 1, '${at}')`,
    wipe_reports: `insert into wipe_reports (sha256, format, tool, content_type, body, answer, imported_by, imported_at)
      values ('abc', 'nwipe_log', 'nwipe', 'text/plain', '\\x00ff'::bytea, '{}', 1, '${at}')`,
  };

  for (const [table, insert] of Object.entries(inserts)) {
    it(`${table}: INSERT works; UPDATE, DELETE and TRUNCATE fail with "${table} is append-only"`, async () => {
      await pg.pool.query(insert);
      const message = `${table} is append-only`;
      await expect(pg.pool.query(`update ${table} set id = id`)).rejects.toThrow(message);
      await expect(pg.pool.query(`delete from ${table}`)).rejects.toThrow(message);
      await expect(pg.pool.query(`truncate ${table} cascade`)).rejects.toThrow(message);
      const left = await pg.pool.query<{ n: string }>(`select count(*) as n from ${table}`);
      expect(left.rows[0]!.n).toBe('1');
    });
  }

  it('keeps stored text and bytes exactly as written (the audit hash chain hashes the text)', async () => {
    const details = '{"name":"ᑭᙵᐃᑦ","note":"a\\u2028b 😀","n":1.50,"z":"\\u0000"}';
    const r = await pg.pool.query<{ details: string }>(
      `insert into audit_events (entity_type, entity_id, action, at, details, prev_hash, hash) values ('x', '1', 'x.y', $1, $2, 'p', 'h') returning details`,
      [at, details],
    );
    expect(r.rows[0]!.details).toBe(details);
    const body = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
    const w = await pg.pool.query<{ body: Buffer }>(
      `insert into wipe_reports (sha256, format, tool, content_type, body, answer, imported_by, imported_at) values ('bytes', 'nwipe_log', 'nwipe', 'text/plain', $1, '{}', 1, $2) returning body`,
      [body, at],
    );
    expect(Buffer.compare(w.rows[0]!.body, body)).toBe(0);
  });
});
