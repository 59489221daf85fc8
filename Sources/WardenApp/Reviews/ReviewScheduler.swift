import Foundation
import Logging
import Metrics
import WardenCore
import WardenStore

/// One pass of the review calendar: open what has come due, queue the notices open reviews call
/// for, apply the no-response policy, then deliver. `warden serve` runs it on an interval and
/// `warden reviews run-due` once; any number of them may run at once against one database.
public struct ReviewScheduler: Sendable {
    let reviews: ReviewStore
    let deliverer: WebhookDeliverer
    let idempotency: IdempotencyStore
    let snapshots: SnapshotStore
    let statistics: TableStatistics
    let snapshotsKept: Int
    let evidence: ReviewEvidenceCollector
    let clock: any WallClock
    let backoff: SchedulerBackoff
    let logger: Logger
    /// Agents whose review could not be opened, counted for /metrics.
    let failures = Counter(label: "warden_scheduler_agent_failures_total")

    public struct PassReport: Sendable, Hashable, CustomStringConvertible {
        public var opened = 0
        public var reviewsPlanned = 0
        public var deliveriesAttempted = 0
        public var idempotencyKeysPurged = 0
        /// Agents whose review could not be opened this pass; each is tried again after a backoff.
        public var failed = 0
        public var snapshotsPruned = 0

        public var description: String {
            "opened \(opened) reviews, planned notices for \(reviewsPlanned), attempted \(deliveriesAttempted) deliveries"
                + ", purged \(idempotencyKeysPurged) expired idempotency keys" + ", pruned \(snapshotsPruned) snapshots"
                + (failed > 0 ? ", \(failed) agents failed" : "")
        }
    }

    static let context = ChangeContext(actor: "warden-scheduler", tokenID: nil, requestID: "scheduler")

    /// Opens due reviews and queues notices, without delivering.
    public func plan(batch: Int = 100) async throws -> PassReport {
        var report = PassReport()
        while true {
            let due = try await reviews.agentsDueForOpening(limit: batch, excluding: backoff.waiting(at: clock.now()))
            var progressed = false
            for (id, agent) in due {
                switch await openDue(id, agent) {
                case .opened: report.opened += 1
                case .failed: report.failed += 1
                case .skipped: continue
                }
                progressed = true
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
        report.snapshotsPruned = try await snapshots.prune(keep: snapshotsKept, context: Self.context)
        try await recordTableSizes()
        return report
    }

    /// `warden_table_bytes` and `warden_table_rows` per table, for alerting on growth.
    private func recordTableSizes() async throws {
        for table in try await statistics.tables() {
            Gauge(label: "warden_table_bytes", dimensions: [("table", table.name)]).record(table.bytes)
            Gauge(label: "warden_table_rows", dimensions: [("table", table.name)]).record(table.estimatedRows)
        }
    }

    private enum Opening { case opened, skipped, failed }

    /// Opens one due agent's review; a failure is logged, counted and backed off from, and stops nothing else.
    private func openDue(_ id: Int64, _ agent: Result<Agent, any Error>) async -> Opening {
        do {
            let agent = try agent.get()
            let evidence = try await evidence.evidence(for: agent)
            let outcome = try await reviews.open(agentID: agent.id, trigger: .schedule, evidence: evidence, context: Self.context)
            backoff.succeeded(id)
            if case .opened = outcome { return .opened }
            return .skipped
        } catch {
            failures.increment()
            let retryAt = backoff.failed(id, at: clock.now())
            logger.error(
                "could not open a due review",
                metadata: ["agent": "\(id)", "error": "\(error)", "retryAt": "\(RFC3339.string(from: retryAt))"]
            )
            return .failed
        }
    }

    /// A whole pass: plan, then deliver what is due.
    public func runPass() async throws -> PassReport {
        var report = try await plan()
        report.deliveriesAttempted = try await deliverer.deliverDue()
        return report
    }

    public func deliverDue() async throws -> Int { try await deliverer.deliverDue() }
}
