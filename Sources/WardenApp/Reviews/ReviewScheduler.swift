import Foundation
import Logging
import WardenCore
import WardenStore

/// One pass of the review calendar: open what has come due, queue the notices open reviews call
/// for, apply the no-response policy, then deliver. `warden serve` runs it on an interval and
/// `warden reviews run-due` once; any number of them may run at once against one database.
public struct ReviewScheduler: Sendable {
    let reviews: ReviewStore
    let deliverer: WebhookDeliverer
    let idempotency: IdempotencyStore
    let evidence: ReviewEvidenceCollector
    let logger: Logger

    public struct PassReport: Sendable, Hashable, CustomStringConvertible {
        public var opened = 0
        public var reviewsPlanned = 0
        public var deliveriesAttempted = 0
        public var idempotencyKeysPurged = 0

        public var description: String {
            "opened \(opened) reviews, planned notices for \(reviewsPlanned), attempted \(deliveriesAttempted) deliveries"
                + ", purged \(idempotencyKeysPurged) expired idempotency keys"
        }
    }

    static let context = ChangeContext(actor: "warden-scheduler", tokenID: nil, requestID: "scheduler")

    /// Opens due reviews and queues notices, without delivering.
    public func plan(batch: Int = 100) async throws -> PassReport {
        var report = PassReport()
        while true {
            let due = try await reviews.agentsDueForOpening(limit: batch)
            var progressed = false
            for agent in due {
                let evidence = try await evidence.evidence(for: agent)
                if case .opened = try await reviews.open(agentID: agent.id, trigger: .schedule, evidence: evidence, context: Self.context) {
                    report.opened += 1
                    progressed = true
                }
            }
            // Another replica may be opening the same ones; what is left is theirs.
            if due.count < batch || !progressed { break }
        }
        while true {
            let planned = try await reviews.processNotices(limit: batch)
            report.reviewsPlanned += planned
            if planned < batch { break }
        }
        // Replayable responses older than 24 hours are never replayed; nothing else removes them.
        report.idempotencyKeysPurged = try await idempotency.purgeExpired()
        return report
    }

    /// A whole pass: plan, then deliver what is due.
    public func runPass() async throws -> PassReport {
        var report = try await plan()
        report.deliveriesAttempted = try await deliverer.deliverDue()
        return report
    }

    public func deliverDue() async throws -> Int { try await deliverer.deliverDue() }
}
