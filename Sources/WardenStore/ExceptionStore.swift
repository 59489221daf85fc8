import Foundation
import PostgresNIO
import WardenCore

/// Justified, expiring exceptions to guardrail findings, per agent.
public struct ExceptionStore: Sendable {
    let database: Database
    let audit: AuditLog
    let clock: any WallClock

    static let columns =
        "id, agent_id, rule_id, object_scope, field_scope, justification, expires_at, created_by, created_at, revoked_by, revoked_at, created_by_token_id"

    public func create(
        agentID: Int64,
        ruleID: String,
        objectScope: String?,
        fieldScope: String?,
        justification: String,
        expiresAt: Date,
        context: ChangeContext
    ) async throws -> GuardrailExceptionRecord {
        let now = clock.now()
        return try await database.withTransaction { connection in
            _ = try await connection.one(
                "SELECT id FROM agents WHERE id = \(agentID)",
                logger: database.logger,
                orThrow: .notFound(what: "agent", id: String(agentID))
            ) { _ in true }
            let record = try await connection.returning(
                """
                INSERT INTO guardrail_exceptions (agent_id, rule_id, object_scope, field_scope, justification, expires_at, created_by,
                                                  created_by_token_id, created_at)
                VALUES (\(agentID), \(ruleID), \(objectScope), \(fieldScope), \(justification), \(expiresAt), \(context.actor),
                        \(context.tokenID), \(now))
                RETURNING \(unescaped: Self.columns)
                """,
                logger: database.logger,
                decode: Self.decode
            )
            try await audit.append(
                context.record(
                    action: "exception.create",
                    targetType: "exception",
                    targetID: String(record.id),
                    stateDigest: try CanonicalJSON.digest(record)
                ),
                on: connection
            )
            return record
        }
    }

    /// Every exception of the agent, newest first (expired and revoked ones too: they are history).
    public func list(agentID: Int64) async throws -> [GuardrailExceptionRecord] {
        try await database.all(
            "SELECT \(unescaped: Self.columns) FROM guardrail_exceptions WHERE agent_id = \(agentID) ORDER BY id DESC",
            decode: Self.decode
        )
    }

    /// Every exception of many agents at once, by agent.
    public func list(agentIDs: [Int64]) async throws -> [Int64: [GuardrailExceptionRecord]] {
        let records = try await database.all(
            "SELECT \(unescaped: Self.columns) FROM guardrail_exceptions WHERE agent_id = ANY(\(agentIDs)) ORDER BY id DESC",
            decode: Self.decode
        )
        return Dictionary(grouping: records, by: \.agentID)
    }

    public func revoke(agentID: Int64, id: Int64, context: ChangeContext) async throws -> GuardrailExceptionRecord {
        let now = clock.now()
        return try await database.withTransaction { connection in
            try await audit.applyOnce(
                on: connection,
                change: """
                    UPDATE guardrail_exceptions SET revoked_at = \(now), revoked_by = \(context.actor)
                    WHERE id = \(id) AND agent_id = \(agentID) AND revoked_at IS NULL
                    RETURNING \(unescaped: Self.columns)
                    """,
                current: "SELECT \(unescaped: Self.columns) FROM guardrail_exceptions WHERE id = \(id) AND agent_id = \(agentID)",
                notFound: .notFound(what: "exception", id: String(id)),
                decode: Self.decode
            ) { record in
                context.record(
                    action: "exception.revoke",
                    targetType: "exception",
                    targetID: String(id),
                    stateDigest: try CanonicalJSON.digest(record)
                )
            }
        }
    }

    static func decode(_ row: PostgresRow) throws -> GuardrailExceptionRecord {
        let (id, agentID, ruleID, objectScope, fieldScope, justification, expiresAt, createdBy, createdAt, revokedBy, revokedAt, createdByTokenID) =
            try row.decode((Int64, Int64, String, String?, String?, String, Date, String, Date, String?, Date?, Int64?).self)
        return GuardrailExceptionRecord(
            id: id,
            agentID: agentID,
            ruleID: ruleID,
            objectScope: objectScope,
            fieldScope: fieldScope,
            justification: justification,
            expiresAt: expiresAt,
            createdBy: createdBy,
            createdByTokenID: createdByTokenID,
            createdAt: createdAt,
            revokedBy: revokedBy,
            revokedAt: revokedAt
        )
    }
}
