import Foundation
import WardenCore

/// The review history as auditors ask for it: one row per review, with the agent it was about.
enum ReviewHistoryCSV {
    static let header = CSV.row([
        "review_id", "agent_id", "agent_name", "cluster", "namespace", "service_account", "owner", "risk_tier", "status",
        "overdue", "trigger", "opened_by", "opened_at", "due_at", "decision", "reviewer", "decided_at", "notes",
        "baseline_version", "baseline_digest", "snapshot_id", "escalated_at", "suspended_at",
    ])

    static func row(_ review: Review, agent: Agent?, now: Date) -> String {
        func time(_ date: Date?) -> String { date.map(RFC3339.string(from:)) ?? "" }
        let fields = agent?.fields
        return CSV.row([
            String(review.id), String(review.agentID), fields?.name ?? "", fields?.cluster ?? "",
            fields?.namespace ?? "", fields?.serviceAccount ?? "", fields?.owner ?? "",
            fields?.riskTier.rawValue ?? "", review.status.rawValue, review.isOverdue(at: now) ? "true" : "false",
            review.trigger.rawValue, review.openedBy, time(review.openedAt), time(review.dueAt),
            review.decision?.decision.rawValue ?? "", review.decision?.reviewer ?? "", time(review.decision?.decidedAt),
            review.decision?.notes ?? "", review.evidence.baseline.map { String($0.version) } ?? "",
            review.evidence.baseline?.digest ?? "", review.evidence.snapshot.map { String($0.id) } ?? "",
            time(review.escalatedAt), time(review.suspendedAt),
        ])
    }
}
