-- EXPLAIN (ANALYZE, BUFFERS) of the queries one scheduler pass runs, for bench/scheduler.sh, with the
-- values the scheduler binds: :'now' (the pass's clock), :'threshold' (now + the policy's lead
-- time, 14 days by default), :'lease_end' (now + the 60 s delivery lease), batch sizes 100 and 20,
-- and one agent (:agent, in :'cluster') for the lookups each opened review makes. PostgresNIO
-- sends these as unnamed prepared statements, which PostgreSQL plans with the bound values, so
-- literals give the same plans. The SQL is copied from Sources/ (the file each comes from is
-- named above it); keep the copies in step. Anything that writes runs in a transaction that is
-- rolled back.
\set ON_ERROR_STOP on

\echo '--- per pass: the policy (ReviewStore.policy)'
EXPLAIN (ANALYZE, BUFFERS) SELECT policy::text FROM review_policy;

\echo '--- per pass, per batch of 100: agents due for opening (ReviewStore.agentsDueForOpening)'
EXPLAIN (ANALYZE, BUFFERS)
SELECT id, name, cluster, namespace, service_account, owner, purpose, risk_tier, status, labels::text, created_at, updated_at, version, escalation_contact, review_interval_days, next_review_due FROM agents a
WHERE a.status <> 'retired' AND a.next_review_due IS NOT NULL AND NOT a.review_open
  AND a.next_review_due <= :'threshold'::timestamptz
  AND NOT EXISTS (SELECT 1 FROM reviews r WHERE r.agent_id = a.id AND r.status = 'open' OFFSET 0)
ORDER BY a.next_review_due LIMIT 100;

\echo '--- per pass, per batch of 100: open reviews whose notices are due, locked (ReviewStore.processNotices; rolled back)'
BEGIN;
EXPLAIN (ANALYZE, BUFFERS)
SELECT r.id, r.agent_id, r.status, r.trigger, r.opened_by, r.opened_at, r.due_at, r.evidence::text, r.decision, r.reviewer,
    r.notes, r.decided_at, r.proposed_baseline_version, r.escalated_at, r.suspended_at, a.id, a.name, a.cluster, a.namespace, a.service_account, a.owner, a.purpose, a.risk_tier, a.status, a.labels::text, a.created_at, a.updated_at, a.version, a.escalation_contact, a.review_interval_days, a.next_review_due
FROM reviews r JOIN agents a ON a.id = r.agent_id
WHERE r.status = 'open' AND r.next_notice_at <= :'now'::timestamptz
ORDER BY r.next_notice_at LIMIT 100
FOR UPDATE OF r SKIP LOCKED;
ROLLBACK;

\echo '--- per pass, per batch of 20: deliveries due, claimed (NotificationStore.claimDue; rolled back)'
BEGIN;
EXPLAIN (ANALYZE, BUFFERS)
WITH due AS (
    SELECT id FROM deliveries
    WHERE status = 'pending' AND next_attempt_at <= :'now'::timestamptz
    ORDER BY next_attempt_at LIMIT 20
    FOR UPDATE SKIP LOCKED
)
UPDATE deliveries d SET attempts = d.attempts + 1, next_attempt_at = :'lease_end'::timestamptz
FROM due, notification_channels c
WHERE d.id = due.id AND c.id = d.channel_id
RETURNING d.id, c.url, c.secret, d.body, d.attempts, d.max_attempts;
ROLLBACK;

\echo '--- per opened review: its approved baseline, for the evidence (BaselineStore.current)'
EXPLAIN (ANALYZE, BUFFERS)
SELECT agent_id, version, status, grants::text, expectations::text, justification, digest, proposed_by, proposed_at,
    decided_by, decided_at, decision_reason, accepted_risk, superseded_at, findings::text FROM baselines WHERE agent_id = :agent AND status = 'approved';

\echo '--- per opened review: its cluster''s latest snapshot, for the evidence (SnapshotStore.list, limit 1)'
EXPLAIN (ANALYZE, BUFFERS)
SELECT id, cluster, digest, media_type, object_counts::text, size_bytes, created_at, created_by FROM snapshots
WHERE cluster = :'cluster' AND (NULL::bigint IS NULL OR id < NULL::bigint)
ORDER BY id DESC LIMIT 1;

\echo '--- per opened review: the agent, locked (AgentStore.locked; rolled back)'
BEGIN;
EXPLAIN (ANALYZE, BUFFERS)
SELECT id, name, cluster, namespace, service_account, owner, purpose, risk_tier, status, labels::text, created_at, updated_at, version, escalation_contact, review_interval_days, next_review_due FROM agents WHERE id = :agent FOR UPDATE;
ROLLBACK;

\echo '--- per opened review: its open review, if any (ReviewStore.open)'
EXPLAIN (ANALYZE, BUFFERS) SELECT id FROM reviews WHERE agent_id = :agent AND status = 'open';

\echo '--- per notice: the live channels that want it (NotificationStore.enqueue)'
EXPLAIN (ANALYZE, BUFFERS)
SELECT id FROM notification_channels WHERE deleted_at IS NULL AND 'review.opened' = ANY (events) ORDER BY id;
