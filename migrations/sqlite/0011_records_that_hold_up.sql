-- Records that hold up (SPEC §2, §3, §6): the current grade on the device,
-- repair minutes at completion as their own entry, shipment amendments, why a
-- wipe was drawn for a second-person check and what a failed check voids,
-- and the technique `degauss` (hard-disk purge).
CREATE TABLE `shipment_amendments` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`shipment_id` integer NOT NULL,
	`field` text NOT NULL,
	`from_value` text NOT NULL,
	`to_value` text NOT NULL,
	`reason` text NOT NULL,
	`amended_by` integer NOT NULL,
	`amended_at` text NOT NULL,
	FOREIGN KEY (`shipment_id`) REFERENCES `shipments`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`amended_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `shipment_amendments_shipment_idx` ON `shipment_amendments` (`shipment_id`,`id`);--> statement-breakpoint
ALTER TABLE `devices` ADD `grade` text CONSTRAINT "devices_grade_ck" CHECK("grade" is null or "grade" in ('A', 'B', 'C', 'D'));--> statement-breakpoint
ALTER TABLE `devices` ADD `graded_at` text;--> statement-breakpoint
-- The grade of the latest grading in each device's current custody cycle.
UPDATE `devices` SET
  `grade` = (SELECT g.`grade` FROM `gradings` g WHERE g.`device_id` = `devices`.`id` AND g.`graded_at` >= `devices`.`cycle_started_at` ORDER BY g.`id` DESC LIMIT 1),
  `graded_at` = (SELECT g.`graded_at` FROM `gradings` g WHERE g.`device_id` = `devices`.`id` AND g.`graded_at` >= `devices`.`cycle_started_at` ORDER BY g.`id` DESC LIMIT 1);--> statement-breakpoint
CREATE INDEX `devices_status_grade_idx` ON `devices` (`status`,`grade`,`id`);--> statement-breakpoint
ALTER TABLE `repairs` ADD `completion_minutes` integer CONSTRAINT "repairs_completion_minutes_ck" CHECK("completion_minutes" is null or "completion_minutes" >= 0);--> statement-breakpoint
-- A new CHECK on sanitization_records means rebuilding it. Migrations run in
-- one transaction, where PRAGMA foreign_keys cannot be turned off, so the
-- child table (verifications) is copied and dropped first, then the parent,
-- and both are made anew and filled from the copies: no foreign key is ever
-- left dangling. Ids are kept, so the history's references still hold.
CREATE TABLE `__copy_sanitization_records` AS SELECT * FROM `sanitization_records`;--> statement-breakpoint
CREATE TABLE `__copy_sanitization_verifications` AS SELECT * FROM `sanitization_verifications`;--> statement-breakpoint
DROP TABLE `sanitization_verifications`;--> statement-breakpoint
DROP TABLE `sanitization_records`;--> statement-breakpoint
CREATE TABLE `sanitization_records` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`device_id` integer NOT NULL,
	`drive_id` integer NOT NULL,
	`custody_cycle` integer NOT NULL,
	`storage_serial` text NOT NULL,
	`standard` text NOT NULL,
	`method` text NOT NULL,
	`technique` text NOT NULL,
	`tool` text NOT NULL,
	`tool_version` text,
	`verification` text NOT NULL,
	`result` text NOT NULL,
	`started_at` text,
	`completed_at` text NOT NULL,
	`report_sha256` text,
	`notes` text,
	`technician_id` integer NOT NULL,
	`created_at` text NOT NULL,
	FOREIGN KEY (`device_id`) REFERENCES `devices`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`drive_id`) REFERENCES `storage_drives`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`technician_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "sanitization_records_method_ck" CHECK("sanitization_records"."method" in ('clear', 'purge', 'destroy')),
	CONSTRAINT "sanitization_records_technique_ck" CHECK("sanitization_records"."technique" in ('overwrite', 'block_erase', 'crypto_erase', 'sanitize_command', 'secure_erase', 'shred', 'crush', 'drill', 'degauss', 'other')),
	CONSTRAINT "sanitization_records_verification_ck" CHECK("sanitization_records"."verification" in ('full', 'sample', 'none')),
	CONSTRAINT "sanitization_records_result_ck" CHECK("sanitization_records"."result" in ('passed', 'failed'))
);
--> statement-breakpoint
INSERT INTO `sanitization_records` SELECT * FROM `__copy_sanitization_records` ORDER BY `id`;--> statement-breakpoint
CREATE INDEX `sanitization_records_device_idx` ON `sanitization_records` (`device_id`,`custody_cycle`);--> statement-breakpoint
CREATE INDEX `sanitization_records_drive_idx` ON `sanitization_records` (`drive_id`);--> statement-breakpoint
CREATE TABLE `sanitization_verifications` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`record_id` integer NOT NULL,
	`status` text NOT NULL,
	`drawn_at` text NOT NULL,
	`verifier_id` integer,
	`verified_at` text,
	`notes` text,
	`reason` text,
	`voids_through_record_id` integer,
	FOREIGN KEY (`record_id`) REFERENCES `sanitization_records`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`verifier_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "sanitization_verifications_status_ck" CHECK("sanitization_verifications"."status" in ('pending', 'passed', 'failed')),
	CONSTRAINT "sanitization_verifications_reason_ck" CHECK("sanitization_verifications"."reason" is null or "sanitization_verifications"."reason" in ('random', 'top_up', 'drive_failed_check', 'technician_failed_check'))
);--> statement-breakpoint
INSERT INTO `sanitization_verifications` (`id`, `record_id`, `status`, `drawn_at`, `verifier_id`, `verified_at`, `notes`)
  SELECT `id`, `record_id`, `status`, `drawn_at`, `verifier_id`, `verified_at`, `notes` FROM `__copy_sanitization_verifications` ORDER BY `id`;--> statement-breakpoint
-- Checks that failed before this migration void what they checked, as they do from now on.
UPDATE `sanitization_verifications` SET `voids_through_record_id` = `record_id` WHERE `status` = 'failed';--> statement-breakpoint
CREATE UNIQUE INDEX `sanitization_verifications_record_uq` ON `sanitization_verifications` (`record_id`);--> statement-breakpoint
CREATE INDEX `sanitization_verifications_status_idx` ON `sanitization_verifications` (`status`,`id`);--> statement-breakpoint
DROP TABLE `__copy_sanitization_verifications`;--> statement-breakpoint
DROP TABLE `__copy_sanitization_records`;--> statement-breakpoint
CREATE TRIGGER `sanitization_records_no_update` BEFORE UPDATE ON `sanitization_records`
BEGIN
  SELECT RAISE(ABORT, 'sanitization_records is append-only');
END;
--> statement-breakpoint
CREATE TRIGGER `sanitization_records_no_delete` BEFORE DELETE ON `sanitization_records`
BEGIN
  SELECT RAISE(ABORT, 'sanitization_records is append-only');
END;
