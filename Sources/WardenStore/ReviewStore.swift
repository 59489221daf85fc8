import Foundation
import PostgresNIO
import WardenCore

/// Reviews, the review policy, and the scheduler's work on them. Every step that must happen
/// once (opening a review, queueing a notice) is guarded by a row lock or a unique key, so any
/// number of schedulers can run at once.
public struct ReviewStore: Sendable {
    let database: Database
    let audit: AuditLog
    let clock: any WallClock
    let notifications: NotificationStore
    let deliveryAttempts: Int

    static let columns = """
        r.id, r.agent_id, r.status, r.trigger, r.opened_by, r.opened_at, r.due_at, r.evidence::text, r.decision, r.reviewer,
        r.notes, r.decided_at, r.proposed_baseline_version, r.escalated_at, r.suspended_at
        """
    // MARK: Policy

    public func policy() async throws -> ReviewPolicy {
        try await database.withConnection { connection in try await ReviewRows.policy(on: connection, logger: database.logger) }
    }

    /// Replaces the policy. Open reviews are looked at again on the next pass, under the new one.
    public func setPolicy(_ policy: ReviewPolicy, context: ChangeContext) async throws -> ReviewPolicy {
        let now = clock.now()
        let json = String(decoding: try CanonicalJSON.encode(policy), as: UTF8.self)
        return try await database.withTransaction { connection in
            try await connection.query(
                """
                INSERT INTO review_policy (singleton, policy, updated_by, updated_at) VALUES (true, \(json)::jsonb, \(context.actor), \(now))
                ON CONFLICT (singleton) DO UPDATE SET policy = EXCLUDED.policy, updated_by = EXCLUDED.updated_by, updated_at = EXCLUDED.updated_at
                """,
                logger: database.logger
            )
            try await connection.query(
                "UPDATE reviews SET next_notice_at = \(now) WHERE status = 'open'",
                logger: database.logger
            )
            try await audit.append(
                context.record(
                    action: "review-policy.update",
                    targetType: "review-policy",
                    targetID: "current",
                    stateDigest: try CanonicalJSON.digest(policy)
                ),
                on: connection
            )
            return policy
        }
    }

    // MARK: Scheduling

    /// Agents whose review should be open by `now` and is not. `NOT a.review_open` (kept by a
    /// trigger on reviews) keeps agents whose review is open out of agents_next_review_due, so this
    /// reads what is due however many reviews wait for a reviewer. The NOT EXISTS is the exact
    /// check; OFFSET 0 keeps it a per-row probe of reviews_one_open under an ordered index scan
    /// that stops at the limit: never an anti join that, with statistics saying few reviews are
    /// open, re-reads every open one for each agent (bench/scheduler.sh: 60 million rows at 11,000).
    /// `excluding`: agents the caller is backing off from. Each row decodes on its own: a row that
    /// does not is returned as its failure, and the others are not held up by it.
    public func agentsDueForOpening(limit: Int, excluding: [Int64] = []) async throws -> [(id: Int64, agent: Result<Agent, any Error>)] {
        let now = clock.now()
        return try await database.withConnection { connection in
            let policy = try await ReviewRows.policy(on: connection, logger: database.logger)
            let threshold = now.addingTimeInterval(Double(policy.leadDays) * ReviewSchedule.day)
            return try await connection.all(
                """
                SELECT \(unescaped: AgentStore.columns) FROM agents a
                WHERE a.status <> 'retired' AND a.next_review_due IS NOT NULL AND NOT a.review_open
                  AND a.next_review_due <= \(threshold) AND NOT (a.id = ANY(\(excluding)))
                  AND NOT EXISTS (SELECT 1 FROM reviews r WHERE r.agent_id = a.id AND r.status = 'open' OFFSET 0)
                ORDER BY a.next_review_due LIMIT \(limit)
                """,
                logger: database.logger
            ) { row in (try row.decode(Int64.self), Result { try AgentStore.decode(row) }) }
        }
    }

    public enum OpenOutcome: Sendable {
        case opened(Review)
        /// Someone else opened it first, or it is no longer due (a scheduled opening only).
        case skipped
    }

    /// Opens a review of the agent. A scheduled opening re-checks, under the agent's row lock, that
    /// the review is still due and not open: that check is what makes replicas open it once.
    public func open(agentID: Int64, trigger: ReviewTrigger, evidence: ReviewEvidence, context: ChangeContext) async throws -> OpenOutcome {
        let now = clock.now()
        let evidenceJSON = String(decoding: try CanonicalJSON.encode(evidence), as: UTF8.self)
        return try await database.withTransaction { connection in
            let logger = database.logger
            let policy = try await ReviewRows.policy(on: connection, logger: logger)
            let agent = try await AgentStore.locked(agentID: agentID, on: connection, logger: logger)
            let open = try await connection.first(
                "SELECT id FROM reviews WHERE agent_id = \(agentID) AND status = 'open'",
                logger: logger
            ) { try $0.decode(Int64.self) }
            if let existing = open {
                if trigger == .schedule { return .skipped }
                throw StoreError.conflict("agent \(agentID) already has an open review: /v1/reviews/\(existing)")
            }
            guard agent.fields.status != .retired else {
                if trigger == .schedule { return .skipped }
                throw StoreError.conflict("agent \(agentID) is retired")
            }
            let due: Date
            switch trigger {
            case .schedule:
                guard let next = agent.fields.nextReviewDue, ReviewSchedule.opensAt(due: next, policy: policy) <= now else { return .skipped }
                due = next
            case .onDemand:
                // Opening early does not move the due date; with none set, it is one lead time away.
                due = agent.fields.nextReviewDue ?? now.addingTimeInterval(Double(max(policy.leadDays, 1)) * ReviewSchedule.day)
            }
            let review = try await connection.returning(
                """
                INSERT INTO reviews AS r (agent_id, status, trigger, opened_by, opened_at, due_at, evidence, next_notice_at)
                VALUES (\(agentID), 'open', \(trigger.rawValue), \(context.actor), \(now), \(due), \(evidenceJSON)::jsonb, \(now))
                RETURNING \(unescaped: Self.columns)
                """,
                logger: logger,
                decode: Self.decode
            )
            try await queue(.reviewOpened, key: "opened", review: review, agent: agent, now: now, on: connection)
            try await audit.append(
                context.record(
                    action: "review.open",
                    targetType: "review",
                    targetID: String(review.id),
                    stateDigest: try CanonicalJSON.digest(review)
                ),
                on: connection
            )
            return .opened(review)
        }
    }

    /// Queues what open reviews call for now (reminders, overdue repetitions, escalations) and
    /// applies the no-response policy, for up to `limit` reviews. Returns how many it looked at.
    public func processNotices(limit: Int) async throws -> Int {
        let now = clock.now()
        return try await database.withTransaction { connection in
            let logger = database.logger
            let policy = try await ReviewRows.policy(on: connection, logger: logger)
            let reviews = try await connection.all(
                """
                SELECT \(unescaped: Self.columns) FROM reviews r
                WHERE r.status = 'open' AND r.next_notice_at <= \(now)
                ORDER BY r.next_notice_at LIMIT \(limit)
                FOR UPDATE OF r SKIP LOCKED
                """,
                logger: logger,
                decode: Self.decode
            )
            let agents = try await AgentStore.byID(reviews.map(\.agentID), on: connection, logger: logger)
            for review in reviews {
                guard let agent = agents[review.agentID] else { throw StoreError.corruptRow("reviews \(review.id) names no agent") }
                try await processNotices(of: review, agent: agent, policy: policy, now: now, on: connection)
            }
            return reviews.count
        }
    }

    /// One review's notices and escalation, as the calendar and the no-response policy say.
    private func processNotices(
        of review: Review,
        agent: Agent,
        policy: ReviewPolicy,
        now: Date,
        on connection: PostgresConnection
    ) async throws {
        let logger = database.logger
        let plan = ReviewSchedule.plan(due: review.dueAt, now: now, policy: policy)
        for notice in plan.notices {
            try await queue(notice.event, key: notice.key, review: review, agent: agent, now: now, on: connection)
        }
        let escalation = ReviewConsequences.escalation(plan: plan, review: review, agentStatus: agent.fields.status, policy: policy)
        if escalation.escalate {
            try await connection.query("UPDATE reviews SET escalated_at = \(now) WHERE id = \(review.id)", logger: logger)
        }
        if escalation.suspend {
            let updated = try await AgentStore.suspend(agentID: agent.id, byReview: review.id, at: now, on: connection, logger: logger)
            try await connection.query("UPDATE reviews SET suspended_at = \(now) WHERE id = \(review.id)", logger: logger)
            try await audit.append(
                AuditRecord(
                    actor: "warden-scheduler",
                    tokenID: nil,
                    action: "agent.suspend.no-response",
                    targetType: "agent",
                    targetID: String(agent.id),
                    requestID: "review-\(review.id)",
                    stateDigest: try CanonicalJSON.digest(updated)
                ),
                on: connection
            )
        }
        try await connection.query("UPDATE reviews SET next_notice_at = \(plan.nextCheck) WHERE id = \(review.id)", logger: logger)
    }

    /// Records a notice once and queues its deliveries; a notice already recorded does nothing.
    private func queue(
        _ event: NotificationEvent,
        key: String,
        review: Review,
        agent: Agent,
        now: Date,
        on connection: PostgresConnection
    ) async throws {
        let inserted = try await connection.query(
            """
            INSERT INTO review_notices (review_id, key, event, created_at) VALUES (\(review.id), \(key), \(event.rawValue), \(now))
            ON CONFLICT DO NOTHING RETURNING key
            """,
            logger: database.logger
        ).collect()
        guard !inserted.isEmpty else { return }
        try await notifications.enqueue(
            event: event,
            notice: key,
            review: review,
            agent: agent,
            maxAttempts: deliveryAttempts,
            on: connection
        )
    }

    // MARK: Decisions

    public struct DecisionInput: Sendable {
        public var decision: ReviewDecisionKind
        public var notes: String?
        /// For `modify`: the proposal and the findings recorded with it.
        public var proposal: (content: BaselineContent, findings: [Finding])?

        public init(decision: ReviewDecisionKind, notes: String?, proposal: (content: BaselineContent, findings: [Finding])?) {
            self.decision = decision
            self.notes = notes
            self.proposal = proposal
        }
    }

    public struct Decided: Sendable {
        public var review: Review
        public var agent: Agent
        public var proposedBaseline: BaselineRecord?
    }

    /// Decides an open review. `ReviewDecisionRules.check` judges the locked review and agent, with
    /// the context's actor (and the tokens that created its token) as the reviewer; a `modify`
    /// proposes its baseline in the same transaction, and a `revoke` that leaves the agent
    /// suspended records the review as the suspension's cause.
    public func decide(reviewID: Int64, input: DecisionInput, context: ChangeContext) async throws -> Decided {
        let now = clock.now()
        return try await database.withTransaction { connection in
            let logger = database.logger
            let policy = try await ReviewRows.policy(on: connection, logger: logger)
            let review = try await connection.one(
                "SELECT \(unescaped: Self.columns) FROM reviews r WHERE r.id = \(reviewID) FOR UPDATE",
                logger: logger,
                orThrow: Self.notFound(reviewID),
                decode: Self.decode
            )
            var agent = try await AgentStore.locked(agentID: review.agentID, on: connection, logger: logger)
            let lineage = try await TokenRows.lineage(of: [context.tokenID].compactMap { $0 }, on: connection, logger: logger)
            try ReviewDecisionRules.check(review: review, reviewer: lineage.identity(of: context.attribution), owner: agent.fields.owner)

            var proposed: BaselineRecord?
            if input.decision == .modify, let proposal = input.proposal {
                proposed = try await BaselineRows.propose(
                    agentID: agent.id,
                    content: proposal.content,
                    findings: proposal.findings,
                    at: now,
                    audit: audit,
                    context: context,
                    on: connection,
                    logger: logger
                )
            }
            let completed = try await connection.returning(
                """
                UPDATE reviews r SET status = 'completed', decision = \(input.decision.rawValue), reviewer = \(context.actor),
                    reviewer_token_id = \(context.tokenID), notes = \(input.notes), decided_at = \(now),
                    proposed_baseline_version = \(proposed?.baseline.version), next_notice_at = NULL
                WHERE r.id = \(reviewID) RETURNING \(unescaped: Self.columns)
                """,
                logger: logger,
                decode: Self.decode
            )

            let after = ReviewConsequences.afterDecision(input.decision, agent: agent.fields, at: now, policy: policy)
            agent = try await AgentStore.setNextReviewDue(agentID: agent.id, due: after.nextReviewDue, at: now, on: connection, logger: logger)
            if after.suspend {
                agent = try await AgentStore.suspend(agentID: agent.id, byReview: reviewID, at: now, on: connection, logger: logger)
            }
            try await queue(.reviewCompleted, key: "completed", review: completed, agent: agent, now: now, on: connection)
            try await audit.append(
                context.record(
                    action: "review.\(input.decision.rawValue)",
                    targetType: "review",
                    targetID: String(reviewID),
                    stateDigest: try CanonicalJSON.digest(completed)
                ),
                on: connection
            )
            try await audit.append(
                context.record(
                    action: "agent.review-decided",
                    targetType: "agent",
                    targetID: String(agent.id),
                    stateDigest: try CanonicalJSON.digest(agent)
                ),
                on: connection
            )
            return Decided(review: completed, agent: agent, proposedBaseline: proposed)
        }
    }

    // MARK: Reading

    public enum StatusFilter: String, Sendable, CaseIterable {
        case open, overdue, completed
    }

    public struct Filter: Sendable {
        public var status: StatusFilter?
        public var agentID: Int64?
        public var reviewer: String?

        public init(status: StatusFilter? = nil, agentID: Int64? = nil, reviewer: String? = nil) {
            self.status = status
            self.agentID = agentID
            self.reviewer = reviewer
        }
    }

    /// Oldest first; `afterID` is the cursor.
    public func list(_ filter: Filter, afterID: Int64, limit: Int) async throws -> [Review] {
        let now = clock.now()
        let status = filter.status == .overdue ? "open" : filter.status?.rawValue
        let overdueOnly = filter.status == .overdue
        return try await database.all(
            """
            SELECT \(unescaped: Self.columns) FROM reviews r
            WHERE r.id > \(afterID)
              AND (\(status)::text IS NULL OR r.status = \(status))
              AND (NOT \(overdueOnly) OR r.due_at < \(now))
              AND (\(filter.agentID)::bigint IS NULL OR r.agent_id = \(filter.agentID))
              AND (\(filter.reviewer)::text IS NULL OR r.reviewer = \(filter.reviewer))
            ORDER BY r.id LIMIT \(limit)
            """,
            decode: Self.decode
        )
    }

    public func get(id: Int64) async throws -> Review {
        try await database.one(
            "SELECT \(unescaped: Self.columns) FROM reviews r WHERE r.id = \(id)",
            orThrow: Self.notFound(id),
            decode: Self.decode
        )
    }

    static func notFound(_ id: Int64) -> StoreError { .notFound(what: "review", id: String(id)) }

    /// Where each agent stands, for reports: its open review's due date and its last decision.
    public struct AgentReviewRecord: Sendable, Hashable {
        public var openReviewID: Int64?
        public var openReviewDue: Date?
        public var lastDecision: ReviewDecisionKind?
        public var lastDecidedAt: Date?
    }

    public func reviewRecords(agentIDs: [Int64]) async throws -> [Int64: AgentReviewRecord] {
        guard !agentIDs.isEmpty else { return [:] }
        return try await database.withConnection { connection in
            var out: [Int64: AgentReviewRecord] = [:]
            for try await (agentID, openID, openDue, decision, decidedAt) in try await connection.query(
                """
                SELECT a.id,
                       (SELECT r.id FROM reviews r WHERE r.agent_id = a.id AND r.status = 'open'),
                       (SELECT r.due_at FROM reviews r WHERE r.agent_id = a.id AND r.status = 'open'),
                       last.decision, last.decided_at
                FROM unnest(\(agentIDs)::bigint[]) AS a(id)
                LEFT JOIN LATERAL (
                    SELECT decision, decided_at FROM reviews r WHERE r.agent_id = a.id AND r.status = 'completed'
                    ORDER BY r.decided_at DESC LIMIT 1
                ) last ON true
                """,
                logger: database.logger
            ).decode((Int64, Int64?, Date?, String?, Date?).self) {
                out[agentID] = AgentReviewRecord(
                    openReviewID: openID,
                    openReviewDue: openDue,
                    lastDecision: decision.flatMap(ReviewDecisionKind.init(rawValue:)),
                    lastDecidedAt: decidedAt
                )
            }
            return out
        }
    }

    static func decode(_ row: PostgresRow) throws -> Review {
        let columns = row.makeRandomAccess()
        let id = try columns[0].decode(Int64.self)
        let agentID = try columns[1].decode(Int64.self)
        let statusText = try columns[2].decode(String.self)
        let triggerText = try columns[3].decode(String.self)
        let openedBy = try columns[4].decode(String.self)
        let openedAt = try columns[5].decode(Date.self)
        let dueAt = try columns[6].decode(Date.self)
        let evidenceText = try columns[7].decode(String.self)
        let decisionText = try columns[8].decode(String?.self)
        let reviewer = try columns[9].decode(String?.self)
        let notes = try columns[10].decode(String?.self)
        let decidedAt = try columns[11].decode(Date?.self)
        let proposedVersion = try columns[12].decode(Int?.self)
        let escalatedAt = try columns[13].decode(Date?.self)
        let suspendedAt = try columns[14].decode(Date?.self)
        guard let status = ReviewStatus(rawValue: statusText), let trigger = ReviewTrigger(rawValue: triggerText),
            let evidence = try? CanonicalJSON.decode(ReviewEvidence.self, from: Array(evidenceText.utf8))
        else { throw StoreError.corruptRow("reviews \(id)") }
        var decision: ReviewDecision?
        if let decisionText, let reviewer, let decidedAt {
            guard let kind = ReviewDecisionKind(rawValue: decisionText) else { throw StoreError.corruptRow("reviews \(id)") }
            decision = ReviewDecision(
                decision: kind,
                reviewer: reviewer,
                notes: notes,
                decidedAt: decidedAt,
                proposedBaselineVersion: proposedVersion
            )
        }
        return Review(
            id: id,
            agentID: agentID,
            status: status,
            trigger: trigger,
            openedBy: openedBy,
            openedAt: openedAt,
            dueAt: dueAt,
            evidence: evidence,
            decision: decision,
            escalatedAt: escalatedAt,
            suspendedAt: suspendedAt
        )
    }
}
