-- What drizzle-kit cannot express, ported from the SQLite migrations to the
-- state they leave a new database in (docs/postgresql.md).
--
-- Append-only tables (SQLite 0001, 0003/0011, 0020): the database itself
-- refuses to change or remove a row, whatever code path tries, with the same
-- message as SQLite's RAISE(ABORT, '<table> is append-only'). Row triggers
-- carry the SQLite triggers' names; PostgreSQL also has TRUNCATE, which row
-- triggers do not see, so a statement trigger refuses it as well.
CREATE FUNCTION "refuse_append_only_change"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION '% is append-only', TG_TABLE_NAME;
END;
$$;
--> statement-breakpoint
CREATE TRIGGER "audit_events_no_update" BEFORE UPDATE ON "audit_events" FOR EACH ROW EXECUTE FUNCTION "refuse_append_only_change"();
--> statement-breakpoint
CREATE TRIGGER "audit_events_no_delete" BEFORE DELETE ON "audit_events" FOR EACH ROW EXECUTE FUNCTION "refuse_append_only_change"();
--> statement-breakpoint
CREATE TRIGGER "audit_events_no_truncate" BEFORE TRUNCATE ON "audit_events" FOR EACH STATEMENT EXECUTE FUNCTION "refuse_append_only_change"();
--> statement-breakpoint
CREATE TRIGGER "sanitization_records_no_update" BEFORE UPDATE ON "sanitization_records" FOR EACH ROW EXECUTE FUNCTION "refuse_append_only_change"();
--> statement-breakpoint
CREATE TRIGGER "sanitization_records_no_delete" BEFORE DELETE ON "sanitization_records" FOR EACH ROW EXECUTE FUNCTION "refuse_append_only_change"();
--> statement-breakpoint
CREATE TRIGGER "sanitization_records_no_truncate" BEFORE TRUNCATE ON "sanitization_records" FOR EACH STATEMENT EXECUTE FUNCTION "refuse_append_only_change"();
--> statement-breakpoint
CREATE TRIGGER "wipe_reports_no_update" BEFORE UPDATE ON "wipe_reports" FOR EACH ROW EXECUTE FUNCTION "refuse_append_only_change"();
--> statement-breakpoint
CREATE TRIGGER "wipe_reports_no_delete" BEFORE DELETE ON "wipe_reports" FOR EACH ROW EXECUTE FUNCTION "refuse_append_only_change"();
--> statement-breakpoint
CREATE TRIGGER "wipe_reports_no_truncate" BEFORE TRUNCATE ON "wipe_reports" FOR EACH STATEMENT EXECUTE FUNCTION "refuse_append_only_change"();
--> statement-breakpoint
-- The communities as SQLite's 0006 and 0019 leave a new database: the 25
-- municipalities of Nunavut, with the ids SQLite gives them. The sources of
-- the syllabics and other names, and why two are left NULL, are in the
-- comment of migrations/sqlite/0019_nunavut_communities.sql.
INSERT INTO "communities" ("id", "name", "syllabics", "alt_name") VALUES
  (1, 'Iqaluit', 'ᐃᖃᓗᐃᑦ', NULL),
  (2, 'Arviat', 'ᐊᕐᕕᐊᑦ', NULL),
  (3, 'Kugaaruk', 'ᑰᒑᕐᔪᒃ', NULL),
  (4, 'Kimmirut', 'ᑭᒻᒥᕈᑦ', NULL),
  (5, 'Kugluktuk', 'ᖁᕐᓗᖅᑐᖅ', 'Qurluqtuq'),
  (6, 'Gjoa Haven', 'ᐅᖅᓱᖅᑑᖅ', 'Uqsuqtuuq'),
  (7, 'Chesterfield Inlet', 'ᐃᒡᓗᓕᒑᕐᔪᒃ', 'Igluligaarjuk'),
  (8, 'Arctic Bay', 'ᐃᒃᐱᐊᕐᔪᒃ', 'Ikpiarjuk'),
  (9, 'Baker Lake', 'ᖃᒪᓂᑦᑐᐊᖅ', 'Qamani''tuaq'),
  (10, 'Cambridge Bay', 'ᐃᖃᓗᒃᑑᑦᑎᐊᖅ', 'Iqaluktuuttiaq'),
  (11, 'Clyde River', 'ᑲᖏᖅᑐᒑᐱᒃ', 'Kangiqtugaapik'),
  (12, 'Coral Harbour', 'ᓴᓪᓕᖅ', 'Salliq'),
  (13, 'Grise Fiord', 'ᐊᐅᔪᐃᑦᑐᖅ', 'Aujuittuq'),
  (14, 'Igloolik', 'ᐃᒡᓗᓕᒃ', 'Iglulik'),
  (15, 'Kinngait', 'ᑭᙵᐃᑦ', 'Cape Dorset'),
  (16, 'Naujaat', 'ᓇᐅᔮᑦ', 'Repulse Bay'),
  (17, 'Pangnirtung', 'ᐸᖕᓂᖅᑑᖅ', 'Pangniqtuuq'),
  (18, 'Pond Inlet', 'ᒥᑦᑎᒪᑕᓕᒃ', 'Mittimatalik'),
  (19, 'Qikiqtarjuaq', 'ᕿᑭᖅᑕᕐᔪᐊᖅ', 'Broughton Island'),
  (20, 'Rankin Inlet', NULL, 'Kangiqliniq'),
  (21, 'Resolute', 'ᖃᐅᓱᐃᑦᑐᖅ', 'Qausuittuq'),
  (22, 'Sanikiluaq', 'ᓴᓂᑭᓗᐊᖅ', NULL),
  (23, 'Sanirajak', 'ᓴᓂᕋᔭᒃ', 'Hall Beach'),
  (24, 'Taloyoak', NULL, 'Talurjuaq'),
  (25, 'Whale Cove', 'ᑎᑭᕋᕐᔪᐊᖅ', 'Tikirarjuaq');
--> statement-breakpoint
-- The illustrative CO2e factor set of SQLite's 0008: NOT verified; the values
-- must be checked against the named source (or replaced by a verified set)
-- before a funder relies on them, and the report says so while verified is false.
INSERT INTO "co2e_factor_sets" ("id", "name", "version", "source", "verified", "notes") VALUES (1, 'Illustrative electronics factors', '0.1', 'US EPA Waste Reduction Model (WARM), electronics materials; values to be checked against the current WARM release', false, 'Avoided emissions in kg CO2e per kg diverted; reuse counts the manufacture of a new device avoided.');
--> statement-breakpoint
INSERT INTO "co2e_factors" ("id", "set_id", "material", "pathway", "unit", "value") VALUES
  (1, 1, 'default', 'recycling', 'kgCO2e/kg', 0.8),
  (2, 1, 'default', 'reuse', 'kgCO2e/kg', 20.0),
  (3, 1, 'laptop', 'reuse', 'kgCO2e/kg', 60.0),
  (4, 1, 'desktop', 'reuse', 'kgCO2e/kg', 20.0),
  (5, 1, 'monitor', 'reuse', 'kgCO2e/kg', 40.0);
--> statement-breakpoint
-- Rows given their id do not move an identity's sequence: the next row the
-- database numbers must come after them.
SELECT setval(pg_get_serial_sequence('"communities"', 'id'), (SELECT max("id") FROM "communities"));
--> statement-breakpoint
SELECT setval(pg_get_serial_sequence('"co2e_factor_sets"', 'id'), (SELECT max("id") FROM "co2e_factor_sets"));
--> statement-breakpoint
SELECT setval(pg_get_serial_sequence('"co2e_factors"', 'id'), (SELECT max("id") FROM "co2e_factors"));
--> statement-breakpoint
-- The running counts of the R2 sample (SQLite's 0009), empty on a new database.
INSERT INTO "sanitization_sampling_tally" ("id", "logical_passed", "drawn") VALUES (1, 0, 0);
