-- The 25 municipalities of Nunavut (the City of Iqaluit and 24 hamlets); 0006
-- seeded 7 of them. Idempotent with any rows already there (a name is unique):
-- a community an admin added under its former name is renamed (that name kept
-- as alt_name), a missing one is inserted, and an existing row only gets a
-- syllabic or other name where it has none. No existing value is changed.
--
-- Syllabics and other names, as published by (see docs/domain.md, "Communities"):
--  [W]  Wikipedia (en), the article of each community: infobox and first line
--       (e.g. https://en.wikipedia.org/wiki/Pangnirtung); fr/de articles for
--       Baker Lake, Clyde River and Sanirajak agree.
--  [TN] Travel Nunavut, https://travelnunavut.ca/regions/kivalliq/ (Whale Cove).
--  [CN] Carrefour Nunavut, "Maps of communities",
--       https://carrefournunavut.ca/en/live/maps-of-communuties (Arctic Bay).
--  [VG] Nunavut 2022 Visitors Guide, Northern News Services (Coral Harbour;
--       also agrees with 0006 for Arviat, Kugaaruk, Gjoa Haven, Chesterfield Inlet).
--  [NTI] Nunavut Tunngavik Inc.'s list of traditional names (Nunatsiaq News,
--       2019-2020) for the Roman-letter names of Rankin Inlet and Taloyoak.
--  Renamings: Kinngait (Cape Dorset) and Sanirajak (Hall Beach) on 2020-02-27,
--  Naujaat (Repulse Bay) on 2015-07-02, Qikiqtarjuaq (Broughton Island) in 1998.
-- Left NULL because the sources disagree (do not fill in without a reviewer
-- who reads Inuktitut): Rankin Inlet (two spellings, Kangiqliniq and
-- Kangirliniq) and Taloyoak (two different final syllables).
-- Sources per row: Arctic Bay W+CN; Baker Lake W(en,fr); Cambridge Bay W;
-- Clyde River W(en,de); Coral Harbour W+VG; Grise Fiord W; Igloolik W;
-- Kinngait W; Naujaat W; Pangnirtung W; Pond Inlet W; Qikiqtarjuaq W;
-- Resolute W; Sanikiluaq W; Sanirajak W(en,de); Whale Cove W+TN.
UPDATE `communities` SET `name` = 'Kinngait', `alt_name` = coalesce(`alt_name`, 'Cape Dorset') WHERE `name` = 'Cape Dorset' AND NOT EXISTS (SELECT 1 FROM `communities` WHERE `name` = 'Kinngait');
--> statement-breakpoint
UPDATE `communities` SET `name` = 'Sanirajak', `alt_name` = coalesce(`alt_name`, 'Hall Beach') WHERE `name` = 'Hall Beach' AND NOT EXISTS (SELECT 1 FROM `communities` WHERE `name` = 'Sanirajak');
--> statement-breakpoint
UPDATE `communities` SET `name` = 'Naujaat', `alt_name` = coalesce(`alt_name`, 'Repulse Bay') WHERE `name` = 'Repulse Bay' AND NOT EXISTS (SELECT 1 FROM `communities` WHERE `name` = 'Naujaat');
--> statement-breakpoint
UPDATE `communities` SET `name` = 'Qikiqtarjuaq', `alt_name` = coalesce(`alt_name`, 'Broughton Island') WHERE `name` = 'Broughton Island' AND NOT EXISTS (SELECT 1 FROM `communities` WHERE `name` = 'Qikiqtarjuaq');
--> statement-breakpoint
INSERT INTO `communities` (`name`, `syllabics`, `alt_name`) VALUES
  ('Arctic Bay', 'ᐃᒃᐱᐊᕐᔪᒃ', 'Ikpiarjuk'),
  ('Baker Lake', 'ᖃᒪᓂᑦᑐᐊᖅ', 'Qamani''tuaq'),
  ('Cambridge Bay', 'ᐃᖃᓗᒃᑑᑦᑎᐊᖅ', 'Iqaluktuuttiaq'),
  ('Clyde River', 'ᑲᖏᖅᑐᒑᐱᒃ', 'Kangiqtugaapik'),
  ('Coral Harbour', 'ᓴᓪᓕᖅ', 'Salliq'),
  ('Grise Fiord', 'ᐊᐅᔪᐃᑦᑐᖅ', 'Aujuittuq'),
  ('Igloolik', 'ᐃᒡᓗᓕᒃ', 'Iglulik'),
  ('Kinngait', 'ᑭᙵᐃᑦ', 'Cape Dorset'),
  ('Naujaat', 'ᓇᐅᔮᑦ', 'Repulse Bay'),
  ('Pangnirtung', 'ᐸᖕᓂᖅᑑᖅ', 'Pangniqtuuq'),
  ('Pond Inlet', 'ᒥᑦᑎᒪᑕᓕᒃ', 'Mittimatalik'),
  ('Qikiqtarjuaq', 'ᕿᑭᖅᑕᕐᔪᐊᖅ', 'Broughton Island'),
  ('Rankin Inlet', NULL, 'Kangiqliniq'),
  ('Resolute', 'ᖃᐅᓱᐃᑦᑐᖅ', 'Qausuittuq'),
  ('Sanikiluaq', 'ᓴᓂᑭᓗᐊᖅ', NULL),
  ('Sanirajak', 'ᓴᓂᕋᔭᒃ', 'Hall Beach'),
  ('Taloyoak', NULL, 'Talurjuaq'),
  ('Whale Cove', 'ᑎᑭᕋᕐᔪᐊᖅ', 'Tikirarjuaq')
ON CONFLICT (`name`) DO NOTHING;
--> statement-breakpoint
UPDATE `communities` SET `syllabics` = 'ᐃᒃᐱᐊᕐᔪᒃ' WHERE `name` = 'Arctic Bay' AND `syllabics` IS NULL;
--> statement-breakpoint
UPDATE `communities` SET `alt_name` = 'Ikpiarjuk' WHERE `name` = 'Arctic Bay' AND `alt_name` IS NULL;
--> statement-breakpoint
UPDATE `communities` SET `syllabics` = 'ᖃᒪᓂᑦᑐᐊᖅ' WHERE `name` = 'Baker Lake' AND `syllabics` IS NULL;
--> statement-breakpoint
UPDATE `communities` SET `alt_name` = 'Qamani''tuaq' WHERE `name` = 'Baker Lake' AND `alt_name` IS NULL;
--> statement-breakpoint
UPDATE `communities` SET `syllabics` = 'ᐃᖃᓗᒃᑑᑦᑎᐊᖅ' WHERE `name` = 'Cambridge Bay' AND `syllabics` IS NULL;
--> statement-breakpoint
UPDATE `communities` SET `alt_name` = 'Iqaluktuuttiaq' WHERE `name` = 'Cambridge Bay' AND `alt_name` IS NULL;
--> statement-breakpoint
UPDATE `communities` SET `syllabics` = 'ᑲᖏᖅᑐᒑᐱᒃ' WHERE `name` = 'Clyde River' AND `syllabics` IS NULL;
--> statement-breakpoint
UPDATE `communities` SET `alt_name` = 'Kangiqtugaapik' WHERE `name` = 'Clyde River' AND `alt_name` IS NULL;
--> statement-breakpoint
UPDATE `communities` SET `syllabics` = 'ᓴᓪᓕᖅ' WHERE `name` = 'Coral Harbour' AND `syllabics` IS NULL;
--> statement-breakpoint
UPDATE `communities` SET `alt_name` = 'Salliq' WHERE `name` = 'Coral Harbour' AND `alt_name` IS NULL;
--> statement-breakpoint
UPDATE `communities` SET `syllabics` = 'ᐊᐅᔪᐃᑦᑐᖅ' WHERE `name` = 'Grise Fiord' AND `syllabics` IS NULL;
--> statement-breakpoint
UPDATE `communities` SET `alt_name` = 'Aujuittuq' WHERE `name` = 'Grise Fiord' AND `alt_name` IS NULL;
--> statement-breakpoint
UPDATE `communities` SET `syllabics` = 'ᐃᒡᓗᓕᒃ' WHERE `name` = 'Igloolik' AND `syllabics` IS NULL;
--> statement-breakpoint
UPDATE `communities` SET `alt_name` = 'Iglulik' WHERE `name` = 'Igloolik' AND `alt_name` IS NULL;
--> statement-breakpoint
UPDATE `communities` SET `syllabics` = 'ᑭᙵᐃᑦ' WHERE `name` = 'Kinngait' AND `syllabics` IS NULL;
--> statement-breakpoint
UPDATE `communities` SET `alt_name` = 'Cape Dorset' WHERE `name` = 'Kinngait' AND `alt_name` IS NULL;
--> statement-breakpoint
UPDATE `communities` SET `syllabics` = 'ᓇᐅᔮᑦ' WHERE `name` = 'Naujaat' AND `syllabics` IS NULL;
--> statement-breakpoint
UPDATE `communities` SET `alt_name` = 'Repulse Bay' WHERE `name` = 'Naujaat' AND `alt_name` IS NULL;
--> statement-breakpoint
UPDATE `communities` SET `syllabics` = 'ᐸᖕᓂᖅᑑᖅ' WHERE `name` = 'Pangnirtung' AND `syllabics` IS NULL;
--> statement-breakpoint
UPDATE `communities` SET `alt_name` = 'Pangniqtuuq' WHERE `name` = 'Pangnirtung' AND `alt_name` IS NULL;
--> statement-breakpoint
UPDATE `communities` SET `syllabics` = 'ᒥᑦᑎᒪᑕᓕᒃ' WHERE `name` = 'Pond Inlet' AND `syllabics` IS NULL;
--> statement-breakpoint
UPDATE `communities` SET `alt_name` = 'Mittimatalik' WHERE `name` = 'Pond Inlet' AND `alt_name` IS NULL;
--> statement-breakpoint
UPDATE `communities` SET `syllabics` = 'ᕿᑭᖅᑕᕐᔪᐊᖅ' WHERE `name` = 'Qikiqtarjuaq' AND `syllabics` IS NULL;
--> statement-breakpoint
UPDATE `communities` SET `alt_name` = 'Broughton Island' WHERE `name` = 'Qikiqtarjuaq' AND `alt_name` IS NULL;
--> statement-breakpoint
UPDATE `communities` SET `alt_name` = 'Kangiqliniq' WHERE `name` = 'Rankin Inlet' AND `alt_name` IS NULL;
--> statement-breakpoint
UPDATE `communities` SET `syllabics` = 'ᖃᐅᓱᐃᑦᑐᖅ' WHERE `name` = 'Resolute' AND `syllabics` IS NULL;
--> statement-breakpoint
UPDATE `communities` SET `alt_name` = 'Qausuittuq' WHERE `name` = 'Resolute' AND `alt_name` IS NULL;
--> statement-breakpoint
UPDATE `communities` SET `syllabics` = 'ᓴᓂᑭᓗᐊᖅ' WHERE `name` = 'Sanikiluaq' AND `syllabics` IS NULL;
--> statement-breakpoint
UPDATE `communities` SET `syllabics` = 'ᓴᓂᕋᔭᒃ' WHERE `name` = 'Sanirajak' AND `syllabics` IS NULL;
--> statement-breakpoint
UPDATE `communities` SET `alt_name` = 'Hall Beach' WHERE `name` = 'Sanirajak' AND `alt_name` IS NULL;
--> statement-breakpoint
UPDATE `communities` SET `alt_name` = 'Talurjuaq' WHERE `name` = 'Taloyoak' AND `alt_name` IS NULL;
--> statement-breakpoint
UPDATE `communities` SET `syllabics` = 'ᑎᑭᕋᕐᔪᐊᖅ' WHERE `name` = 'Whale Cove' AND `syllabics` IS NULL;
--> statement-breakpoint
UPDATE `communities` SET `alt_name` = 'Tikirarjuaq' WHERE `name` = 'Whale Cove' AND `alt_name` IS NULL;
