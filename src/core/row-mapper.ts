import { Column, fillPlaceholders, getTableName, is, noopDecoder, SQL, Subquery } from 'drizzle-orm';

/**
 * A prepared SQLite select whose rows are mapped by a function written for
 * its columns once, instead of by drizzle's general mapResultRow.
 *
 * mapResultRow walks every column of every row: it asks what kind of field
 * each is, iterates its path, tests whether each nested object exists yet
 * and calls the column's decoder whatever it does. On the device lookup
 * (25 columns, two JSON arrays) that was about a tenth of the request's
 * CPU time. The compiled mapper builds the same object (same keys, in the
 * same order, the same decoders, null kept as null) as one object literal,
 * with the identity decoders left out. Selects drizzle maps in a way this
 * does not cover (joins that null a missing table's object, a custom
 * mapper, keys that are not plain names) keep drizzle's own `all()`.
 * test/core/row-mapper.test.ts checks both give the same rows.
 */

/** What drizzle's better-sqlite3 PreparedQuery holds (drizzle-orm/better-sqlite3/session.js). */
interface BetterSqlitePrepared {
  stmt: { raw(on: boolean): { all(...params: unknown[]): unknown[] } };
  query: { sql: string; params: unknown[] };
  logger: { logQuery(sql: string, params: unknown[]): void };
  fields?: Array<{ path: string[]; field: unknown }>;
  joinsNotNullableMap?: Record<string, boolean>;
  customResultMapper?: unknown;
  all(values?: Record<string, unknown>): unknown[];
}

type Decoder = { mapFromDriverValue(value: unknown): unknown };

/** The decoder drizzle's mapResultRow would use for a field. */
function decoderOf(field: unknown): Decoder {
  // `decoder` is internal to drizzle's SQL (set by mapWith), hence the casts.
  type WithDecoder = { decoder: Decoder };
  if (is(field, Column)) return field;
  if (is(field, SQL)) return (field as unknown as WithDecoder).decoder;
  if (is(field, Subquery)) return (field as unknown as { _: { sql: WithDecoder } })._.sql.decoder;
  return (field as { sql: WithDecoder }).sql.decoder;
}

const identity = (d: Decoder) => d.mapFromDriverValue === Column.prototype.mapFromDriverValue || d.mapFromDriverValue === noopDecoder.mapFromDriverValue;
const PLAIN_KEY = /^[A-Za-z_$][\w$]*$/;

interface Tree {
  [key: string]: Tree | number;
}

/** The mapping of one row (an array, in the select's column order) as a function, or undefined when drizzle must map it. */
export function compileRowMapper(fields: ReadonlyArray<{ path: string[]; field: unknown }>): ((row: unknown[]) => unknown) | undefined {
  const root: Tree = {};
  const decoders: Decoder[] = [];
  for (const [index, { path, field }] of fields.entries()) {
    if (path.length === 0 || !path.every((k) => PLAIN_KEY.test(k) && k !== '__proto__')) return undefined;
    let node = root;
    for (const key of path.slice(0, -1)) {
      const next = node[key] ?? (node[key] = {});
      if (typeof next === 'number') return undefined;
      node = next;
    }
    const last = path[path.length - 1]!;
    if (last in node) return undefined;
    node[last] = index;
    decoders.push(decoderOf(field));
  }
  const value = (i: number) => (identity(decoders[i]!) ? `row[${i}]` : `(row[${i}] === null ? null : d${i}.mapFromDriverValue(row[${i}]))`);
  const literal = (tree: Tree): string =>
    `{ ${Object.entries(tree)
      .map(([key, v]) => `${JSON.stringify(key)}: ${typeof v === 'number' ? value(v) : literal(v)}`)
      .join(', ')} }`;
  const locals = decoders.map((d, i) => (identity(d) ? '' : `const d${i} = decoders[${i}];`)).join('\n');
  // Generated from column indexes and plain identifiers only (checked above), never from data. An object
  // literal gives every row the one shape V8 can map fast, which building it key by key does not.
  // eslint-disable-next-line @typescript-eslint/no-implied-eval, @typescript-eslint/no-unsafe-call
  return new Function('decoders', `${locals}\nreturn function mapRow(row) { return ${literal(root)}; };`)(decoders) as (row: unknown[]) => unknown;
}

/**
 * Whether drizzle could answer null for a nested object of the select: it
 * does so for an object whose columns all come from one table that a join
 * may leave out (not marked as never null), when its first column is null.
 */
function mayNullify(fields: ReadonlyArray<{ path: string[]; field: unknown }>, notNullable: Record<string, boolean> | undefined): boolean {
  if (!notNullable) return false;
  const tableOf = new Map<string, string | false>();
  for (const { path, field } of fields) {
    if (path.length !== 2 || !is(field, Column)) continue;
    const table = getTableName(field.table);
    const seen = tableOf.get(path[0]!);
    tableOf.set(path[0]!, seen === undefined || seen === table ? table : false);
  }
  return [...tableOf.values()].some((table) => table !== false && !notNullable[table]);
}

/**
 * `prepared.all` with the row mapping compiled, for a query drizzle prepared
 * on better-sqlite3; the prepared query's own `all` for anything else.
 */
export function compiledAll<R>(prepared: { all(values?: Record<string, unknown>): Promise<R[]> | R[] }): (values: Record<string, unknown>) => R[] | Promise<R[]> {
  const p = prepared as unknown as BetterSqlitePrepared;
  const fallback = (values: Record<string, unknown>) => prepared.all(values);
  if (!p.stmt || !p.fields || p.customResultMapper || mayNullify(p.fields, p.joinsNotNullableMap)) return fallback;
  const mapRow = compileRowMapper(p.fields);
  if (!mapRow) return fallback;
  const { stmt, query, logger } = p;
  const raw = stmt.raw(true);
  return (values) => {
    const params = fillPlaceholders(query.params, values);
    logger.logQuery(query.sql, params);
    return raw.all(...params).map((row) => mapRow(row as unknown[])) as R[];
  };
}
