CREATE TABLE `co2e_factor_sets` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`name` text NOT NULL,
	`version` text NOT NULL,
	`source` text NOT NULL,
	`verified` integer NOT NULL,
	`notes` text
);
--> statement-breakpoint
CREATE TABLE `co2e_factors` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`set_id` integer NOT NULL,
	`material` text NOT NULL,
	`pathway` text NOT NULL,
	`unit` text NOT NULL,
	`value` real NOT NULL,
	FOREIGN KEY (`set_id`) REFERENCES `co2e_factor_sets`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `co2e_factors_uq` ON `co2e_factors` (`set_id`,`material`,`pathway`);--> statement-breakpoint
CREATE TABLE `recyclers` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`name` text NOT NULL,
	`certification` text NOT NULL,
	`certificate_expiry` text,
	`address` text,
	`created_at` text NOT NULL,
	CONSTRAINT "recyclers_certification_ck" CHECK("recyclers"."certification" in ('R2', 'e-Stewards', 'other', 'none'))
);
--> statement-breakpoint
CREATE UNIQUE INDEX `recyclers_name_uq` ON `recyclers` (`name`);--> statement-breakpoint
CREATE TABLE `shipment_bulk_lines` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`shipment_id` integer NOT NULL,
	`category` text NOT NULL,
	`weight_grams` integer NOT NULL,
	`units` integer,
	`added_by` integer NOT NULL,
	`added_at` text NOT NULL,
	FOREIGN KEY (`shipment_id`) REFERENCES `shipments`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`added_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "shipment_bulk_lines_grams_ck" CHECK("shipment_bulk_lines"."weight_grams" > 0),
	CONSTRAINT "shipment_bulk_lines_units_ck" CHECK("shipment_bulk_lines"."units" is null or "shipment_bulk_lines"."units" >= 0)
);
--> statement-breakpoint
CREATE INDEX `shipment_bulk_lines_shipment_idx` ON `shipment_bulk_lines` (`shipment_id`);--> statement-breakpoint
CREATE TABLE `shipment_devices` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`shipment_id` integer NOT NULL,
	`device_id` integer NOT NULL,
	`added_by` integer NOT NULL,
	`added_at` text NOT NULL,
	FOREIGN KEY (`shipment_id`) REFERENCES `shipments`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`device_id`) REFERENCES `devices`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`added_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `shipment_devices_device_uq` ON `shipment_devices` (`device_id`);--> statement-breakpoint
CREATE INDEX `shipment_devices_shipment_idx` ON `shipment_devices` (`shipment_id`);--> statement-breakpoint
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
	FOREIGN KEY (`recycler_id`) REFERENCES `recyclers`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`created_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "shipments_status_ck" CHECK("shipments"."status" in ('open', 'shipped', 'confirmed')),
	CONSTRAINT "shipments_mode_ck" CHECK("shipments"."mode" in ('sealift', 'air', 'road'))
);
--> statement-breakpoint
CREATE INDEX `shipments_shipped_idx` ON `shipments` (`shipped_at`);