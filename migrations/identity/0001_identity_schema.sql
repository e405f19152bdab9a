-- Identity: users, refresh-token families and their tokens, and an audit trail.

CREATE TABLE users (
  id                  uuid PRIMARY KEY,                 -- UUIDv7
  email               text NOT NULL CHECK (length(email) BETWEEN 3 AND 254),
  name                text NOT NULL DEFAULT '' CHECK (length(name) <= 200),
  role                text NOT NULL CHECK (role IN ('admin', 'editor', 'viewer')),
  -- The store the user's tokens are scoped to (the `store` claim); the catalog's default
  -- store unless set. Stores live in the catalog's database, so no foreign key here.
  store_id            uuid NOT NULL DEFAULT '00000000-0000-7000-8000-000000000001',
  password_hash       text NOT NULL,                    -- argon2id, libsodium's encoded form
  active              boolean NOT NULL DEFAULT true,
  password_changed_at timestamptz NOT NULL DEFAULT now(),
  created_at          timestamptz NOT NULL DEFAULT now(),
  updated_at          timestamptz NOT NULL DEFAULT now(),
  deleted_at          timestamptz                       -- soft delete
);

-- Login and the duplicate check: email unique among live users, whatever its case. A deleted
-- user's address may be used again.
CREATE UNIQUE INDEX users_email_live_key ON users (lower(email)) WHERE deleted_at IS NULL;
-- The admin list: live users in id (= creation) order, a page at a time.
CREATE INDEX users_live_id_idx ON users (id) WHERE deleted_at IS NULL;
-- The "last active admin" check locks exactly these rows.
CREATE INDEX users_active_admins_idx ON users (id) WHERE role = 'admin' AND active AND deleted_at IS NULL;

-- One family per login; every refresh token descends from the login's first token.
CREATE TABLE refresh_token_families (
  id             uuid PRIMARY KEY,
  user_id        uuid NOT NULL REFERENCES users (id),
  created_at     timestamptz NOT NULL DEFAULT now(),
  expires_at     timestamptz NOT NULL,
  revoked_at     timestamptz,
  revoked_reason text          -- logout, reuse, user_changed, user_inactive
);
-- Revoking a user's sessions (deactivation, role or password change).
CREATE INDEX refresh_token_families_live_user_idx ON refresh_token_families (user_id) WHERE revoked_at IS NULL;
-- Housekeeping deletes families long expired.
CREATE INDEX refresh_token_families_expires_idx ON refresh_token_families (expires_at);

CREATE TABLE refresh_tokens (
  token_hash       bytea PRIMARY KEY,  -- SHA-256 of the token; the token itself is never stored
  family_id        uuid NOT NULL REFERENCES refresh_token_families (id) ON DELETE CASCADE,
  created_at       timestamptz NOT NULL DEFAULT now(),
  used_at          timestamptz,        -- rotated: presenting it again is reuse
  used_by          text,               -- fingerprint of the client that rotated it
  successor_hash   bytea,
  -- The successor, sealed under a key derived from this token (auth/refresh_token.hpp), so
  -- a duplicate request within the grace window can be given the same successor.
  successor_sealed bytea
);
CREATE INDEX refresh_tokens_family_idx ON refresh_tokens (family_id);

CREATE TABLE audit_log (
  id        uuid PRIMARY KEY,
  at        timestamptz NOT NULL DEFAULT now(),
  actor_id  uuid,                 -- null: the system or the command line
  action    text NOT NULL,        -- user.create, user.update, user.delete, token.reuse, ...
  target_id uuid,
  detail    jsonb NOT NULL DEFAULT '{}'
);
CREATE INDEX audit_log_at_idx ON audit_log (at);
