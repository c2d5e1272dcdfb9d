-- SHA-256 (hex) of a run request's body: a repeated Idempotency-Key with another body is refused (422).
-- Runs accepted before have none: their key alone names them.
ALTER TABLE runs ADD COLUMN request_fingerprint CHAR(64);
