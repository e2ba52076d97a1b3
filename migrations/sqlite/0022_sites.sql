-- Sites (docs/domain.md §8): users, devices, donations and shipments get a site. SQLite adds a NOT NULL column
-- with a foreign key only by rebuilding the table, as 0017 rebuilt users: migrations run in one transaction, where
-- PRAGMA foreign_keys cannot be turned off, so defer_foreign_keys holds the checks of the tables that reference
-- these until the commit, by which time every row is back under the same id. Each table is made anew under its
-- own name (not renamed into place) so the other tables' references keep naming it.
PRAGMA defer_foreign_keys = ON;--> statement-breakpoint
CREATE TABLE `sites` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`code` text NOT NULL,
	`name` text NOT NULL,
	`name_syllabics` text,
	`asset_tag_prefix` text NOT NULL,
	`timezone` text NOT NULL,
	`created_at` text NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `sites_code_uq` ON `sites` (`code`);--> statement-breakpoint
CREATE UNIQUE INDEX `sites_asset_tag_prefix_uq` ON `sites` (`asset_tag_prefix`);--> statement-breakpoint
-- The first site holds everything recorded before sites existed. Its name stays empty until the service starts and
-- names it from SITE_NAME, SITE_CODE, ASSET_TAG_PREFIX and SITE_TIMEZONE; its prefix is the one tags were made with.
INSERT INTO `sites` (`id`, `code`, `name`, `asset_tag_prefix`, `timezone`, `created_at`)
  VALUES (1, 'main', '', coalesce((SELECT `prefix` FROM `asset_tag_counters` ORDER BY `prefix` LIMIT 1), 'IQ'), 'America/Iqaluit',
          '2026-12-01T00:00:00.000Z');--> statement-breakpoint
CREATE TABLE `__copy_users` AS SELECT * FROM `users`;--> statement-breakpoint
DROP TABLE `users`;--> statement-breakpoint
CREATE TABLE `users` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`username` text NOT NULL,
	`display_name` text NOT NULL,
	`role` text NOT NULL,
	`password_hash` text NOT NULL,
	`disabled_at` text,
	`password_changed_at` text NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	`language` text,
	`site_id` integer NOT NULL,
	FOREIGN KEY (`site_id`) REFERENCES `sites`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "users_role_ck" CHECK("users"."role" in ('trainee', 'coordinator', 'staff', 'admin', 'translator', 'program')),
	CONSTRAINT "users_language_ck" CHECK("users"."language" in ('en', 'fr', 'iu'))
);
--> statement-breakpoint
INSERT INTO `users`("id", "username", "display_name", "role", "password_hash", "disabled_at", "password_changed_at", "created_at", "updated_at", "language", "site_id") SELECT "id", "username", "display_name", "role", "password_hash", "disabled_at", "password_changed_at", "created_at", "updated_at", "language", 1 FROM `__copy_users`;--> statement-breakpoint
DROP TABLE `__copy_users`;--> statement-breakpoint
CREATE UNIQUE INDEX `users_username_uq` ON `users` (`username`);--> statement-breakpoint
CREATE INDEX `users_site_idx` ON `users` (`site_id`);--> statement-breakpoint
CREATE TABLE `__copy_devices` AS SELECT * FROM `devices`;--> statement-breakpoint
DROP TABLE `devices`;--> statement-breakpoint
CREATE TABLE `devices` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`asset_tag` text NOT NULL,
	`category` text NOT NULL,
	`make` text NOT NULL,
	`model` text NOT NULL,
	`serial_number` text NOT NULL,
	`serial_key` text NOT NULL,
	`specs` text NOT NULL,
	`weight_grams` integer NOT NULL,
	`weight_source` text NOT NULL,
	`donation_id` integer,
	`location` text,
	`notes` text,
	`status` text NOT NULL,
	`no_storage_confirmed` integer DEFAULT false NOT NULL,
	`custody_cycle` integer DEFAULT 1 NOT NULL,
	`cycle_started_at` text NOT NULL,
	`grade` text,
	`graded_at` text,
	`status_changed_at` text NOT NULL,
	`version` integer DEFAULT 1 NOT NULL,
	`created_by` integer NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	`site_id` integer NOT NULL,
	FOREIGN KEY (`donation_id`) REFERENCES `donations`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`created_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`site_id`) REFERENCES `sites`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "devices_status_ck" CHECK("devices"."status" in ('received', 'sanitized', 'in_repair', 'ready', 'issued', 'awaiting_recycling', 'in_transit', 'recycled', 'written_off')),
	CONSTRAINT "devices_category_ck" CHECK("devices"."category" in ('laptop', 'desktop', 'all_in_one', 'tablet', 'phone', 'monitor', 'crt_monitor', 'printer', 'server', 'network', 'peripheral', 'other')),
	CONSTRAINT "devices_grade_ck" CHECK("devices"."grade" is null or "devices"."grade" in ('A', 'B', 'C', 'D')),
	CONSTRAINT "devices_weight_source_ck" CHECK("devices"."weight_source" in ('measured', 'category_default')),
	CONSTRAINT "devices_weight_ck" CHECK("devices"."weight_grams" > 0),
	CONSTRAINT "devices_version_ck" CHECK("devices"."version" >= 1)
);
--> statement-breakpoint
INSERT INTO `devices`("id", "asset_tag", "category", "make", "model", "serial_number", "serial_key", "specs", "weight_grams", "weight_source", "donation_id", "location", "notes", "status", "no_storage_confirmed", "custody_cycle", "cycle_started_at", "grade", "graded_at", "status_changed_at", "version", "created_by", "created_at", "updated_at", "site_id") SELECT "id", "asset_tag", "category", "make", "model", "serial_number", "serial_key", "specs", "weight_grams", "weight_source", "donation_id", "location", "notes", "status", "no_storage_confirmed", "custody_cycle", "cycle_started_at", "grade", "graded_at", "status_changed_at", "version", "created_by", "created_at", "updated_at", 1 FROM `__copy_devices`;--> statement-breakpoint
DROP TABLE `__copy_devices`;--> statement-breakpoint
CREATE UNIQUE INDEX `devices_asset_tag_uq` ON `devices` (`asset_tag`);--> statement-breakpoint
CREATE INDEX `devices_site_status_idx` ON `devices` (`site_id`,`status`,`id`);--> statement-breakpoint
CREATE UNIQUE INDEX `devices_serial_key_uq` ON `devices` (`serial_key`);--> statement-breakpoint
CREATE INDEX `devices_status_idx` ON `devices` (`status`,`id`);--> statement-breakpoint
CREATE INDEX `devices_category_idx` ON `devices` (`category`,`id`);--> statement-breakpoint
CREATE INDEX `devices_status_grade_idx` ON `devices` (`status`,`grade`,`id`);--> statement-breakpoint
CREATE INDEX `devices_donation_idx` ON `devices` (`donation_id`);--> statement-breakpoint
CREATE INDEX `devices_created_idx` ON `devices` (`created_at`);--> statement-breakpoint
CREATE TABLE `__copy_donations` AS SELECT * FROM `donations`;--> statement-breakpoint
DROP TABLE `donations`;--> statement-breakpoint
CREATE TABLE `donations` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`donor_name` text NOT NULL,
	`donor_type` text NOT NULL,
	`received_at` text NOT NULL,
	`notes` text,
	`expected_devices` integer,
	`contact_name` text,
	`contact_email` text,
	`contact_phone` text,
	`created_by` integer NOT NULL,
	`created_at` text NOT NULL,
	`site_id` integer NOT NULL,
	FOREIGN KEY (`created_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`site_id`) REFERENCES `sites`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "donations_donor_type_ck" CHECK("donations"."donor_type" in ('business', 'government', 'school', 'individual', 'other'))
);
--> statement-breakpoint
INSERT INTO `donations`("id", "donor_name", "donor_type", "received_at", "notes", "expected_devices", "contact_name", "contact_email", "contact_phone", "created_by", "created_at", "site_id") SELECT "id", "donor_name", "donor_type", "received_at", "notes", "expected_devices", "contact_name", "contact_email", "contact_phone", "created_by", "created_at", 1 FROM `__copy_donations`;--> statement-breakpoint
DROP TABLE `__copy_donations`;--> statement-breakpoint
CREATE INDEX `donations_site_idx` ON `donations` (`site_id`);--> statement-breakpoint
CREATE TABLE `__copy_shipments` AS SELECT * FROM `shipments`;--> statement-breakpoint
DROP TABLE `shipments`;--> statement-breakpoint
CREATE TABLE `shipments` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`recycler_id` integer NOT NULL,
	`mode` text NOT NULL,
	`carrier` text,
	`container_number` text,
	`seal_number` text,
	`bill_of_lading` text,
	`status` text NOT NULL,
	`created_by` integer NOT NULL,
	`created_at` text NOT NULL,
	`shipped_at` text,
	`confirmed_at` text,
	`certificate_number` text,
	`received_at` text,
	`received_weight_grams` integer,
	`site_id` integer NOT NULL,
	FOREIGN KEY (`recycler_id`) REFERENCES `recyclers`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`created_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`site_id`) REFERENCES `sites`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "shipments_status_ck" CHECK("shipments"."status" in ('open', 'shipped', 'confirmed')),
	CONSTRAINT "shipments_mode_ck" CHECK("shipments"."mode" in ('sealift', 'air', 'road'))
);
--> statement-breakpoint
INSERT INTO `shipments`("id", "recycler_id", "mode", "carrier", "container_number", "seal_number", "bill_of_lading", "status", "created_by", "created_at", "shipped_at", "confirmed_at", "certificate_number", "received_at", "received_weight_grams", "site_id") SELECT "id", "recycler_id", "mode", "carrier", "container_number", "seal_number", "bill_of_lading", "status", "created_by", "created_at", "shipped_at", "confirmed_at", "certificate_number", "received_at", "received_weight_grams", 1 FROM `__copy_shipments`;--> statement-breakpoint
DROP TABLE `__copy_shipments`;--> statement-breakpoint
CREATE INDEX `shipments_shipped_idx` ON `shipments` (`shipped_at`);--> statement-breakpoint
CREATE INDEX `shipments_site_idx` ON `shipments` (`site_id`);
