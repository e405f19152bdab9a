-- Revocation of access tokens: a user's tokens issued before this moment are refused by every
-- verifier. Set when the user's role, password or active flag changes and when the user is
-- deleted; identity publishes it on the Redis bus and lists the recent ones to verifiers
-- (GET /internal/v1/revocations), and never issues a token with `iat` before it.
ALTER TABLE users ADD COLUMN tokens_not_before timestamptz;
-- The recent revocations (tokens_not_before within one access-token lifetime).
CREATE INDEX users_tokens_not_before_idx ON users (tokens_not_before) WHERE tokens_not_before IS NOT NULL;
