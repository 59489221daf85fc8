import Foundation

// The notices (notification events) an open review calls for as its due date nears and passes.
// Kept here, not in Reviews/, so that Notifications depends on Reviews and not the other way
// round: the review calendar (`ReviewSchedule`) knows nothing of notifications.

/// A notice a review calls for. `key` is unique per review, which is what makes a notice go
/// out once however many schedulers run: the store inserts it with ON CONFLICT DO NOTHING.
public struct ReviewNotice: Sendable, Hashable, Codable {
    public var event: NotificationEvent
    public var key: String

    public init(event: NotificationEvent, key: String) {
        self.event = event
        self.key = key
    }
}

/// What a review calls for at a moment, and when to look at it again.
public struct ReviewPlan: Sendable, Hashable {
    public var notices: [ReviewNotice]
    /// Whether the no-response stage (escalation) has been reached.
    public var escalated: Bool
    /// The next moment at which the plan changes; the scheduler looks again then, not before.
    public var nextCheck: Date
}

extension ReviewSchedule {
    /// The notices a review due at `due` calls for at `now`: only the latest reminder stage
    /// reached (a scheduler that was down does not send a burst of stale reminders), the latest
    /// overdue repetition, and the escalation once.
    public static func plan(due: Date, now: Date, policy: ReviewPolicy) -> ReviewPlan {
        var notices: [ReviewNotice] = []
        var boundaries: [Date] = []
        // Reminders: the smallest offset whose moment has come.
        let offsets = policy.reminderOffsetsDays.sorted(by: >)
        var reached: Int?
        for days in offsets {
            let at = due.addingTimeInterval(-Double(days) * day)
            if now >= at { reached = days } else { boundaries.append(at) }
        }
        if let reached { notices.append(ReviewNotice(event: .reviewReminder, key: "reminder:\(reached)")) }
        // Overdue repetitions: the first a whole repetition after the due date.
        let repeatEvery = Double(policy.overdueRepeatDays) * day
        let elapsed = now.timeIntervalSince(due)
        let repetitions = elapsed >= repeatEvery ? Int((elapsed / repeatEvery).rounded(.down)) : 0
        if repetitions >= 1 {
            notices.append(ReviewNotice(event: .reviewOverdue, key: "overdue:\(repetitions)"))
        }
        boundaries.append(due.addingTimeInterval(Double(repetitions + 1) * repeatEvery))
        // Escalation.
        let escalatesAt = due.addingTimeInterval(Double(policy.escalateAfterDays) * day)
        let escalated = now >= escalatesAt && now > due
        if escalated {
            notices.append(ReviewNotice(event: .reviewEscalated, key: "escalated"))
        } else {
            boundaries.append(max(escalatesAt, due.addingTimeInterval(0.001)))
        }
        let next = boundaries.filter { $0 > now }.min() ?? now.addingTimeInterval(repeatEvery)
        return ReviewPlan(notices: notices, escalated: escalated, nextCheck: next)
    }
}
