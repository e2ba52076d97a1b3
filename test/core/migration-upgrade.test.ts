/**
 * Upgrading a database that already holds records: migration 0011 rebuilds
 * sanitization_records (a new technique in its CHECK) inside the migrator's
 * single transaction. Records, verifications and their ids must survive, the
 * append-only triggers must be back, and no foreign key may dangle.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { drizzle } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import { afterEach, describe, expect, it } from 'vitest';
import { MIGRATIONS_FOLDER, openDatabase } from '../../src/core/db.js';
import { findCommunity } from '../../src/modules/participants/participants.repository.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

/** A migrations folder holding only the first `count` migrations of the real one. */
function migrationsUpTo(count: number): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'refurb-migrations-'));
  dirs.push(dir);
  fs.mkdirSync(path.join(dir, 'meta'));
  const journal = JSON.parse(fs.readFileSync(path.join(MIGRATIONS_FOLDER, 'meta/_journal.json'), 'utf8')) as { entries: Array<{ tag: string }> };
  journal.entries = journal.entries.slice(0, count);
  fs.writeFileSync(path.join(dir, 'meta/_journal.json'), JSON.stringify(journal));
  for (const e of journal.entries) fs.copyFileSync(path.join(MIGRATIONS_FOLDER, `${e.tag}.sql`), path.join(dir, `${e.tag}.sql`));
  return dir;
}

describe('migrations 0011 and after (0017: users rebuilt) on a database with records', () => {
  it('keeps every record and verification with its id, marks failed checks as voiding, restores the append-only triggers, moves free-text override reasons to notes, and ties kept registration answers to their participant', () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'refurb-upgrade-')), 'old.db');
    dirs.push(path.dirname(file));
    const old = new Database(file);
    old.pragma('foreign_keys = ON');
    migrate(drizzle({ client: old }), { migrationsFolder: migrationsUpTo(11) });
    const at = '2026-01-05T10:00:00.000Z';
    old.exec(`
      insert into users (id, username, display_name, role, password_hash, created_at, updated_at, password_changed_at)
        values (1, 'admin', 'Admin', 'admin', 'x', '${at}', '${at}', '${at}');
      insert into devices (id, asset_tag, category, make, model, serial_number, serial_key, specs, weight_grams, weight_source, status,
                           cycle_started_at, status_changed_at, created_by, created_at, updated_at)
        values (1, 'IQ-000001-Z', 'laptop', 'Dell', 'E7450', 'SN1', 'SN1', '{}', 2300, 'category_default', 'ready', '${at}', '${at}', 1, '${at}', '${at}');
      insert into storage_drives (id, device_id, serial_number, kind, registered_at, registered_by) values (1, 1, 'D1', 'hdd', '${at}', 1);
      insert into sanitization_records (id, device_id, drive_id, custody_cycle, storage_serial, standard, method, technique, tool, verification, result, completed_at, technician_id, created_at)
        values (5, 1, 1, 1, 'D1', 'NIST SP 800-88 Rev. 2', 'clear', 'overwrite', 'nwipe', 'full', 'passed', '${at}', 1, '${at}'),
               (9, 1, 1, 1, 'D1', 'NIST SP 800-88 Rev. 2', 'clear', 'overwrite', 'nwipe', 'full', 'passed', '${at}', 1, '${at}');
      insert into sanitization_verifications (id, record_id, status, drawn_at) values (3, 5, 'failed', '${at}'), (4, 9, 'pending', '${at}');
      insert into gradings (id, device_id, grade, checklist, specs, grader_id, graded_at) values (1, 1, 'B', '{}', '{}', 1, '${at}');
      insert into participants (id, code, community_id, consent_given, consent_language, consent_date, consent_recorded_by, created_at)
        values (1, 'P-000001', (select id from communities where name = 'Arviat'), 1, 'iu', '2026-01-05', 1, '${at}');
      insert into issuances (id, device_id, participant_id, custody_cycle, kind, accessories, agreement_accepted, agreement_language, override_reason, issued_by, issued_at)
        values (1, 1, 1, 1, 'gift', '[]', 1, 'iu', 'Second laptop for her daughter Ooleepeeka', 1, '${at}');
      insert into idempotency_keys (user_id, route, key, request_hash, created_at, response_status, response_body, response_content_type)
        values (1, 'POST /api/v1/participants', 'register-1', 'h1', '${at}', 201,
                '{"participant":{"code":"P-000001","personalData":{"displayName":"Ooleepeeka"}}}', 'application/json; charset=utf-8'),
               (1, 'POST /api/v1/participants', 'register-gone', 'h2', '${at}', null, null, null),
               (1, 'POST /api/v1/devices', 'intake-1', 'h3', '${at}', 201, '{"device":{"assetTag":"IQ-000001-Z"}}', 'application/json; charset=utf-8');
    `);
    old.close();

    const db = openDatabase({ path: file });
    const c = db.$client;
    expect(c.prepare('select id from sanitization_records order by id').all()).toEqual([{ id: 5 }, { id: 9 }]);
    expect(c.prepare('select id, record_id as r, status, reason, voids_through_record_id as v from sanitization_verifications order by id').all()).toEqual([
      { id: 3, r: 5, status: 'failed', reason: null, v: 5 },
      { id: 4, r: 9, status: 'pending', reason: null, v: null },
    ]);
    expect(c.prepare('select grade, graded_at as gradedAt from devices').get()).toEqual({ grade: 'B', gradedAt: at });
    // Migration 0012: a free-text override reason becomes a participant note (personal data), the issuance keeps the code.
    expect(c.prepare('select override_reason as r from issuances where id = 1').get()).toEqual({ r: 'other' });
    expect(c.prepare('select participant_id as p, issuance_id as i, note from participant_notes').all()).toEqual([
      { p: 1, i: 1, note: 'Second laptop for her daughter Ooleepeeka' },
    ]);
    // Migration 0015: a registration's kept answer names its participant, so erasure can forget it by the participant.
    expect(c.prepare('select key, resource from idempotency_keys order by key').all()).toEqual([
      { key: 'intake-1', resource: null },
      { key: 'register-1', resource: 'participant:1' },
      { key: 'register-gone', resource: null },
    ]);
    expect(c.prepare('PRAGMA foreign_key_check').all()).toEqual([]);
    expect(c.prepare("select name from sqlite_master where name like '__copy%'").all()).toEqual([]);
    expect(() => c.prepare("update sanitization_records set result = 'failed' where id = 5").run()).toThrow(/append-only/);
    expect(() => c.prepare('delete from sanitization_records where id = 9').run()).toThrow(/append-only/);
    // The new technique is accepted, an unknown one still refused; new ids continue after the old ones.
    const insert = (technique: string) =>
      c
        .prepare(
          `insert into sanitization_records (device_id, drive_id, custody_cycle, storage_serial, standard, method, technique, tool, verification, result, completed_at, technician_id, created_at)
           values (1, 1, 1, 'D1', 'x', 'purge', ?, 'degausser', 'full', 'passed', '${at}', 1, '${at}') returning id`,
        )
        .get(technique) as { id: number };
    expect(insert('degauss').id).toBe(10);
    expect(() => insert('magnet')).toThrow(/CHECK/);
    // Migration 0017 rebuilt users for the role `translator`: the account and every reference to it hold, the
    // username stays unique, a translator can be stored and an unknown role cannot; new ids continue.
    expect(c.prepare('select id, username, role from users').all()).toEqual([{ id: 1, username: 'admin', role: 'admin' }]);
    // Migration 0022 (sites) rebuilt users, devices, donations and shipments: everything recorded before belongs to
    // the first site, still unnamed (the service names it from its configuration on start), with the tags' prefix.
    expect(c.prepare('select id, code, name, asset_tag_prefix as prefix from sites').all()).toEqual([{ id: 1, code: 'main', name: '', prefix: 'IQ' }]);
    for (const table of ['users', 'devices', 'donations', 'shipments']) {
      expect(c.prepare(`select count(*) as n from ${table} where site_id is not 1`).get(), table).toEqual({ n: 0 });
    }
    expect(c.prepare('pragma foreign_key_check').all()).toEqual([]);
    const addUser = (username: string, role: string) =>
      c.prepare(`insert into users (username, display_name, role, password_hash, created_at, updated_at, password_changed_at, site_id) values (?, 'X', ?, 'x', '${at}', '${at}', '${at}', 1) returning id`).get(username, role) as { id: number };
    expect(addUser('tia', 'translator').id).toBe(2);
    expect(() => addUser('tia', 'trainee')).toThrow(/UNIQUE/);
    expect(() => addUser('zed', 'owner')).toThrow(/CHECK/);
    expect(() => c.prepare('delete from users where id = 1').run()).toThrow(/FOREIGN KEY/);
    expect(c.prepare("select count(*) as n from translations").get()).toEqual({ n: 0 });
    c.close();
  });
});

/** Nunavut's 25 municipalities (docs/domain.md, "Communities"), seeded by 0006 and 0019. */
const NUNAVUT = [
  'Arctic Bay', 'Arviat', 'Baker Lake', 'Cambridge Bay', 'Chesterfield Inlet', 'Clyde River', 'Coral Harbour', 'Gjoa Haven',
  'Grise Fiord', 'Igloolik', 'Iqaluit', 'Kimmirut', 'Kinngait', 'Kugaaruk', 'Kugluktuk', 'Naujaat', 'Pangnirtung', 'Pond Inlet',
  'Qikiqtarjuaq', 'Rankin Inlet', 'Resolute', 'Sanikiluaq', 'Sanirajak', 'Taloyoak', 'Whale Cove',
];
/** No syllabic name: the sources disagree (see migrations/sqlite/0019_nunavut_communities.sql). */
const SYLLABICS_LEFT_OUT = ['Rankin Inlet', 'Taloyoak'];
const SYLLABICS = /^[\u1400-\u167F\u18B0-\u18FF]+$/u;

type CommunityRow = { id: number; name: string; syllabics: string | null; alt_name: string | null };
const rows = (c: Database.Database) => c.prepare('select id, name, syllabics, alt_name from communities order by name').all() as CommunityRow[];

/** The statements of migration 0019, as the migrator splits them. */
function migration0019(): string[] {
  return fs
    .readFileSync(path.join(MIGRATIONS_FOLDER, '0019_nunavut_communities.sql'), 'utf8')
    .split('--> statement-breakpoint')
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

describe('migration 0019: the communities of Nunavut', () => {
  it('lists all 25 municipalities once, each with syllabics from the Unified Canadian Aboriginal Syllabics block or none where documented', async () => {
    const db = openDatabase({ path: ':memory:' });
    const all = rows(db.$client);
    expect(all.map((r) => r.name)).toEqual(NUNAVUT);
    for (const r of all) {
      if (SYLLABICS_LEFT_OUT.includes(r.name)) expect(r.syllabics, r.name).toBeNull();
      else expect(r.syllabics, r.name).toMatch(SYLLABICS);
    }
    const names = all.flatMap((r) => [r.name, r.alt_name]).filter((n): n is string => n !== null).map((n) => n.toLowerCase());
    expect(new Set(names).size, 'a name or other name appears twice').toBe(names.length);
    const syllabics = all.map((r) => r.syllabics).filter((s) => s !== null);
    expect(new Set(syllabics).size).toBe(syllabics.length);
    // The 7 rows of 0006 are unchanged.
    expect(all.find((r) => r.name === 'Kugluktuk')).toMatchObject({ syllabics: 'ᖁᕐᓗᖅᑐᖅ', alt_name: 'Qurluqtuq' });
    expect(all.find((r) => r.name === 'Iqaluit')).toMatchObject({ syllabics: 'ᐃᖃᓗᐃᑦ', alt_name: null });
    // A former name still finds the community.
    expect((await findCommunity(db, 'cape dorset'))?.name).toBe('Kinngait');
    expect((await findCommunity(db, 'Hall Beach'))?.name).toBe('Sanirajak');
    expect((await findCommunity(db, 'Repulse Bay'))?.name).toBe('Naujaat');
    expect((await findCommunity(db, 'Iqaluktuuttiaq'))?.name).toBe('Cambridge Bay');
    db.$client.close();
  });

  it('upgrades a database at 0016 that already holds communities an admin added: renames a former name in place, fills only what is empty, adds the rest', () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'refurb-upgrade-')), 'old.db');
    dirs.push(path.dirname(file));
    const old = new Database(file);
    old.pragma('foreign_keys = ON');
    migrate(drizzle({ client: old }), { migrationsFolder: migrationsUpTo(17) });
    const at = '2026-01-05T10:00:00.000Z';
    old.exec(`
      insert into users (id, username, display_name, role, password_hash, created_at, updated_at, password_changed_at)
        values (1, 'admin', 'Admin', 'admin', 'x', '${at}', '${at}', '${at}');
      insert into communities (id, name, syllabics, alt_name) values (40, 'Cape Dorset', null, null), (41, 'Rankin Inlet', null, 'Kangirliniq'),
        (42, 'Pond Inlet', 'ᒥᑦᑎᒪᑕᓕᒃ', null), (43, 'Ottawa', null, null);
      insert into participants (id, code, community_id, consent_given, consent_language, consent_date, consent_recorded_by, created_at)
        values (1, 'P-000001', 40, 1, 'iu', '2026-01-05', 1, '${at}');
    `);
    old.close();

    const db = openDatabase({ path: file });
    const c = db.$client;
    const all = rows(c);
    expect(all.map((r) => r.name).filter((n) => n !== 'Ottawa')).toEqual(NUNAVUT);
    // The admin's Cape Dorset is now Kinngait, same id, so the participant's community did not change.
    expect(all.find((r) => r.name === 'Kinngait')).toEqual({ id: 40, name: 'Kinngait', syllabics: 'ᑭᙵᐃᑦ', alt_name: 'Cape Dorset' });
    expect(c.prepare('select community_id as id from participants').get()).toEqual({ id: 40 });
    // What an admin typed is kept; only empty fields are filled.
    expect(all.find((r) => r.name === 'Rankin Inlet')).toEqual({ id: 41, name: 'Rankin Inlet', syllabics: null, alt_name: 'Kangirliniq' });
    expect(all.find((r) => r.name === 'Pond Inlet')).toEqual({ id: 42, name: 'Pond Inlet', syllabics: 'ᒥᑦᑎᒪᑕᓕᒃ', alt_name: 'Mittimatalik' });
    expect(all.find((r) => r.name === 'Ottawa')).toEqual({ id: 43, name: 'Ottawa', syllabics: null, alt_name: null });
    expect(c.prepare('PRAGMA foreign_key_check').all()).toEqual([]);

    // Run a second time, the migration changes nothing.
    const before = rows(c);
    c.transaction(() => {
      for (const statement of migration0019()) c.prepare(statement).run();
    })();
    expect(rows(c)).toEqual(before);
    c.close();
  });
});
