-- Cluster snapshots: the uploaded bytes, gzip-compressed, and never changed.
CREATE TABLE snapshots (
    id             bigserial   PRIMARY KEY,
    cluster        text        NOT NULL,
    digest         text        NOT NULL,
    media_type     text        NOT NULL CHECK (media_type IN ('application/json', 'application/yaml')),
    object_counts  jsonb       NOT NULL,
    size_bytes     bigint      NOT NULL,
    content_gzip   bytea       NOT NULL,
    created_at     timestamptz NOT NULL,
    created_by     text        NOT NULL
);
CREATE INDEX snapshots_cluster ON snapshots (cluster, id DESC);

CREATE FUNCTION snapshots_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'snapshots never change';
END;
$$;
CREATE TRIGGER snapshots_no_update BEFORE UPDATE ON snapshots
    FOR EACH ROW EXECUTE FUNCTION snapshots_immutable();
