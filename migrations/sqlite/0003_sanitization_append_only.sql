-- Sanitization records are append-only evidence (SPEC §3): a correction is a new record.
CREATE TRIGGER `sanitization_records_no_update` BEFORE UPDATE ON `sanitization_records`
BEGIN
  SELECT RAISE(ABORT, 'sanitization_records is append-only');
END;
--> statement-breakpoint
CREATE TRIGGER `sanitization_records_no_delete` BEFORE DELETE ON `sanitization_records`
BEGIN
  SELECT RAISE(ABORT, 'sanitization_records is append-only');
END;
