ALTER TABLE `users` ADD `language` text CHECK (`language` IN ('en', 'fr', 'iu'));
