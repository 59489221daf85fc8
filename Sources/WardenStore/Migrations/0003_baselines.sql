-- Versions of what an agent is granted. A version's content never changes; only its place in
-- the lifecycle does (proposed, then approved or rejected; approved, then superseded).
CREATE TABLE baselines (
    agent_id        bigint      NOT NULL REFERENCES agents (id),
    version         integer     NOT NULL CHECK (version > 0),
    status          text        NOT NULL CHECK (status IN ('proposed', 'approved', 'rejected', 'superseded')),
    grants          jsonb       NOT NULL,
    expectations    jsonb       NOT NULL,
    justification   text        NOT NULL,
    findings        jsonb       NOT NULL,
    digest          text        NOT NULL,
    proposed_by     text        NOT NULL,
    proposed_at     timestamptz NOT NULL,
    decided_by      text,
    decided_at      timestamptz,
    decision_reason text,
    accepted_risk   boolean     NOT NULL DEFAULT false,
    superseded_at   timestamptz,
    PRIMARY KEY (agent_id, version)
);
CREATE UNIQUE INDEX baselines_one_approved ON baselines (agent_id) WHERE status = 'approved';

CREATE FUNCTION baselines_content_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.grants IS DISTINCT FROM OLD.grants OR NEW.expectations IS DISTINCT FROM OLD.expectations
       OR NEW.justification IS DISTINCT FROM OLD.justification OR NEW.findings IS DISTINCT FROM OLD.findings
       OR NEW.digest IS DISTINCT FROM OLD.digest OR NEW.proposed_by IS DISTINCT FROM OLD.proposed_by
       OR NEW.version IS DISTINCT FROM OLD.version OR NEW.agent_id IS DISTINCT FROM OLD.agent_id THEN
        RAISE EXCEPTION 'a baseline version never changes';
    END IF;
    RETURN NEW;
END;
$$;
CREATE TRIGGER baselines_immutable BEFORE UPDATE ON baselines
    FOR EACH ROW EXECUTE FUNCTION baselines_content_immutable();
CREATE TRIGGER baselines_no_delete BEFORE DELETE ON baselines
    FOR EACH ROW EXECUTE FUNCTION audit_events_append_only();

-- Exceptions to guardrail findings: always justified, always expiring.
CREATE TABLE guardrail_exceptions (
    id            bigserial   PRIMARY KEY,
    agent_id      bigint      NOT NULL REFERENCES agents (id),
    rule_id       text        NOT NULL,
    object_scope  text,
    field_scope   text,
    justification text        NOT NULL,
    expires_at    timestamptz NOT NULL,
    created_by    text        NOT NULL,
    created_at    timestamptz NOT NULL,
    revoked_by    text,
    revoked_at    timestamptz
);
CREATE INDEX guardrail_exceptions_agent ON guardrail_exceptions (agent_id, expires_at);
