-- Whether an agent has an open review, kept by a trigger on reviews. The scheduler's "whose
-- review comes near?" index then holds only agents still waiting for one, so a pass reads what
-- is due, not every agent whose review is open and waiting for a reviewer.
ALTER TABLE agents ADD COLUMN review_open boolean NOT NULL DEFAULT false;
UPDATE agents SET review_open = true WHERE id IN (SELECT agent_id FROM reviews WHERE status = 'open');
DROP INDEX agents_next_review_due;
CREATE INDEX agents_next_review_due ON agents (next_review_due)
    WHERE status <> 'retired' AND next_review_due IS NOT NULL AND NOT review_open;

CREATE FUNCTION reviews_mark_agent() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE agents SET review_open = (NEW.status = 'open')
    WHERE id = NEW.agent_id AND review_open IS DISTINCT FROM (NEW.status = 'open');
    RETURN NULL;
END;
$$;
CREATE TRIGGER reviews_mark_agent AFTER INSERT OR UPDATE OF status ON reviews
    FOR EACH ROW EXECUTE FUNCTION reviews_mark_agent();

-- Reviews open in bursts (a policy change, the first season after a rollout); the planner should
-- hear of them within a minute, not once a tenth of the table has changed.
ALTER TABLE reviews SET (autovacuum_analyze_scale_factor = 0, autovacuum_analyze_threshold = 1000);
