CREATE TABLE `sessions` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`user_id` integer NOT NULL,
	`token_hash` text NOT NULL,
	`created_at` text NOT NULL,
	`expires_at` text NOT NULL,
	`revoked_at` text,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `sessions_token_hash_uq` ON `sessions` (`token_hash`);--> statement-breakpoint
CREATE INDEX `sessions_user_idx` ON `sessions` (`user_id`);--> statement-breakpoint
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
	CONSTRAINT "users_role_ck" CHECK("users"."role" in ('trainee', 'coordinator', 'staff', 'admin'))
);
--> statement-breakpoint
CREATE UNIQUE INDEX `users_username_uq` ON `users` (`username`);--> statement-breakpoint
CREATE TABLE `audit_events` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`entity_type` text NOT NULL,
	`entity_id` text NOT NULL,
	`action` text NOT NULL,
	`from_status` text,
	`to_status` text,
	`actor_user_id` integer,
	`at` text NOT NULL,
	`details` text NOT NULL,
	`prev_hash` text NOT NULL,
	`hash` text NOT NULL,
	FOREIGN KEY (`actor_user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `audit_events_entity_idx` ON `audit_events` (`entity_type`,`entity_id`,`id`);--> statement-breakpoint
CREATE TABLE `asset_tag_counters` (
	`prefix` text PRIMARY KEY NOT NULL,
	`next_seq` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `asset_tags` (
	`tag` text PRIMARY KEY NOT NULL,
	`prefix` text NOT NULL,
	`seq` integer NOT NULL,
	`status` text NOT NULL,
	`reserved_by` integer,
	`created_at` text NOT NULL,
	`assigned_at` text,
	FOREIGN KEY (`reserved_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "asset_tags_status_ck" CHECK("asset_tags"."status" in ('reserved', 'assigned'))
);
--> statement-breakpoint
CREATE UNIQUE INDEX `asset_tags_prefix_seq_uq` ON `asset_tags` (`prefix`,`seq`);--> statement-breakpoint
CREATE TABLE `donations` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`donor_name` text NOT NULL,
	`donor_type` text NOT NULL,
	`received_at` text NOT NULL,
	`notes` text,
	`created_by` integer NOT NULL,
	`created_at` text NOT NULL,
	FOREIGN KEY (`created_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "donations_donor_type_ck" CHECK("donations"."donor_type" in ('business', 'government', 'school', 'individual', 'other'))
);
--> statement-breakpoint
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
	`status_changed_at` text NOT NULL,
	`version` integer DEFAULT 1 NOT NULL,
	`created_by` integer NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	FOREIGN KEY (`donation_id`) REFERENCES `donations`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`created_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "devices_status_ck" CHECK("devices"."status" in ('received', 'sanitized', 'in_repair', 'ready', 'issued', 'awaiting_recycling', 'recycled', 'written_off')),
	CONSTRAINT "devices_category_ck" CHECK("devices"."category" in ('laptop', 'desktop', 'all_in_one', 'tablet', 'phone', 'monitor', 'crt_monitor', 'printer', 'server', 'network', 'peripheral', 'other')),
	CONSTRAINT "devices_weight_source_ck" CHECK("devices"."weight_source" in ('measured', 'category_default')),
	CONSTRAINT "devices_weight_ck" CHECK("devices"."weight_grams" > 0),
	CONSTRAINT "devices_version_ck" CHECK("devices"."version" >= 1)
);
--> statement-breakpoint
CREATE UNIQUE INDEX `devices_asset_tag_uq` ON `devices` (`asset_tag`);--> statement-breakpoint
CREATE UNIQUE INDEX `devices_serial_key_uq` ON `devices` (`serial_key`);--> statement-breakpoint
CREATE INDEX `devices_status_idx` ON `devices` (`status`,`id`);--> statement-breakpoint
CREATE INDEX `devices_category_idx` ON `devices` (`category`,`id`);--> statement-breakpoint
CREATE INDEX `devices_donation_idx` ON `devices` (`donation_id`);--> statement-breakpoint
CREATE TABLE `storage_drives` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`device_id` integer NOT NULL,
	`serial_number` text NOT NULL,
	`kind` text NOT NULL,
	`capacity_gb` integer,
	`model` text,
	`registered_at` text NOT NULL,
	`registered_by` integer NOT NULL,
	FOREIGN KEY (`device_id`) REFERENCES `devices`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`registered_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "storage_drives_kind_ck" CHECK("storage_drives"."kind" in ('hdd', 'ssd', 'nvme', 'emmc', 'other'))
);
--> statement-breakpoint
CREATE UNIQUE INDEX `storage_drives_device_serial_uq` ON `storage_drives` (`device_id`,`serial_number`);--> statement-breakpoint
CREATE TABLE `idempotency_keys` (
	`user_id` integer NOT NULL,
	`route` text NOT NULL,
	`key` text NOT NULL,
	`request_hash` text NOT NULL,
	`created_at` text NOT NULL,
	`response_status` integer,
	`response_body` text,
	`response_content_type` text,
	PRIMARY KEY(`user_id`, `route`, `key`),
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
