-- Four eyes between two people, not two strings. Whoever creates a token sees its secret, so a
-- token counts as its creator too: each token records the token that created it (NULL: the
-- command line), and each act the four-eyes rules compare records the token it was done with
-- (NULL where none is known: such acts are compared by name only).
ALTER TABLE api_tokens ADD COLUMN created_by_token_id bigint REFERENCES api_tokens (id);
-- A creator is always older than what it creates, so the chain has no cycles.
ALTER TABLE api_tokens ADD CONSTRAINT api_tokens_creator_is_older CHECK (created_by_token_id < id);

ALTER TABLE baselines ADD COLUMN proposed_by_token_id bigint REFERENCES api_tokens (id);
ALTER TABLE guardrail_exceptions ADD COLUMN created_by_token_id bigint REFERENCES api_tokens (id);
ALTER TABLE reviews ADD COLUMN reviewer_token_id bigint REFERENCES api_tokens (id);

-- What was done before this migration gets its token from the audit trail, which has recorded the
-- acting token of every change from the start: who made each token, proposed each version, made
-- each exception and decided each review.
UPDATE api_tokens t SET created_by_token_id = e.token_id FROM audit_events e
WHERE e.action = 'token.create' AND e.target_type = 'token' AND e.target_id = t.id::text AND e.token_id < t.id;
UPDATE baselines b SET proposed_by_token_id = e.token_id FROM audit_events e
WHERE e.action = 'baseline.propose' AND e.target_type = 'baseline' AND e.target_id = b.agent_id || '/' || b.version
  AND e.token_id IS NOT NULL;
UPDATE guardrail_exceptions x SET created_by_token_id = e.token_id FROM audit_events e
WHERE e.action = 'exception.create' AND e.target_type = 'exception' AND e.target_id = x.id::text AND e.token_id IS NOT NULL;
UPDATE reviews r SET reviewer_token_id = e.token_id FROM audit_events e
WHERE e.action = 'review.' || r.decision AND e.target_type = 'review' AND e.target_id = r.id::text AND e.token_id IS NOT NULL;

-- The review whose revoke or escalation suspended the agent, until its status next changes:
-- reactivating it needs someone other than its owner and the revoking reviewer. Agents suspended
-- now count as suspended by their latest such review, which errs towards asking a second person.
ALTER TABLE agents ADD COLUMN suspended_by_review bigint REFERENCES reviews (id);
UPDATE agents a SET suspended_by_review = (
    SELECT max(r.id) FROM reviews r WHERE r.agent_id = a.id AND (r.suspended_at IS NOT NULL OR r.decision = 'revoke'))
WHERE a.status = 'suspended';

-- Who acted never changes once recorded: who made a token or an exception, who proposed a
-- version, who decided a review (its reviewer_token_id is set when the decision is).
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
CREATE TRIGGER reviews_reviewer_recorded_once BEFORE UPDATE OF reviewer_token_id ON reviews
    FOR EACH ROW EXECUTE FUNCTION recorded_once('reviewer_token_id');
