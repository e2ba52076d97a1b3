-- Donor asset lists: the devices a donation's spreadsheet says are coming, one row per serial
-- (unique over all donations, so an intake's serial finds at most one entry). Received is derived:
-- a device with the same serial key linked to the donation.
CREATE TABLE `donation_expected_devices` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`donation_id` integer NOT NULL,
	`serial_number` text NOT NULL,
	`serial_key` text NOT NULL,
	`category` text,
	`make` text,
	`model` text,
	`donor_asset_tag` text,
	`line` integer NOT NULL,
	`created_by` integer NOT NULL,
	`created_at` text NOT NULL,
	FOREIGN KEY (`donation_id`) REFERENCES `donations`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`created_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);--> statement-breakpoint
CREATE UNIQUE INDEX `donation_expected_devices_serial_key_uq` ON `donation_expected_devices` (`serial_key`);--> statement-breakpoint
CREATE INDEX `donation_expected_devices_donation_idx` ON `donation_expected_devices` (`donation_id`);
