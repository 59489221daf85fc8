-- Loads a migrated Warden database with :agents agents for bench/scheduler.sh, in plain SQL.
--   psql -v agents=1000000 -f bench/scheduler-load.sql
-- Nothing is due: live agents' next review falls 30..400 days from now. The rest is the history a
-- Warden of that size carries, so the scheduler's queries meet realistic tables, not empty ones:
--   agents        about 3% retired (each one the earlier holder of a live agent's ServiceAccount, as
--                 when an agent is registered again; retiring keeps next_review_due, so half of
--                 them have one in the past), about 1% suspended; tiers 5% critical, 20% high,
--                 35% medium, 40% low; 5% with their own review interval;
--   baselines     one approved version per live agent (what gave it a next_review_due);
--   reviews       a completed review for 40% of live agents, none open;
--   review_notices, deliveries   the 'opened' notice of each completed review, delivered to one
--                 webhook channel that has since been deleted: no live channel, so the passes
--                 measured queue no deliveries.
-- Not loaded: audit history (the scheduler only appends to it) and snapshots (evidence is then
-- the baseline alone; evaluating RBAC is bench/rbac.sh's subject).
\set ON_ERROR_STOP on
SET synchronous_commit = off;
SET maintenance_work_mem = '256MB';
SELECT setseed(0.5);

INSERT INTO agents (name, cluster, namespace, service_account, owner, purpose, risk_tier, status, labels, created_at,
                    updated_at, version, escalation_contact, review_interval_days, next_review_due)
SELECT 'agent-' || k,
       'cluster-' || lpad((k % 40)::text, 2, '0'),
       'team-' || (k / 40) % 2500,
       'agent-' || k,
       'team-' || k % 500 || '@example.com',
       (ARRAY['Opens pull requests', 'Triages alerts and pages the on-call', 'Rotates TLS certificates',
              'Scales deployments on queue depth', 'Summarises logs for incident reviews'])[1 + k % 5],
       CASE WHEN t < 0.05 THEN 'critical' WHEN t < 0.25 THEN 'high' WHEN t < 0.60 THEN 'medium' ELSE 'low' END,
       CASE WHEN retired THEN 'retired' WHEN i % 97 = 5 THEN 'suspended' ELSE 'active' END,
       jsonb_build_object('team', 'team-' || k % 500, 'env', (ARRAY['prod', 'staging', 'dev'])[1 + k % 3],
                          'app', 'app-' || k % 5000),
       created, created + interval '1 day' * (i % 300), 1 + i % 5,
       CASE WHEN i % 2 = 0 THEN 'oncall-' || k % 500 || '@example.com' END,
       CASE WHEN i % 20 = 3 THEN 60 END,
       CASE WHEN NOT retired THEN now() + interval '30 days' + random() * interval '370 days'
            WHEN i % 2 = 0 THEN now() - interval '1 day' - random() * interval '300 days'
            ELSE now() + random() * interval '400 days' END
FROM generate_series(1, :agents) AS i
CROSS JOIN LATERAL (SELECT i % 33 = 0 AS retired) r
CROSS JOIN LATERAL (SELECT CASE WHEN r.retired THEN i + 1 ELSE i END AS k, random() AS t,
                           now() - interval '400 days' - random() * interval '800 days' AS created) g;

INSERT INTO baselines (agent_id, version, status, grants, expectations, justification, findings, digest, proposed_by,
                       proposed_at, decided_by, decided_at)
SELECT a.id, 1, 'approved', g.grants, '{}'::jsonb, a.purpose || ': reads its own pods and their logs', '[]'::jsonb,
       'sha256:' || encode(sha256(convert_to(g.grants::text, 'UTF8')), 'hex'),
       a.owner, a.created_at, 'security-' || a.id % 20 || '@example.com', a.created_at + interval '2 hours'
FROM agents a
CROSS JOIN LATERAL (SELECT jsonb_build_array(jsonb_build_object(
    'namespace', a.namespace,
    'rules', '[{"apiGroups":[""],"resources":["pods","pods/log"],"verbs":["get","list","watch"]},
               {"apiGroups":["apps"],"resources":["deployments"],"verbs":["get"]}]'::jsonb)) AS grants) g
WHERE a.status <> 'retired';

INSERT INTO reviews (agent_id, status, trigger, opened_by, opened_at, due_at, evidence, decision, reviewer, notes, decided_at)
SELECT id, 'completed', 'schedule', 'warden-scheduler', opened, opened + interval '14 days', '{}'::jsonb,
       CASE WHEN id % 50 = 0 THEN 'modify' ELSE 'certify' END, 'security-' || id % 20 || '@example.com',
       'still needed', opened + random() * interval '10 days'
FROM (SELECT id, now() - interval '40 days' - random() * interval '300 days' AS opened
      FROM agents WHERE status <> 'retired' AND id % 5 IN (0, 1)) a;

INSERT INTO review_notices (review_id, key, event, created_at)
SELECT id, 'opened', 'review.opened', opened_at FROM reviews;

INSERT INTO notification_channels (name, url, secret, events, created_by, created_at, deleted_by, deleted_at)
VALUES ('old-webhook', 'https://hooks.example.com/warden', 'not-a-secret', ARRAY['review.opened'], 'admin',
        now() - interval '2 years', 'admin', now() - interval '1 day');

INSERT INTO deliveries (id, channel_id, event, review_id, notice_key, body, status, attempts, max_attempts,
                        next_attempt_at, last_status, created_at, delivered_at)
SELECT gen_random_uuid(), c.id, 'review.opened', r.id, 'opened',
       '{"event":"review.opened","notice":"opened","review":{"id":' || r.id || ',"agentId":' || r.agent_id || '}}',
       'delivered', 1, 8, r.opened_at, 200, r.opened_at, r.opened_at + interval '1 second'
FROM reviews r, notification_channels c;
