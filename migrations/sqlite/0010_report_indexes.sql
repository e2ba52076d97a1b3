CREATE INDEX `devices_created_idx` ON `devices` (`created_at`);--> statement-breakpoint
CREATE INDEX `issuances_issued_idx` ON `issuances` (`issued_at`);