CREATE TABLE `wipe_reports` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`sha256` text NOT NULL,
	`format` text NOT NULL,
	`tool` text NOT NULL,
	`tool_version` text,
	`content_type` text NOT NULL,
	`filename` text,
	`body` blob NOT NULL,
	`answer` text NOT NULL,
	`imported_by` integer NOT NULL,
	`imported_at` text NOT NULL,
	FOREIGN KEY (`imported_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `wipe_reports_sha256_uq` ON `wipe_reports` (`sha256`);
--> statement-breakpoint
CREATE TRIGGER `wipe_reports_no_update` BEFORE UPDATE ON `wipe_reports` BEGIN SELECT RAISE(ABORT, 'wipe_reports is append-only'); END;
--> statement-breakpoint
CREATE TRIGGER `wipe_reports_no_delete` BEFORE DELETE ON `wipe_reports` BEGIN SELECT RAISE(ABORT, 'wipe_reports is append-only'); END;
