ALTER TABLE `donations` ADD `expected_devices` integer;--> statement-breakpoint
ALTER TABLE `donations` ADD `contact_name` text;--> statement-breakpoint
ALTER TABLE `donations` ADD `contact_email` text;--> statement-breakpoint
ALTER TABLE `donations` ADD `contact_phone` text;