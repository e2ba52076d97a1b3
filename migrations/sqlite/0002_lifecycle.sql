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
	CONSTRAINT "sanitization_records_technique_ck" CHECK("sanitization_records"."technique" in ('overwrite', 'block_erase', 'crypto_erase', 'sanitize_command', 'secure_erase', 'shred', 'crush', 'drill', 'other')),
	CONSTRAINT "sanitization_records_verification_ck" CHECK("sanitization_records"."verification" in ('full', 'sample', 'none')),
	CONSTRAINT "sanitization_records_result_ck" CHECK("sanitization_records"."result" in ('passed', 'failed'))
);
--> statement-breakpoint
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
	FOREIGN KEY (`record_id`) REFERENCES `sanitization_records`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`verifier_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "sanitization_verifications_status_ck" CHECK("sanitization_verifications"."status" in ('pending', 'passed', 'failed'))
);
--> statement-breakpoint
CREATE UNIQUE INDEX `sanitization_verifications_record_uq` ON `sanitization_verifications` (`record_id`);--> statement-breakpoint
CREATE INDEX `sanitization_verifications_status_idx` ON `sanitization_verifications` (`status`,`id`);--> statement-breakpoint
CREATE TABLE `repairs` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`device_id` integer NOT NULL,
	`description` text NOT NULL,
	`parts_used` text NOT NULL,
	`minutes` integer,
	`outcome` text,
	`notes` text,
	`opened_by` integer NOT NULL,
	`opened_at` text NOT NULL,
	`completed_by` integer,
	`completed_at` text,
	FOREIGN KEY (`device_id`) REFERENCES `devices`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`opened_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`completed_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "repairs_outcome_ck" CHECK("repairs"."outcome" is null or "repairs"."outcome" in ('fixed', 'not_fixed', 'parts_harvested')),
	CONSTRAINT "repairs_minutes_ck" CHECK("repairs"."minutes" is null or "repairs"."minutes" >= 0)
);
--> statement-breakpoint
CREATE INDEX `repairs_device_idx` ON `repairs` (`device_id`,`id`);--> statement-breakpoint
CREATE TABLE `gradings` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`device_id` integer NOT NULL,
	`grade` text NOT NULL,
	`checklist` text NOT NULL,
	`specs` text NOT NULL,
	`grader_id` integer NOT NULL,
	`graded_at` text NOT NULL,
	FOREIGN KEY (`device_id`) REFERENCES `devices`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`grader_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "gradings_grade_ck" CHECK("gradings"."grade" in ('A', 'B', 'C', 'D'))
);
--> statement-breakpoint
CREATE INDEX `gradings_device_idx` ON `gradings` (`device_id`,`id`);--> statement-breakpoint
CREATE TABLE `scans` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`code` text NOT NULL,
	`device_id` integer,
	`station` text,
	`client_time` text,
	`server_time` text NOT NULL,
	`user_id` integer NOT NULL,
	`duplicate` integer NOT NULL,
	FOREIGN KEY (`device_id`) REFERENCES `devices`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `scans_device_idx` ON `scans` (`device_id`,`id`);--> statement-breakpoint
CREATE INDEX `scans_unknown_idx` ON `scans` (`code`) WHERE "scans"."device_id" is null;