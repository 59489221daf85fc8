import Foundation
import PostgresNIO
import WardenCore

/// Versions of each agent's approved permissions: proposed, then approved or rejected by someone else.
public struct BaselineStore: Sendable {
    let database: Database
    let audit: AuditLog
    let clock: any WallClock

    /// Stores the next version of an agent that is not retired, with the findings it was proposed with.
    public func propose(agentID: Int64, content: BaselineContent, findings: [Finding], context: ChangeContext) async throws -> BaselineRecord {
        let now = clock.now()
        return try await database.withTransaction { connection in
            try await BaselineRows.propose(
                agentID: agentID,
                content: content,
                findings: findings,
                at: now,
                audit: audit,
                context: context,
                on: connection,
                logger: database.logger
            )
        }
    }

    public func list(agentID: Int64) async throws -> [BaselineRecord] {
        try await database.all(
            "SELECT \(unescaped: BaselineRows.columns) FROM baselines WHERE agent_id = \(agentID) ORDER BY version DESC",
            decode: BaselineRows.decode
        )
    }

    public func get(agentID: Int64, version: Int) async throws -> BaselineRecord {
        try await database.one(
            "SELECT \(unescaped: BaselineRows.columns) FROM baselines WHERE agent_id = \(agentID) AND version = \(version)",
            orThrow: Self.notFound(agentID, version),
            decode: BaselineRows.decode
        )
    }

    /// The approved version in force, if any.
    public func current(agentID: Int64) async throws -> BaselineRecord? {
        try await database.first(
            "SELECT \(unescaped: BaselineRows.columns) FROM baselines WHERE agent_id = \(agentID) AND status = 'approved'",
            decode: BaselineRows.decode
        )
    }

    /// The approved versions in force for many agents at once, by agent.
    public func current(agentIDs: [Int64]) async throws -> [Int64: BaselineRecord] {
        let rows = try await database.all(
            "SELECT \(unescaped: BaselineRows.columns) FROM baselines WHERE agent_id = ANY(\(agentIDs)) AND status = 'approved'",
            decode: BaselineRows.decode
        )
        return Dictionary(rows.map { ($0.baseline.agentID, $0) }, uniquingKeysWith: { first, _ in first })
    }

    /// Approves or rejects a proposed version. The decision's rules are checked against the locked
    /// row, with the lineage of the proposer's, the decider's and the exceptions' tokens; approving
    /// supersedes the version approved before, and schedules the agent's first review, in the same
    /// transaction.
    public func decide(agentID: Int64, version: Int, decision: BaselineDecision, context: ChangeContext) async throws -> BaselineRecord {
        let now = decision.at
        return try await database.withTransaction { connection in
            let logger = database.logger
            let locked = try await connection.one(
                "SELECT \(unescaped: BaselineRows.columns) FROM baselines WHERE agent_id = \(agentID) AND version = \(version) FOR UPDATE",
                logger: logger,
                orThrow: Self.notFound(agentID, version),
                decode: BaselineRows.decode
            )
            let lineage = try await TokenRows.lineage(of: decision.tokenIDs(for: locked), on: connection, logger: logger)
            try decision.check(locked, lineage: lineage)
            if decision.approves {
                try await connection.query(
                    """
                    UPDATE baselines SET status = 'superseded', superseded_at = \(now)
                    WHERE agent_id = \(agentID) AND status = 'approved'
                    """,
                    logger: logger
                )
            }
            let status = decision.approves ? BaselineStatus.approved.rawValue : BaselineStatus.rejected.rawValue
            let stored = try await connection.returning(
                """
                UPDATE baselines SET status = \(status), decided_by = \(context.actor), decided_at = \(now),
                    decision_reason = \(decision.reason), accepted_risk = \(decision.acceptsRisk)
                WHERE agent_id = \(agentID) AND version = \(version)
                RETURNING \(unescaped: BaselineRows.columns)
                """,
                logger: logger,
                decode: BaselineRows.decode
            )
            if decision.approves {
                try await ReviewRows.scheduleFirstReview(agentID: agentID, at: now, audit: audit, context: context, on: connection, logger: logger)
            }
            try await audit.append(
                context.record(
                    action: decision.approves ? (decision.acceptsRisk ? "baseline.approve.accept-risk" : "baseline.approve") : "baseline.reject",
                    targetType: "baseline",
                    targetID: "\(agentID)/\(version)",
                    stateDigest: try CanonicalJSON.digest(stored.baseline)
                ),
                on: connection
            )
            return stored
        }
    }

    static func notFound(_ agentID: Int64, _ version: Int) -> StoreError { .notFound(what: "baseline", id: "\(agentID)/\(version)") }
}
