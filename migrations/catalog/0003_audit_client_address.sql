-- Who made a change, from where: the client's address as the trusted proxy chain resolves it
-- (http/client_address.hpp: the gateway's X-Forwarded-For when the gateway is the peer, else
-- the peer itself), so a forged X-Forwarded-For never lands in the audit trail. Rows written
-- before this column existed keep '' (unknown).
ALTER TABLE audit_log ADD COLUMN client_address text NOT NULL DEFAULT '';
