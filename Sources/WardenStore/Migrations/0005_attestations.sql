-- Signed attestation reports. A report and its envelope never change and are never deleted.
CREATE TABLE attestations (
    id              bigserial   PRIMARY KEY,
    cluster         text        NOT NULL,
    snapshot_id     bigint      NOT NULL REFERENCES snapshots (id),
    snapshot_digest text        NOT NULL,
    verdict         text        NOT NULL CHECK (verdict IN ('compliant', 'non_compliant')),
    -- Counts, reasons and agent totals, for listing without inflating the report.
    summary         jsonb       NOT NULL,
    -- The canonical report bytes, gzip-compressed; report_digest is over the uncompressed bytes.
    report_gzip     bytea       NOT NULL,
    report_size     bigint      NOT NULL,
    report_digest   text        NOT NULL,
    -- The DSSE envelope exactly as signed and served.
    envelope        text        NOT NULL,
    keyid           text        NOT NULL,
    created_by      text        NOT NULL,
    created_at      timestamptz NOT NULL
);
CREATE INDEX attestations_cluster ON attestations (cluster, id DESC);

CREATE FUNCTION attestations_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'an attestation never changes';
END;
$$;
CREATE TRIGGER attestations_no_update BEFORE UPDATE ON attestations FOR EACH ROW EXECUTE FUNCTION attestations_immutable();
CREATE TRIGGER attestations_no_delete BEFORE DELETE ON attestations FOR EACH ROW EXECUTE FUNCTION attestations_immutable();
