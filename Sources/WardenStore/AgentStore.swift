import Foundation
import PostgresNIO
import WardenCore

public struct AgentStore: Sendable {
    let database: Database
    let audit: AuditLog
    let clock: any WallClock

    /// A row that does not decode fails only the reads of that agent, not the whole batch.
    private let reads: BatchedLookup<Int64, Result<Agent, any Error>>

    public init(database: Database, audit: AuditLog, clock: any WallClock) {
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
            let rows = try await mapUniqueViolation(fields) {
                try await connection.query(
                    """
                    INSERT INTO agents (name, cluster, namespace, service_account, owner, purpose, risk_tier, status, labels, created_at, updated_at,
                                        escalation_contact, review_interval_days, next_review_due)
                    VALUES (\(fields.name), \(fields.cluster), \(fields.namespace), \(fields.serviceAccount), \(fields.owner),
                            \(fields.purpose), \(fields.riskTier.rawValue), \(fields.status.rawValue), \(try Self.labelsJSON(fields.labels))::jsonb, \(now), \(now),
                            \(fields.escalationContact), \(fields.reviewIntervalDays), \(fields.nextReviewDue))
                    RETURNING \(unescaped: Self.columns)
                    """, logger: database.logger
                ).collect()
            }
            guard let row = rows.first else { throw StoreError.corruptRow("INSERT INTO agents returned nothing") }
            let agent = try Self.decode(row)
            try await audit.append(
                context.record(action: "agent.create", targetType: "agent", targetID: String(agent.id), stateDigest: try CanonicalJSON.digest(agent)),
                on: connection)
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
            cluster: String? = nil, namespace: String? = nil, owner: String? = nil, riskTier: RiskTier? = nil,
            status: AgentStatus? = nil, labels: [String: String] = [:]
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
        return try await database.withConnection { connection in
            var agents: [Agent] = []
            for try await row in try await connection.query(
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
                """, logger: database.logger)
            {
                agents.append(try Self.decode(row))
            }
            return agents
        }
    }

    /// Writes new fields if the stored version is still `expectedVersion` (nil: unconditionally).
    /// Two writers holding the same version: exactly one succeeds, the other gets `preconditionFailed`.
    public func update(
        id: Int64, expectedVersion: Int64?, action: String, context: ChangeContext,
        change: @Sendable (AgentFields) throws -> AgentFields
    ) async throws -> Agent {
        let now = clock.now()
        return try await database.withTransaction { connection in
            let currentRows = try await connection.query(
                "SELECT \(unescaped: Self.columns) FROM agents WHERE id = \(id) FOR UPDATE", logger: database.logger
            ).collect()
            guard let currentRow = currentRows.first else { throw StoreError.notFound(what: "agent", id: String(id)) }
            let current = try Self.decode(currentRow)
            if let expectedVersion, expectedVersion != current.version {
                throw StoreError.preconditionFailed(current: current.etag)
            }
            let fields = try change(current.fields)
            if fields == current.fields { return current }
            let rows = try await mapUniqueViolation(fields) {
                try await connection.query(
                    """
                    UPDATE agents SET name = \(fields.name), cluster = \(fields.cluster), namespace = \(fields.namespace),
                        service_account = \(fields.serviceAccount), owner = \(fields.owner), purpose = \(fields.purpose),
                        risk_tier = \(fields.riskTier.rawValue), status = \(fields.status.rawValue),
                        labels = \(try Self.labelsJSON(fields.labels))::jsonb, escalation_contact = \(fields.escalationContact),
                        review_interval_days = \(fields.reviewIntervalDays), next_review_due = \(fields.nextReviewDue),
                        updated_at = \(now), version = version + 1
                    WHERE id = \(id)
                    RETURNING \(unescaped: Self.columns)
                    """, logger: database.logger
                ).collect()
            }
            guard let row = rows.first else { throw StoreError.notFound(what: "agent", id: String(id)) }
            let agent = try Self.decode(row)
            try await audit.append(
                context.record(action: action, targetType: "agent", targetID: String(id), stateDigest: try CanonicalJSON.digest(agent)),
                on: connection)
            return agent
        }
    }

    private func mapUniqueViolation<R>(_ fields: AgentFields, _ body: () async throws -> R) async throws -> R {
        do {
            return try await body()
        } catch let error as PSQLError where error.serverInfo?[.sqlState] == "23505" {
            throw StoreError.conflict(
                "an agent that is not retired already uses ServiceAccount \(fields.namespace)/\(fields.serviceAccount) in cluster \(fields.cluster)")
        }
    }

    static func labelsJSON(_ labels: [String: String]) throws -> String {
        String(decoding: try CanonicalJSON.encode(labels), as: UTF8.self)
    }

    static func decode(_ row: PostgresRow, offset: Int = 0) throws -> Agent {
        let c = row.makeRandomAccess()
        func at<T: PostgresDecodable>(_ i: Int, _ type: T.Type) throws -> T { try c[offset + i].decode(T.self) }
        let id = try at(0, Int64.self)
        let tier = try at(7, String.self), status = try at(8, String.self), labels = try at(9, String.self)
        guard let riskTier = RiskTier(rawValue: tier), let agentStatus = AgentStatus(rawValue: status),
            let labelMap = try? JSONDecoder().decode([String: String].self, from: Data(labels.utf8))
        else { throw StoreError.corruptRow("agents \(id)") }
        return Agent(
            id: id,
            fields: AgentFields(
                name: try at(1, String.self), cluster: try at(2, String.self), namespace: try at(3, String.self),
                serviceAccount: try at(4, String.self), owner: try at(5, String.self), purpose: try at(6, String.self),
                riskTier: riskTier, status: agentStatus, labels: labelMap,
                escalationContact: try at(13, String?.self), reviewIntervalDays: try at(14, Int?.self), nextReviewDue: try at(15, Date?.self)),
            createdAt: try at(10, Date.self), updatedAt: try at(11, Date.self), version: try at(12, Int64.self))
    }

    /// The agent, its row locked until the caller's transaction ends.
    static func locked(agentID: Int64, on connection: PostgresConnection, logger: Logger) async throws -> Agent {
        let rows = try await connection.query(
            "SELECT \(unescaped: columns) FROM agents WHERE id = \(agentID) FOR UPDATE", logger: logger
        ).collect()
        guard let row = rows.first else { throw StoreError.notFound(what: "agent", id: String(agentID)) }
        return try decode(row)
    }

    /// Changes Warden makes itself, inside a caller's transaction (which records them in the audit trail).
    static func setNextReviewDue(agentID: Int64, due: Date, at now: Date, on connection: PostgresConnection, logger: Logger) async throws -> Agent {
        try await change(agentID: agentID, on: connection, logger: logger,
                         "UPDATE agents SET next_review_due = \(due), updated_at = \(now), version = version + 1 WHERE id = \(agentID) RETURNING \(unescaped: columns)")
    }

    static func setStatus(agentID: Int64, status: AgentStatus, at now: Date, on connection: PostgresConnection, logger: Logger) async throws -> Agent {
        try await change(agentID: agentID, on: connection, logger: logger,
                         "UPDATE agents SET status = \(status.rawValue), updated_at = \(now), version = version + 1 WHERE id = \(agentID) RETURNING \(unescaped: columns)")
    }

    private static func change(agentID: Int64, on connection: PostgresConnection, logger: Logger, _ query: PostgresQuery) async throws -> Agent {
        guard let row = try await connection.query(query, logger: logger).collect().first else {
            throw StoreError.notFound(what: "agent", id: String(agentID))
        }
        return try decode(row)
    }
}
