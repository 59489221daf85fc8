import Foundation
import Logging
import PostgresNIO
import WardenCore

/// Review-policy reads and review scheduling as any transaction needs them: approving a first
/// baseline schedules a review, so the baseline store uses this without calling the review store.
enum ReviewRows {
    static func policy(on connection: PostgresConnection, logger: Logger) async throws -> ReviewPolicy {
        let text = try await connection.first("SELECT policy::text FROM review_policy", logger: logger) { try $0.decode(String.self) }
        guard let text else { return .default }
        guard let policy = try? CanonicalJSON.decode(ReviewPolicy.self, from: Array(text.utf8)) else {
            throw StoreError.corruptRow("review_policy")
        }
        return policy
    }

    /// Gives an agent its first due date when its first baseline is approved (inside that transaction).
    static func scheduleFirstReview(
        agentID: Int64,
        at now: Date,
        audit: AuditLog,
        context: ChangeContext,
        on connection: PostgresConnection,
        logger: Logger
    ) async throws {
        let policy = try await policy(on: connection, logger: logger)
        let agent = try await AgentStore.locked(agentID: agentID, on: connection, logger: logger)
        guard agent.fields.nextReviewDue == nil, agent.fields.status != .retired else { return }
        let due = ReviewSchedule.nextDue(after: now, tier: agent.fields.riskTier, override: agent.fields.reviewIntervalDays, policy: policy)
        let updated = try await AgentStore.setNextReviewDue(agentID: agentID, due: due, at: now, on: connection, logger: logger)
        try await audit.append(
            context.record(
                action: "agent.review-scheduled",
                targetType: "agent",
                targetID: String(agentID),
                stateDigest: try CanonicalJSON.digest(updated)
            ),
            on: connection
        )
    }
}
