-- Translating in the app (docs/translation.md): text written or reviewed by the
-- program's speakers, one row per language and key, over the shipped locale
-- files; and the role `translator`.
CREATE TABLE `translations` (
	`lang` text NOT NULL,
	`key` text NOT NULL,
	`text` text NOT NULL,
	`source` text NOT NULL,
	`reviewed` integer NOT NULL,
	`updated_at` text NOT NULL,
	`updated_by` integer NOT NULL,
	PRIMARY KEY(`lang`, `key`),
	FOREIGN KEY (`updated_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "translations_lang_ck" CHECK("translations"."lang" in ('fr', 'iu')),
	CONSTRAINT "translations_text_ck" CHECK(length("translations"."text") > 0)
);
--> statement-breakpoint
-- The role `translator` is a new CHECK on users, so users is rebuilt.
-- Migrations run in one transaction, where PRAGMA foreign_keys cannot be
-- turned off; defer_foreign_keys holds the checks of the many tables that
-- reference users until the commit, by which time every row is back under
-- the same id (a dangling reference would fail the commit, not pass).
-- The table is made anew under its own name (not renamed into place) so the
-- other tables' references keep naming `users`.
PRAGMA defer_foreign_keys = ON;--> statement-breakpoint
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
	CONSTRAINT "users_role_ck" CHECK("users"."role" in ('trainee', 'coordinator', 'staff', 'admin', 'translator'))
);
--> statement-breakpoint
INSERT INTO `users`("id", "username", "display_name", "role", "password_hash", "disabled_at", "password_changed_at", "created_at", "updated_at") SELECT "id", "username", "display_name", "role", "password_hash", "disabled_at", "password_changed_at", "created_at", "updated_at" FROM `__copy_users`;--> statement-breakpoint
DROP TABLE `__copy_users`;--> statement-breakpoint
CREATE UNIQUE INDEX `users_username_uq` ON `users` (`username`);
