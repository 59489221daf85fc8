import Foundation
import Synchronization
import WardenCore

/// Agents the scheduler failed to open a review for, and when to try each again: one agent whose
/// evidence cannot be read (a corrupt row, a snapshot that no longer parses) must not stop the
/// others, nor be retried on every pass. Per process: another replica keeps its own.
final class SchedulerBackoff: Sendable {
    private struct Failing {
        var failures: Int
        var retryAt: Date
    }

    private let backoff: RetryBackoff
    private let failing = Mutex<[Int64: Failing]>([:])

    init(backoff: RetryBackoff) {
        self.backoff = backoff
    }

    /// Agents not to try before their time.
    func waiting(at now: Date) -> [Int64] {
        failing.withLock { $0.filter { $0.value.retryAt > now }.map(\.key) }
    }

    /// Records a failure and returns when the agent is tried again.
    @discardableResult
    func failed(_ agentID: Int64, at now: Date) -> Date {
        failing.withLock { failing in
            let failures = (failing[agentID]?.failures ?? 0) + 1
            let retryAt = now.addingTimeInterval(backoff.delay(afterAttempt: failures, unit: Double.random(in: 0..<1)))
            failing[agentID] = Failing(failures: failures, retryAt: retryAt)
            return retryAt
        }
    }

    func succeeded(_ agentID: Int64) {
        _ = failing.withLock { $0.removeValue(forKey: agentID) }
    }
}
