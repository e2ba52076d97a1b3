/**
 * The translation kit (docs/translation.md):
 *   npm run -s i18n:status                         keys translated, reviewed, missing, English changed, per language
 *   npm run -s i18n:export -- --lang iu [--out F]  an XLIFF 2.0 file for translators (standard output without --out)
 *     [--database PATH|URL]                        with the text saved in the app (that database's translations) over the files:
 *                                                  a SQLite file, or a postgres:// URL read in a read-only session
 *   npm run -s i18n:import -- FILE                 a translated XLIFF file back into src/locales/<lang>.json and .meta.json
 *   npm run -s i18n:notes                          a first note in notes.json for each English key without one
 * The import writes nothing when any unit is refused; it lists every refusal with its line.
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { messagesOf, statusReport, TARGET_LANGS, translationStatus, type TargetLang } from '../src/locales/catalog.js';
import { LOCALES_DIR, loadCatalog, writeCatalog } from '../src/locales/locale-files.js';
import { completeNotes } from '../src/locales/notes.js';
import { exportXliff, importXliff } from '../src/locales/xliff.js';
import { closeDatabase, engineOf, openPostgres, openReadOnlyDatabase, type Db } from '../src/core/db.js';
import { databaseXliff } from '../src/modules/translations/translations.service.js';
import { fail, reasonOf } from './cli.js';
import { shownUrl } from './db-copy/postgres.js';

const [command, ...rest] = process.argv.slice(2);
const { values, positionals } = parseArgs({
  args: rest,
  options: { lang: { type: 'string' }, out: { type: 'string' }, dir: { type: 'string' }, database: { type: 'string' } },
  allowPositionals: true,
});
const dir = values.dir ?? LOCALES_DIR;

if (command === 'status') {
  process.stdout.write(statusReport(TARGET_LANGS.map((lang) => translationStatus(loadCatalog(dir, lang)))));
} else if (command === 'export') {
  const lang = values.lang as TargetLang;
  if (!TARGET_LANGS.includes(lang)) fail(`--lang must be one of ${TARGET_LANGS.join(', ')}`);
  let xml: string;
  if (values.database === undefined) xml = exportXliff(loadCatalog(dir, lang));
  else {
    let db: Db;
    if (/^postgres(ql)?:\/\//.test(values.database)) {
      try {
        db = await openPostgres({ url: values.database, poolSize: 1, readOnly: true });
      } catch (err) {
        fail(`no database at ${shownUrl(values.database)}: ${reasonOf(err)}`);
      }
    } else {
      if (!existsSync(values.database)) fail(`no database at ${values.database}`);
      db = openReadOnlyDatabase(values.database);
    }
    try {
      xml = await databaseXliff(db, loadCatalog(dir, lang));
    } finally {
      if (engineOf(db) === 'postgres') await closeDatabase(db);
      else db.$client.close();
    }
  }
  if (values.out === undefined) process.stdout.write(xml);
  else writeFileSync(values.out, xml);
} else if (command === 'import') {
  const file = positionals[0];
  if (file === undefined) fail('usage: npm run i18n:import -- FILE');
  const result = importXliff(readFileSync(file, 'utf8'), (lang) => loadCatalog(dir, lang));
  if (!result.ok) {
    for (const p of result.problems) process.stderr.write(`${file}:${p.line}: ${p.message}\n`);
    fail(`${result.problems.length} unit(s) refused; nothing was written.`);
  }
  const catalog = loadCatalog(dir, result.lang);
  writeCatalog(dir, { ...catalog, messages: result.messages, meta: result.meta });
  process.stdout.write(`${result.lang}: ${result.changed.length} key(s) added or changed\n`);
} else if (command === 'notes') {
  const english = messagesOf(JSON.parse(readFileSync(path.join(dir, 'en.json'), 'utf8')) as Record<string, unknown>);
  const held = JSON.parse(readFileSync(path.join(dir, 'notes.json'), 'utf8')) as Record<string, string>;
  const src = path.join(LOCALES_DIR, '..');
  const sources = Object.fromEntries(
    readdirSync(src, { recursive: true, encoding: 'utf8' })
      .filter((f) => f.endsWith('.ts') && !f.startsWith('locales'))
      .map((f) => [`src/${f.split(path.sep).join('/')}`, readFileSync(path.join(src, f), 'utf8')]),
  );
  writeFileSync(path.join(dir, 'notes.json'), `${JSON.stringify(completeNotes(english, held, sources), null, 2)}\n`);
} else {
  fail('usage: tsx scripts/i18n.ts status | export --lang fr|iu [--out FILE] [--database PATH] | import FILE | notes');
}
