import Foundation
import Logging
import PostgresNIO
import WardenCore

/// Baseline rows as any transaction writes them: a proposal is made by `POST .../baselines` and by
/// a review's `modify` decision alike, so both stores use this, and neither calls the other.
enum BaselineRows {
    static let columns = """
        agent_id, version, status, grants::text, expectations::text, justification, digest, proposed_by, proposed_at,
        decided_by, decided_at, decision_reason, accepted_risk, superseded_at, findings::text, proposed_by_token_id
        """

    /// Stores the next version of an agent that is not retired, inside the caller's transaction.
    static func propose(
        agentID: Int64,
        content: BaselineContent,
        findings: [Finding],
        at now: Date,
        audit: AuditLog,
        context: ChangeContext,
        on connection: PostgresConnection,
        logger: Logger
    ) async throws -> BaselineRecord {
        let grants = String(decoding: try CanonicalJSON.encode(content.grants), as: UTF8.self)
        let expectations = String(decoding: try CanonicalJSON.encode(content.expectations), as: UTF8.self)
        let findingsJSON = String(decoding: try CanonicalJSON.encode(findings), as: UTF8.self)
        // Locking the agent serialises proposals, so versions are consecutive.
        let agent = try await AgentStore.locked(agentID: agentID, on: connection, logger: logger)
        if agent.fields.status == .retired {
            throw StoreError.conflict("agent \(agentID) is retired; register it again to grant it anything")
        }
        let stored = try await connection.returning(
            """
            INSERT INTO baselines (agent_id, version, status, grants, expectations, justification, findings, digest, proposed_by,
                                   proposed_by_token_id, proposed_at)
            SELECT \(agentID), COALESCE(max(version), 0) + 1, 'proposed', \(grants)::jsonb, \(expectations)::jsonb,
                   \(content.justification), \(findingsJSON)::jsonb, \(content.digest), \(context.actor), \(context.tokenID), \(now)
            FROM baselines WHERE agent_id = \(agentID)
            RETURNING \(unescaped: columns)
            """,
            logger: logger,
            decode: decode
        )
        try await audit.append(
            context.record(
                action: "baseline.propose",
                targetType: "baseline",
                targetID: "\(agentID)/\(stored.baseline.version)",
                stateDigest: try CanonicalJSON.digest(stored.baseline)
            ),
            on: connection
        )
        return stored
    }

    /// Takes the approved version out of force when the agent moves to another ServiceAccount
    /// (`AgentChange.withdrawsApproval`), inside the caller's transaction, with its audit event.
    /// The version is marked superseded as of `now`; the agent needs a version approved again.
    static func withdrawApproval(
        agentID: Int64,
        at now: Date,
        audit: AuditLog,
        context: ChangeContext,
        on connection: PostgresConnection,
        logger: Logger
    ) async throws {
        let withdrawn = try await connection.first(
            """
            UPDATE baselines SET status = 'superseded', superseded_at = \(now)
            WHERE agent_id = \(agentID) AND status = 'approved'
            RETURNING \(unescaped: columns)
            """,
            logger: logger,
            decode: decode
        )
        guard let withdrawn else { return }
        try await audit.append(
            context.record(
                action: "baseline.supersede.agent-moved",
                targetType: "baseline",
                targetID: "\(agentID)/\(withdrawn.baseline.version)",
                stateDigest: try CanonicalJSON.digest(withdrawn.baseline)
            ),
            on: connection
        )
    }

    static func decode(_ row: PostgresRow) throws -> BaselineRecord {
        let (
            agentID, version, status, grants, expectations, justification, digest, proposedBy, proposedAt, decidedBy, decidedAt,
            reason, acceptedRisk, supersededAt, findings
        ) =
            try row.decode(
                (Int64, Int, String, String, String, String, String, String, Date, String?, Date?, String?, Bool, Date?, String).self
            )
        let proposedByTokenID = try row.makeRandomAccess()[15].decode(Int64?.self)
        let decoder = JSONDecoder()
        guard let status = BaselineStatus(rawValue: status),
            let grantList = try? decoder.decode([BaselineGrant].self, from: Data(grants.utf8)),
            let expected = try? decoder.decode(GuardrailExpectations.self, from: Data(expectations.utf8)),
            let recorded = try? decoder.decode([Finding].self, from: Data(findings.utf8))
        else { throw StoreError.corruptRow("baselines \(agentID)/\(version)") }
        let baseline = Baseline(
            agentID: agentID,
            version: version,
            status: status,
            content: BaselineContent(grants: grantList, expectations: expected, justification: justification),
            digest: digest,
            proposedBy: proposedBy,
            proposedAt: proposedAt,
            decidedBy: decidedBy,
            decidedAt: decidedAt,
            decisionReason: reason,
            acceptedRisk: acceptedRisk,
            supersededAt: supersededAt
        )
        return BaselineRecord(baseline: baseline, findings: recorded, proposedByTokenID: proposedByTokenID)
    }
}
