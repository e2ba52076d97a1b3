CREATE TABLE `transfer_devices` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`transfer_id` integer NOT NULL,
	`device_id` integer NOT NULL,
	`from_status` text NOT NULL,
	`state` text NOT NULL,
	`settled_by` integer,
	`settled_at` text,
	FOREIGN KEY (`transfer_id`) REFERENCES `transfers`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`device_id`) REFERENCES `devices`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`settled_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "transfer_devices_state_ck" CHECK("transfer_devices"."state" in ('in_transit', 'received', 'cancelled', 'written_off')),
	CONSTRAINT "transfer_devices_from_status_ck" CHECK("transfer_devices"."from_status" in ('sanitized', 'ready', 'awaiting_recycling'))
);
--> statement-breakpoint
CREATE INDEX `transfer_devices_transfer_idx` ON `transfer_devices` (`transfer_id`);--> statement-breakpoint
CREATE UNIQUE INDEX `transfer_devices_in_transit_uq` ON `transfer_devices` (`device_id`) WHERE "transfer_devices"."state" = 'in_transit';--> statement-breakpoint
CREATE TABLE `transfers` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`from_site_id` integer NOT NULL,
	`to_site_id` integer NOT NULL,
	`carrier` text,
	`reference` text,
	`status` text NOT NULL,
	`sent_by` integer NOT NULL,
	`sent_at` text NOT NULL,
	`closed_at` text,
	FOREIGN KEY (`from_site_id`) REFERENCES `sites`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`to_site_id`) REFERENCES `sites`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`sent_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "transfers_status_ck" CHECK("transfers"."status" in ('open', 'closed')),
	CONSTRAINT "transfers_sites_ck" CHECK("transfers"."from_site_id" <> "transfers"."to_site_id")
);
--> statement-breakpoint
CREATE INDEX `transfers_from_idx` ON `transfers` (`from_site_id`,`status`);--> statement-breakpoint
CREATE INDEX `transfers_to_idx` ON `transfers` (`to_site_id`,`status`);