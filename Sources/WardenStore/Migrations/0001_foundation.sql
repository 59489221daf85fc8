-- Tokens: only the SHA-256 of the secret is stored.
CREATE TABLE api_tokens (
    id           bigserial PRIMARY KEY,
    name         text        NOT NULL,
    role         text        NOT NULL CHECK (role IN ('admin', 'reviewer', 'auditor', 'collector')),
    clusters     text[]      NOT NULL DEFAULT '{}',
    secret_hash  bytea       NOT NULL UNIQUE CHECK (octet_length(secret_hash) = 32),
    prefix       text        NOT NULL,
    created_at   timestamptz NOT NULL,
    created_by   text        NOT NULL,
    expires_at   timestamptz,
    revoked_at   timestamptz,
    last_used_at timestamptz
);

CREATE TABLE agents (
    id              bigserial PRIMARY KEY,
    name            text        NOT NULL,
    cluster         text        NOT NULL,
    namespace       text        NOT NULL,
    service_account text        NOT NULL,
    owner           text        NOT NULL,
    purpose         text        NOT NULL,
    risk_tier       text        NOT NULL CHECK (risk_tier IN ('low', 'medium', 'high', 'critical')),
    status          text        NOT NULL CHECK (status IN ('active', 'suspended', 'retired')),
    labels          jsonb       NOT NULL DEFAULT '{}',
    created_at      timestamptz NOT NULL,
    updated_at      timestamptz NOT NULL,
    version         bigint      NOT NULL DEFAULT 1
);

-- One live agent per ServiceAccount; retired ones stay for history.
CREATE UNIQUE INDEX agents_identity_live
    ON agents (cluster, namespace, service_account) WHERE status <> 'retired';
CREATE INDEX agents_owner ON agents (owner);
CREATE INDEX agents_labels ON agents USING gin (labels jsonb_path_ops);

-- The audit trail. Ids are assigned by Warden under a lock, so they have no gaps;
-- each row carries the hash of the one before it.
CREATE TABLE audit_events (
    id            bigint      PRIMARY KEY,
    at            timestamptz NOT NULL,
    actor         text        NOT NULL,
    token_id      bigint,
    action        text        NOT NULL,
    target_type   text        NOT NULL,
    target_id     text        NOT NULL,
    request_id    text        NOT NULL,
    state_digest  text        NOT NULL,
    previous_hash text        NOT NULL,
    hash          text        NOT NULL
);
CREATE INDEX audit_events_actor ON audit_events (actor, id);
CREATE INDEX audit_events_target ON audit_events (target_type, target_id, id);
CREATE INDEX audit_events_at ON audit_events (at);

-- The newest event's id and hash, written in the same transaction as the event, so that
-- removing the newest events is seen too.
CREATE TABLE audit_head (
    singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
    last_id   bigint  NOT NULL,
    last_hash text    NOT NULL
);

-- Append-only: the application never updates or deletes an event. The trigger makes
-- accidental changes fail loudly; verify catches deliberate ones by whoever can bypass it.
CREATE FUNCTION audit_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_events is append-only';
END;
$$;
CREATE TRIGGER audit_events_no_update BEFORE UPDATE OR DELETE ON audit_events
    FOR EACH ROW EXECUTE FUNCTION audit_events_append_only();

-- Responses to POSTs carrying an Idempotency-Key, replayed on retry.
CREATE TABLE idempotency_keys (
    principal      text        NOT NULL,
    key            text        NOT NULL,
    request_hash   bytea       NOT NULL,
    status         integer,
    headers        jsonb,
    body           bytea,
    created_at     timestamptz NOT NULL,
    PRIMARY KEY (principal, key)
);
CREATE INDEX idempotency_keys_created ON idempotency_keys (created_at);
