-- Stored Idempotency-Key answers name the resource they are about, so that erasing a participant's
-- personal data forgets the registration's stored answer by the participant, not by searching its text.
ALTER TABLE `idempotency_keys` ADD `resource` text;--> statement-breakpoint
CREATE INDEX `idempotency_keys_resource_idx` ON `idempotency_keys` (`resource`);--> statement-breakpoint
-- Answers kept before this migration: a registration's answer names the participant's code.
UPDATE `idempotency_keys`
SET `resource` = 'participant:' || (
  SELECT `participants`.`id` FROM `participants`
  WHERE `participants`.`code` = json_extract(`idempotency_keys`.`response_body`, '$.participant.code')
)
WHERE `route` = 'POST /api/v1/participants' AND json_valid(`response_body`);
