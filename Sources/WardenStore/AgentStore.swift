import Foundation
import PostgresNIO
import WardenCore

public struct AgentStore: Sendable {
    let database: Database
    let audit: AuditLog
    let clock: any WallClock

    /// A row that does not decode fails only the reads of that agent, not the whole batch.
    private let reads: BatchedLookup<Int64, Result<Agent, any Error>>

    init(database: Database, audit: AuditLog, clock: any WallClock) {
        self.database = database
        self.audit = audit
        self.clock = clock
        self.reads = BatchedLookup { body in
            try await database.withConnection { connection in
                try await body { ids in
                    var agents: [Int64: Result<Agent, any Error>] = [:]
                    for try await row in try await connection.execute(AgentsByID(ids: ids), logger: database.logger) {
                        let id = try row.makeRandomAccess()[0].decode(Int64.self)
                        agents[id] = Result { try Self.decode(row) }
                    }
                    return agents
                }
            }
        }
    }

    static let columns =
        "id, name, cluster, namespace, service_account, owner, purpose, risk_tier, status, labels::text, created_at, updated_at, version, escalation_contact, review_interval_days, next_review_due"

    public func create(_ fields: AgentFields, context: ChangeContext) async throws -> Agent {
        let now = clock.now()
        return try await database.withTransaction { connection in
            let agent = try await mapUniqueViolation(fields) {
                try await connection.returning(
                    """
                    INSERT INTO agents (name, cluster, namespace, service_account, owner, purpose, risk_tier, status, labels, created_at, updated_at,
                                        escalation_contact, review_interval_days, next_review_due)
                    VALUES (\(fields.name), \(fields.cluster), \(fields.namespace), \(fields.serviceAccount), \(fields.owner),
                            \(fields.purpose), \(fields.riskTier.rawValue), \(fields.status.rawValue), \(try Self.labelsJSON(fields.labels))::jsonb, \(now), \(now),
                            \(fields.escalationContact), \(fields.reviewIntervalDays), \(fields.nextReviewDue))
                    RETURNING \(unescaped: Self.columns)
                    """,
                    logger: database.logger,
                    decode: Self.decode
                )
            }
            try await audit.append(
                context.record(action: "agent.create", targetType: "agent", targetID: String(agent.id), stateDigest: try CanonicalJSON.digest(agent)),
                on: connection
            )
            return agent
        }
    }

    /// The agent as of a query that started after this call. Concurrent reads share queries
    /// (BatchedLookup), which is most of what GET /v1/agents/{id} costs under load.
    public func get(id: Int64) async throws -> Agent {
        guard let agent = try await reads.value(for: id) else { throw StoreError.notFound(what: "agent", id: String(id)) }
        return try agent.get()
    }

    public struct Filter: Sendable {
        public var cluster: String?
        public var namespace: String?
        public var owner: String?
        public var riskTier: RiskTier?
        public var status: AgentStatus?
        public var labels: [String: String]

        public init(
            cluster: String? = nil,
            namespace: String? = nil,
            owner: String? = nil,
            riskTier: RiskTier? = nil,
            status: AgentStatus? = nil,
            labels: [String: String] = [:]
        ) {
            self.cluster = cluster
            self.namespace = namespace
            self.owner = owner
            self.riskTier = riskTier
            self.status = status
            self.labels = labels
        }
    }

    /// Oldest first; `afterID` is the cursor.
    public func list(_ filter: Filter, afterID: Int64, limit: Int) async throws -> [Agent] {
        let labels: String? = filter.labels.isEmpty ? nil : try Self.labelsJSON(filter.labels)
        return try await database.all(
            """
            SELECT \(unescaped: Self.columns) FROM agents
            WHERE id > \(afterID)
              AND (\(filter.cluster)::text IS NULL OR cluster = \(filter.cluster))
              AND (\(filter.namespace)::text IS NULL OR namespace = \(filter.namespace))
              AND (\(filter.owner)::text IS NULL OR owner = \(filter.owner))
              AND (\(filter.riskTier?.rawValue)::text IS NULL OR risk_tier = \(filter.riskTier?.rawValue))
              AND (\(filter.status?.rawValue)::text IS NULL OR status = \(filter.status?.rawValue))
              AND (\(labels)::jsonb IS NULL OR labels @> \(labels)::jsonb)
            ORDER BY id LIMIT \(limit)
            """,
            decode: Self.decode
        )
    }

    /// Every agent of a cluster that is not retired, a page at a time.
    public func active(cluster: String) async throws -> [Agent] {
        var agents: [Agent] = []
        var after: Int64 = 0
        while true {
            let page = try await list(Filter(cluster: cluster), afterID: after, limit: 500)
            agents += page.filter { $0.fields.status != .retired }
            guard page.count == 500, let last = page.last else { return agents }
            after = last.id
        }
    }

    /// Writes new fields if the stored version is still `expectedVersion` (nil: unconditionally).
    /// Two writers holding the same version: exactly one succeeds, the other gets `preconditionFailed`.
    /// Under the agent's lock, reactivating an agent a review suspended is judged by
    /// `AgentChange.checkReactivation`, and a move to another ServiceAccount takes its approved
    /// baseline out of force (`AgentChange.withdrawsApproval`), in the same transaction.
    public func update(id: Int64, expectedVersion: Int64?, change: AgentChange, context: ChangeContext) async throws -> Agent {
        let now = clock.now()
        return try await database.withTransaction { connection in
            let logger = database.logger
            let current = try await Self.locked(agentID: id, on: connection, logger: logger)
            if let expectedVersion, expectedVersion != current.version {
                throw StoreError.preconditionFailed(current: current.etag)
            }
            let fields = try change.apply(to: current.fields)
            if fields == current.fields { return current }
            if AgentChange.reactivates(from: current.fields, to: fields),
                let suspension = try await Self.reviewSuspension(agentID: id, on: connection, logger: logger)
            {
                let lineage = try await TokenRows.lineage(
                    of: [context.tokenID, suspension.revokedBy?.tokenID].compactMap { $0 },
                    on: connection,
                    logger: logger
                )
                try AgentChange.checkReactivation(
                    from: current.fields,
                    to: fields,
                    suspension: suspension,
                    by: lineage.identity(of: context.attribution),
                    revoker: suspension.revokedBy.map(lineage.identity(of:))
                )
            }
            let agent = try await mapUniqueViolation(fields) {
                try await connection.returning(
                    """
                    UPDATE agents SET name = \(fields.name), cluster = \(fields.cluster), namespace = \(fields.namespace),
                        service_account = \(fields.serviceAccount), owner = \(fields.owner), purpose = \(fields.purpose),
                        risk_tier = \(fields.riskTier.rawValue), status = \(fields.status.rawValue),
                        labels = \(try Self.labelsJSON(fields.labels))::jsonb, escalation_contact = \(fields.escalationContact),
                        review_interval_days = \(fields.reviewIntervalDays), next_review_due = \(fields.nextReviewDue),
                        suspended_by_review = CASE WHEN status = \(fields.status.rawValue) THEN suspended_by_review END,
                        updated_at = \(now), version = version + 1
                    WHERE id = \(id)
                    RETURNING \(unescaped: Self.columns)
                    """,
                    logger: logger,
                    decode: Self.decode
                )
            }
            try await audit.append(
                context.record(action: change.action, targetType: "agent", targetID: String(id), stateDigest: try CanonicalJSON.digest(agent)),
                on: connection
            )
            if AgentChange.withdrawsApproval(from: current.fields, to: fields) {
                try await BaselineRows.withdrawApproval(agentID: id, at: now, audit: audit, context: context, on: connection, logger: logger)
            }
            return agent
        }
    }

    private func mapUniqueViolation<R>(_ fields: AgentFields, _ body: () async throws -> R) async throws -> R {
        do {
            return try await body()
        } catch let error as PSQLError where error.serverInfo?[.sqlState] == "23505" {
            throw StoreError.conflict(
                "an agent that is not retired already uses ServiceAccount \(fields.namespace)/\(fields.serviceAccount) in cluster \(fields.cluster)"
            )
        }
    }

    static func labelsJSON(_ labels: [String: String]) throws -> String {
        String(decoding: try CanonicalJSON.encode(labels), as: UTF8.self)
    }

    static func decode(_ row: PostgresRow) throws -> Agent {
        let (id, name, cluster, namespace, serviceAccount, owner, purpose, tier, status, labels, createdAt, updatedAt, version) =
            try row.decode((Int64, String, String, String, String, String, String, String, String, String, Date, Date, Int64).self)
        let columns = row.makeRandomAccess()
        guard let riskTier = RiskTier(rawValue: tier), let agentStatus = AgentStatus(rawValue: status),
            let labelMap = try? JSONDecoder().decode([String: String].self, from: Data(labels.utf8))
        else { throw StoreError.corruptRow("agents \(id)") }
        return Agent(
            id: id,
            fields: AgentFields(
                name: name,
                cluster: cluster,
                namespace: namespace,
                serviceAccount: serviceAccount,
                owner: owner,
                purpose: purpose,
                riskTier: riskTier,
                status: agentStatus,
                labels: labelMap,
                escalationContact: try columns[13].decode(String?.self),
                reviewIntervalDays: try columns[14].decode(Int?.self),
                nextReviewDue: try columns[15].decode(Date?.self)
            ),
            createdAt: createdAt,
            updatedAt: updatedAt,
            version: version
        )
    }

    /// The agent, its row locked until the caller's transaction ends.
    static func locked(agentID: Int64, on connection: PostgresConnection, logger: Logger) async throws -> Agent {
        try await connection.one(
            "SELECT \(unescaped: columns) FROM agents WHERE id = \(agentID) FOR UPDATE",
            logger: logger,
            orThrow: .notFound(what: "agent", id: String(agentID)),
            decode: decode
        )
    }

    /// Many agents at once, inside a caller's transaction, by id.
    static func byID(_ ids: [Int64], on connection: PostgresConnection, logger: Logger) async throws -> [Int64: Agent] {
        let agents = try await connection.all(
            "SELECT \(unescaped: columns) FROM agents WHERE id = ANY(\(ids))",
            logger: logger,
            decode: decode
        )
        return Dictionary(agents.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
    }

    /// Changes Warden makes itself, inside a caller's transaction (which records them in the audit trail).
    static func setNextReviewDue(agentID: Int64, due: Date, at now: Date, on connection: PostgresConnection, logger: Logger) async throws -> Agent {
        try await change(
            agentID: agentID,
            on: connection,
            logger: logger,
            "UPDATE agents SET next_review_due = \(due), updated_at = \(now), version = version + 1 WHERE id = \(agentID) RETURNING \(unescaped: columns)"
        )
    }

    /// Suspends the agent because of a review (a revoke, or nobody deciding in time), which it
    /// records until the status next changes: reactivating then needs a second person.
    static func suspend(
        agentID: Int64,
        byReview reviewID: Int64,
        at now: Date,
        on connection: PostgresConnection,
        logger: Logger
    ) async throws -> Agent {
        try await change(
            agentID: agentID,
            on: connection,
            logger: logger,
            """
            UPDATE agents SET status = 'suspended', suspended_by_review = \(reviewID), updated_at = \(now), version = version + 1
            WHERE id = \(agentID) RETURNING \(unescaped: columns)
            """
        )
    }

    /// How a review suspended the agent, if one did and its status has not changed since.
    static func reviewSuspension(agentID: Int64, on connection: PostgresConnection, logger: Logger) async throws -> AgentChange.ReviewSuspension? {
        try await connection.first(
            """
            SELECT r.id, r.decision, r.reviewer, r.reviewer_token_id FROM agents a JOIN reviews r ON r.id = a.suspended_by_review
            WHERE a.id = \(agentID)
            """,
            logger: logger
        ) { row in
            let (reviewID, decision, reviewer, reviewerTokenID) = try row.decode((Int64, String?, String?, Int64?).self)
            guard decision == ReviewDecisionKind.revoke.rawValue, let reviewer else {
                return AgentChange.ReviewSuspension(reviewID: reviewID, revokedBy: nil)
            }
            return AgentChange.ReviewSuspension(reviewID: reviewID, revokedBy: Attribution(name: reviewer, tokenID: reviewerTokenID))
        }
    }

    private static func change(agentID: Int64, on connection: PostgresConnection, logger: Logger, _ query: PostgresQuery) async throws -> Agent {
        try await connection.one(query, logger: logger, orThrow: .notFound(what: "agent", id: String(agentID)), decode: decode)
    }
}
