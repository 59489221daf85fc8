-- Four eyes between two people, not two strings. Whoever creates a token sees its secret, so a
-- token counts as its creator too: each token records the token that created it (NULL: the
-- command line), and each act the four-eyes rules compare records the token it was done with
-- (NULL where none is known: such acts are compared by name only).
ALTER TABLE api_tokens ADD COLUMN created_by_token_id bigint REFERENCES api_tokens (id);
-- A creator is always older than what it creates, so the chain has no cycles.
ALTER TABLE api_tokens ADD CONSTRAINT api_tokens_creator_is_older CHECK (created_by_token_id < id);

ALTER TABLE baselines ADD COLUMN proposed_by_token_id bigint REFERENCES api_tokens (id);
ALTER TABLE guardrail_exceptions ADD COLUMN created_by_token_id bigint REFERENCES api_tokens (id);

-- What was done before this migration gets its token from the audit trail, which has recorded the
-- acting token of every change from the start: who made each token, proposed each version and
-- made each exception.
UPDATE api_tokens t SET created_by_token_id = e.token_id FROM audit_events e
WHERE e.action = 'token.create' AND e.target_type = 'token' AND e.target_id = t.id::text AND e.token_id < t.id;
UPDATE baselines b SET proposed_by_token_id = e.token_id FROM audit_events e
WHERE e.action = 'baseline.propose' AND e.target_type = 'baseline' AND e.target_id = b.agent_id || '/' || b.version
  AND e.token_id IS NOT NULL;
UPDATE guardrail_exceptions x SET created_by_token_id = e.token_id FROM audit_events e
WHERE e.action = 'exception.create' AND e.target_type = 'exception' AND e.target_id = x.id::text AND e.token_id IS NOT NULL;

-- Who acted never changes once recorded: who made a token or an exception, who proposed a version.
CREATE FUNCTION recorded_once() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF to_jsonb(OLD) -> TG_ARGV[0] <> 'null'::jsonb AND to_jsonb(NEW) -> TG_ARGV[0] IS DISTINCT FROM to_jsonb(OLD) -> TG_ARGV[0] THEN
        RAISE EXCEPTION '%.% never changes once recorded', TG_TABLE_NAME, TG_ARGV[0];
    END IF;
    RETURN NEW;
END;
$$;
CREATE TRIGGER api_tokens_creator_recorded_once BEFORE UPDATE OF created_by_token_id ON api_tokens
    FOR EACH ROW EXECUTE FUNCTION recorded_once('created_by_token_id');
CREATE TRIGGER baselines_proposer_recorded_once BEFORE UPDATE OF proposed_by_token_id ON baselines
    FOR EACH ROW EXECUTE FUNCTION recorded_once('proposed_by_token_id');
CREATE TRIGGER guardrail_exceptions_creator_recorded_once BEFORE UPDATE OF created_by_token_id ON guardrail_exceptions
    FOR EACH ROW EXECUTE FUNCTION recorded_once('created_by_token_id');
