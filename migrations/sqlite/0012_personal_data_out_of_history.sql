-- Personal data out of history: notes typed about a participant live with their personal data.
CREATE TABLE `participant_notes` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`participant_id` integer NOT NULL,
	`issuance_id` integer,
	`note` text NOT NULL,
	`created_by` integer NOT NULL,
	`created_at` text NOT NULL,
	FOREIGN KEY (`participant_id`) REFERENCES `participants`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`created_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `participant_notes_participant_idx` ON `participant_notes` (`participant_id`,`id`);--> statement-breakpoint
-- Override reasons were free text: keep each as a participant note (personal data, erasable) and leave the code `other`.
INSERT INTO `participant_notes` (`participant_id`, `issuance_id`, `note`, `created_by`, `created_at`)
  SELECT `participant_id`, `id`, `override_reason`, `issued_by`, `issued_at` FROM `issuances`
  WHERE `override_reason` IS NOT NULL AND `override_reason` NOT IN ('second_device_household', 'replacement', 'other');--> statement-breakpoint
UPDATE `issuances` SET `override_reason` = 'other'
  WHERE `override_reason` IS NOT NULL AND `override_reason` NOT IN ('second_device_household', 'replacement', 'other');
