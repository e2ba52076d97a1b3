-- The communities named in the program's reference list; admins add others (POST /api/v1/communities).
INSERT INTO `communities` (`name`, `syllabics`, `alt_name`) VALUES ('Iqaluit', 'ᐃᖃᓗᐃᑦ', NULL);
--> statement-breakpoint
INSERT INTO `communities` (`name`, `syllabics`, `alt_name`) VALUES ('Arviat', 'ᐊᕐᕕᐊᑦ', NULL);
--> statement-breakpoint
INSERT INTO `communities` (`name`, `syllabics`, `alt_name`) VALUES ('Kugaaruk', 'ᑰᒑᕐᔪᒃ', NULL);
--> statement-breakpoint
INSERT INTO `communities` (`name`, `syllabics`, `alt_name`) VALUES ('Kimmirut', 'ᑭᒻᒥᕈᑦ', NULL);
--> statement-breakpoint
INSERT INTO `communities` (`name`, `syllabics`, `alt_name`) VALUES ('Kugluktuk', 'ᖁᕐᓗᖅᑐᖅ', 'Qurluqtuq');
--> statement-breakpoint
INSERT INTO `communities` (`name`, `syllabics`, `alt_name`) VALUES ('Gjoa Haven', 'ᐅᖅᓱᖅᑑᖅ', 'Uqsuqtuuq');
--> statement-breakpoint
INSERT INTO `communities` (`name`, `syllabics`, `alt_name`) VALUES ('Chesterfield Inlet', 'ᐃᒡᓗᓕᒑᕐᔪᒃ', 'Igluligaarjuk');
