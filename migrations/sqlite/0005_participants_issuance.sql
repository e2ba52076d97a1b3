CREATE TABLE `communities` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`name` text NOT NULL,
	`syllabics` text,
	`alt_name` text,
	`active` integer DEFAULT true NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `communities_name_uq` ON `communities` (`name`);--> statement-breakpoint
CREATE TABLE `participant_personal_data` (
	`participant_id` integer PRIMARY KEY NOT NULL,
	`display_name` text,
	`contact` text,
	`updated_at` text NOT NULL,
	FOREIGN KEY (`participant_id`) REFERENCES `participants`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `participants` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`code` text NOT NULL,
	`community_id` integer NOT NULL,
	`program` text,
	`cohort` text,
	`consent_given` integer NOT NULL,
	`consent_language` text NOT NULL,
	`consent_date` text NOT NULL,
	`consent_recorded_by` integer NOT NULL,
	`personal_data_erased_at` text,
	`created_at` text NOT NULL,
	FOREIGN KEY (`community_id`) REFERENCES `communities`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`consent_recorded_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "participants_consent_ck" CHECK("participants"."consent_given" = 1)
);
--> statement-breakpoint
CREATE UNIQUE INDEX `participants_code_uq` ON `participants` (`code`);--> statement-breakpoint
CREATE TABLE `personal_data_access_log` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`participant_id` integer NOT NULL,
	`user_id` integer NOT NULL,
	`at` text NOT NULL,
	`action` text NOT NULL,
	`purpose` text NOT NULL,
	FOREIGN KEY (`participant_id`) REFERENCES `participants`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `personal_data_access_log_participant_idx` ON `personal_data_access_log` (`participant_id`,`id`);--> statement-breakpoint
CREATE TABLE `issuances` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`device_id` integer NOT NULL,
	`participant_id` integer NOT NULL,
	`custody_cycle` integer NOT NULL,
	`kind` text NOT NULL,
	`due_date` text,
	`accessories` text NOT NULL,
	`agreement_accepted` integer NOT NULL,
	`agreement_language` text NOT NULL,
	`override_reason` text,
	`issued_by` integer NOT NULL,
	`issued_at` text NOT NULL,
	`returned_at` text,
	`returned_by` integer,
	`return_condition` text,
	`personal_data_removed` integer,
	`return_notes` text,
	FOREIGN KEY (`device_id`) REFERENCES `devices`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`participant_id`) REFERENCES `participants`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`issued_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`returned_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "issuances_kind_ck" CHECK("issuances"."kind" in ('gift', 'loan')),
	CONSTRAINT "issuances_loan_due_ck" CHECK("issuances"."kind" = 'gift' or "issuances"."due_date" is not null),
	CONSTRAINT "issuances_agreement_ck" CHECK("issuances"."agreement_accepted" = 1)
);
--> statement-breakpoint
CREATE INDEX `issuances_participant_idx` ON `issuances` (`participant_id`,`id`);--> statement-breakpoint
CREATE UNIQUE INDEX `issuances_open_device_uq` ON `issuances` (`device_id`) WHERE "issuances"."returned_at" is null;