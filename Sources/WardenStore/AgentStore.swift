import Foundation
import PostgresNIO
import WardenCore

public struct AgentStore: Sendable {
    let database: Database
    let audit: AuditLog
    let clock: any WallClock

    public init(database: Database, audit: AuditLog, clock: any WallClock) {
        self.database = database
        self.audit = audit
        self.clock = clock
    }

    static let columns =
        "id, name, cluster, namespace, service_account, owner, purpose, risk_tier, status, labels::text, created_at, updated_at, version"

    public func create(_ fields: AgentFields, context: ChangeContext) async throws -> Agent {
        let now = clock.now()
        return try await database.withTransaction { connection in
            let rows = try await mapUniqueViolation(fields) {
                try await connection.query(
                    """
                    INSERT INTO agents (name, cluster, namespace, service_account, owner, purpose, risk_tier, status, labels, created_at, updated_at)
                    VALUES (\(fields.name), \(fields.cluster), \(fields.namespace), \(fields.serviceAccount), \(fields.owner),
                            \(fields.purpose), \(fields.riskTier.rawValue), \(fields.status.rawValue), \(try Self.labelsJSON(fields.labels))::jsonb, \(now), \(now))
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

    public func get(id: Int64) async throws -> Agent {
        let rows = try await database.withConnection { connection in
            try await connection.query("SELECT \(unescaped: Self.columns) FROM agents WHERE id = \(id)", logger: database.logger).collect()
        }
        guard let row = rows.first else { throw StoreError.notFound(what: "agent", id: String(id)) }
        return try Self.decode(row)
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
                        labels = \(try Self.labelsJSON(fields.labels))::jsonb, updated_at = \(now), version = version + 1
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

    static func decode(_ row: PostgresRow) throws -> Agent {
        let (id, name, cluster, namespace, serviceAccount, owner, purpose, tier, status, labels, createdAt, updatedAt, version) =
            try row.decode((Int64, String, String, String, String, String, String, String, String, String, Date, Date, Int64).self)
        guard let riskTier = RiskTier(rawValue: tier), let agentStatus = AgentStatus(rawValue: status),
            let labelMap = try? JSONDecoder().decode([String: String].self, from: Data(labels.utf8))
        else { throw StoreError.corruptRow("agents \(id)") }
        return Agent(
            id: id,
            fields: AgentFields(
                name: name, cluster: cluster, namespace: namespace, serviceAccount: serviceAccount, owner: owner,
                purpose: purpose, riskTier: riskTier, status: agentStatus, labels: labelMap),
            createdAt: createdAt, updatedAt: updatedAt, version: version)
    }
}
