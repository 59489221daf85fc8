import Foundation
import PostgresNIO
import WardenCore

public struct BaselineStore: Sendable {
    let database: Database
    let audit: AuditLog
    let clock: any WallClock

    public init(database: Database, audit: AuditLog, clock: any WallClock) {
        self.database = database
        self.audit = audit
        self.clock = clock
    }

    static let columns = """
        agent_id, version, status, grants::text, expectations::text, justification, digest, proposed_by, proposed_at,
        decided_by, decided_at, decision_reason, accepted_risk, superseded_at, findings::text
        """

    /// A stored version with the guardrail findings recorded when it was proposed (as JSON).
    public struct Row: Sendable {
        public var baseline: Baseline
        public var findingsJSON: String
    }

    /// Stores the next version of an agent that is not retired.
    public func propose(agentID: Int64, content: BaselineContent, findingsJSON: String, context: ChangeContext) async throws -> Row {
        let now = clock.now()
        return try await database.withTransaction { connection in
            try await Self.propose(
                agentID: agentID, content: content, findingsJSON: findingsJSON, at: now, audit: audit, context: context,
                on: connection, logger: database.logger)
        }
    }

    /// As `propose`, inside a caller's transaction (a review's `modify` decision proposes this way).
    static func propose(
        agentID: Int64, content: BaselineContent, findingsJSON: String, at now: Date, audit: AuditLog, context: ChangeContext,
        on connection: PostgresConnection, logger: Logger
    ) async throws -> Row {
        let grants = String(decoding: try CanonicalJSON.encode(content.grants), as: UTF8.self)
        let expectations = String(decoding: try CanonicalJSON.encode(content.expectations), as: UTF8.self)
        // Locking the agent serialises proposals, so versions are consecutive.
        let agents = try await connection.query(
            "SELECT status FROM agents WHERE id = \(agentID) FOR UPDATE", logger: logger
        ).collect()
        guard let agent = agents.first else { throw StoreError.notFound(what: "agent", id: String(agentID)) }
        if try agent.decode(String.self) == AgentStatus.retired.rawValue {
            throw StoreError.conflict("agent \(agentID) is retired; register it again to grant it anything")
        }
        let rows = try await connection.query(
            """
            INSERT INTO baselines (agent_id, version, status, grants, expectations, justification, findings, digest, proposed_by, proposed_at)
            SELECT \(agentID), COALESCE(max(version), 0) + 1, 'proposed', \(grants)::jsonb, \(expectations)::jsonb,
                   \(content.justification), \(findingsJSON)::jsonb, \(content.digest), \(context.actor), \(now)
            FROM baselines WHERE agent_id = \(agentID)
            RETURNING \(unescaped: Self.columns)
            """, logger: logger
        ).collect()
        guard let row = rows.first else { throw StoreError.corruptRow("INSERT INTO baselines returned nothing") }
        let stored = try Self.decode(row)
        try await audit.append(
            context.record(
                action: "baseline.propose", targetType: "baseline", targetID: "\(agentID)/\(stored.baseline.version)",
                stateDigest: try CanonicalJSON.digest(stored.baseline)),
            on: connection)
        return stored
    }

    public func list(agentID: Int64) async throws -> [Row] {
        try await database.all(
            "SELECT \(unescaped: Self.columns) FROM baselines WHERE agent_id = \(agentID) ORDER BY version DESC", decode: Self.decode)
    }

    public func get(agentID: Int64, version: Int) async throws -> Row {
        let rows = try await database.withConnection { connection in
            try await connection.query(
                "SELECT \(unescaped: Self.columns) FROM baselines WHERE agent_id = \(agentID) AND version = \(version)",
                logger: database.logger
            ).collect()
        }
        guard let row = rows.first else { throw StoreError.notFound(what: "baseline", id: "\(agentID)/\(version)") }
        return try Self.decode(row)
    }

    /// The approved version in force, if any.
    public func current(agentID: Int64) async throws -> Row? {
        let rows = try await database.withConnection { connection in
            try await connection.query(
                "SELECT \(unescaped: Self.columns) FROM baselines WHERE agent_id = \(agentID) AND status = 'approved'",
                logger: database.logger
            ).collect()
        }
        return try rows.first.map(Self.decode)
    }

    /// The approved versions in force for many agents at once, by agent.
    public func current(agentIDs: [Int64]) async throws -> [Int64: Row] {
        let rows = try await database.all(
            "SELECT \(unescaped: Self.columns) FROM baselines WHERE agent_id = ANY(\(agentIDs)) AND status = 'approved'", decode: Self.decode)
        return Dictionary(rows.map { ($0.baseline.agentID, $0) }, uniquingKeysWith: { first, _ in first })
    }

    /// Approves or rejects a proposed version. `check` sees the locked row and refuses by throwing;
    /// approving supersedes the version approved before, in the same transaction.
    public func decide(
        agentID: Int64, version: Int, approve: Bool, reason: String?, acceptedRisk: Bool, context: ChangeContext,
        check: @Sendable (Row) throws -> Void
    ) async throws -> Row {
        let now = clock.now()
        return try await database.withTransaction { connection in
            let rows = try await connection.query(
                "SELECT \(unescaped: Self.columns) FROM baselines WHERE agent_id = \(agentID) AND version = \(version) FOR UPDATE",
                logger: database.logger
            ).collect()
            guard let row = rows.first else { throw StoreError.notFound(what: "baseline", id: "\(agentID)/\(version)") }
            try check(try Self.decode(row))
            if approve {
                try await connection.query(
                    """
                    UPDATE baselines SET status = 'superseded', superseded_at = \(now)
                    WHERE agent_id = \(agentID) AND status = 'approved'
                    """, logger: database.logger)
            }
            let status = approve ? BaselineStatus.approved.rawValue : BaselineStatus.rejected.rawValue
            let updated = try await connection.query(
                """
                UPDATE baselines SET status = \(status), decided_by = \(context.actor), decided_at = \(now),
                    decision_reason = \(reason), accepted_risk = \(acceptedRisk)
                WHERE agent_id = \(agentID) AND version = \(version)
                RETURNING \(unescaped: Self.columns)
                """, logger: database.logger
            ).collect()
            guard let first = updated.first else { throw StoreError.notFound(what: "baseline", id: "\(agentID)/\(version)") }
            let stored = try Self.decode(first)
            if approve {
                try await ReviewStore.scheduleFirstReview(
                    agentID: agentID, at: now, audit: audit, context: context, on: connection, logger: database.logger)
            }
            try await audit.append(
                context.record(
                    action: approve ? (acceptedRisk ? "baseline.approve.accept-risk" : "baseline.approve") : "baseline.reject",
                    targetType: "baseline", targetID: "\(agentID)/\(version)", stateDigest: try CanonicalJSON.digest(stored.baseline)),
                on: connection)
            return stored
        }
    }

    static func decode(_ row: PostgresRow) throws -> Row {
        let (agentID, version, status, grants, expectations, justification, digest, proposedBy, proposedAt, decidedBy, decidedAt,
            reason, acceptedRisk, supersededAt, findings) =
            try row.decode(
                (Int64, Int, String, String, String, String, String, String, Date, String?, Date?, String?, Bool, Date?, String).self)
        let decoder = JSONDecoder()
        guard let status = BaselineStatus(rawValue: status),
            let grantList = try? decoder.decode([BaselineGrant].self, from: Data(grants.utf8)),
            let expected = try? decoder.decode(GuardrailExpectations.self, from: Data(expectations.utf8))
        else { throw StoreError.corruptRow("baselines \(agentID)/\(version)") }
        let baseline = Baseline(
            agentID: agentID, version: version, status: status,
            content: BaselineContent(grants: grantList, expectations: expected, justification: justification), digest: digest,
            proposedBy: proposedBy, proposedAt: proposedAt, decidedBy: decidedBy, decidedAt: decidedAt, decisionReason: reason,
            acceptedRisk: acceptedRisk, supersededAt: supersededAt)
        return Row(baseline: baseline, findingsJSON: findings)
    }
}
