-- Periodic access reviews, the policy that paces them, and the webhooks that remind people.

-- One row: the policy in force.
CREATE TABLE review_policy (
    singleton  boolean     PRIMARY KEY DEFAULT true CHECK (singleton),
    policy     jsonb       NOT NULL,
    updated_by text        NOT NULL,
    updated_at timestamptz NOT NULL
);

ALTER TABLE agents
    ADD COLUMN escalation_contact   text,
    ADD COLUMN review_interval_days integer CHECK (review_interval_days BETWEEN 1 AND 3650),
    ADD COLUMN next_review_due      timestamptz;
-- The scheduler's question "whose review comes near?" is a range scan on this index, however
-- many agents there are.
CREATE INDEX agents_next_review_due ON agents (next_review_due) WHERE status <> 'retired' AND next_review_due IS NOT NULL;

CREATE TABLE reviews (
    id                        bigserial   PRIMARY KEY,
    agent_id                  bigint      NOT NULL REFERENCES agents (id),
    status                    text        NOT NULL CHECK (status IN ('open', 'completed')),
    trigger                   text        NOT NULL CHECK (trigger IN ('schedule', 'on_demand')),
    opened_by                 text        NOT NULL,
    opened_at                 timestamptz NOT NULL,
    due_at                    timestamptz NOT NULL,
    evidence                  jsonb       NOT NULL,
    decision                  text        CHECK (decision IN ('certify', 'revoke', 'modify')),
    reviewer                  text,
    notes                     text,
    decided_at                timestamptz,
    proposed_baseline_version integer,
    escalated_at              timestamptz,
    suspended_at              timestamptz,
    -- When the scheduler next has something to do for this review (a reminder stage, an overdue
    -- repetition, the escalation); NULL once completed.
    next_notice_at            timestamptz,
    CHECK ((status = 'completed') = (decision IS NOT NULL)),
    CHECK (decision IS NULL OR (reviewer IS NOT NULL AND decided_at IS NOT NULL))
);
-- No agent has two open reviews, however many schedulers race to open one.
CREATE UNIQUE INDEX reviews_one_open ON reviews (agent_id) WHERE status = 'open';
CREATE INDEX reviews_next_notice ON reviews (next_notice_at) WHERE status = 'open';
CREATE INDEX reviews_agent ON reviews (agent_id, id DESC);
CREATE INDEX reviews_reviewer ON reviews (reviewer) WHERE reviewer IS NOT NULL;

-- A decision never changes, and what was under review never changes.
CREATE FUNCTION reviews_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.agent_id IS DISTINCT FROM OLD.agent_id OR NEW.evidence IS DISTINCT FROM OLD.evidence
       OR NEW.opened_at IS DISTINCT FROM OLD.opened_at OR NEW.due_at IS DISTINCT FROM OLD.due_at
       OR NEW.opened_by IS DISTINCT FROM OLD.opened_by OR NEW.trigger IS DISTINCT FROM OLD.trigger THEN
        RAISE EXCEPTION 'what a review covers never changes';
    END IF;
    IF OLD.status = 'completed' AND (NEW.status IS DISTINCT FROM OLD.status OR NEW.decision IS DISTINCT FROM OLD.decision
       OR NEW.reviewer IS DISTINCT FROM OLD.reviewer OR NEW.notes IS DISTINCT FROM OLD.notes
       OR NEW.decided_at IS DISTINCT FROM OLD.decided_at
       OR NEW.proposed_baseline_version IS DISTINCT FROM OLD.proposed_baseline_version) THEN
        RAISE EXCEPTION 'a review decision never changes';
    END IF;
    RETURN NEW;
END;
$$;
CREATE TRIGGER reviews_immutable BEFORE UPDATE ON reviews FOR EACH ROW EXECUTE FUNCTION reviews_immutable();
CREATE TRIGGER reviews_no_delete BEFORE DELETE ON reviews FOR EACH ROW EXECUTE FUNCTION audit_events_append_only();

-- Each notice a review called for, once: the primary key is what stops two schedulers from
-- sending the same reminder.
CREATE TABLE review_notices (
    review_id  bigint      NOT NULL REFERENCES reviews (id),
    key        text        NOT NULL,
    event      text        NOT NULL,
    created_at timestamptz NOT NULL,
    PRIMARY KEY (review_id, key)
);

CREATE TABLE notification_channels (
    id         bigserial   PRIMARY KEY,
    name       text        NOT NULL,
    url        text        NOT NULL,
    -- The HMAC key. It must be readable to sign with; the API never returns it.
    secret     text        NOT NULL,
    events     text[]      NOT NULL,
    created_by text        NOT NULL,
    created_at timestamptz NOT NULL,
    deleted_by text,
    deleted_at timestamptz
);

CREATE TABLE deliveries (
    id              uuid        PRIMARY KEY,
    channel_id      bigint      NOT NULL REFERENCES notification_channels (id),
    event           text        NOT NULL,
    review_id       bigint      REFERENCES reviews (id),
    notice_key      text        NOT NULL,
    -- The exact body sent on every attempt.
    body            text        NOT NULL,
    status          text        NOT NULL CHECK (status IN ('pending', 'delivered', 'failed')),
    attempts        integer     NOT NULL DEFAULT 0,
    max_attempts    integer     NOT NULL,
    -- For a pending delivery, when it may next be tried. Claiming one moves this forward by a
    -- lease, so a replica that dies mid-delivery leaves it to be tried again, not lost.
    next_attempt_at timestamptz NOT NULL,
    last_error      text,
    last_status     integer,
    created_at      timestamptz NOT NULL,
    delivered_at    timestamptz,
    UNIQUE (channel_id, review_id, notice_key)
);
CREATE INDEX deliveries_due ON deliveries (next_attempt_at) WHERE status = 'pending';
CREATE INDEX deliveries_status ON deliveries (status, created_at);
