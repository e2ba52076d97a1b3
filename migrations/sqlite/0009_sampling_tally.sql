CREATE TABLE `sanitization_sampling_tally` (
	`id` integer PRIMARY KEY NOT NULL,
	`logical_passed` integer NOT NULL,
	`drawn` integer NOT NULL
);
--> statement-breakpoint
INSERT INTO `sanitization_sampling_tally` (`id`, `logical_passed`, `drawn`)
SELECT 1,
  (SELECT count(*) FROM `sanitization_records` WHERE `result` = 'passed' AND `method` IN ('clear', 'purge')),
  (SELECT count(*) FROM `sanitization_verifications`);
