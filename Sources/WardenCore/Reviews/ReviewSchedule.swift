import Foundation

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

/// The review calendar as pure functions of the policy, a due date and the time.
public enum ReviewSchedule {
    public static let day: TimeInterval = 86_400

    /// When the next review falls due after a decision (or a first approval) at `date`.
    public static func nextDue(after date: Date, tier: RiskTier, override: Int?, policy: ReviewPolicy) -> Date {
        date.addingTimeInterval(Double(policy.interval(for: tier, override: override)) * day)
    }

    /// The moment a review with this due date opens.
    public static func opensAt(due: Date, policy: ReviewPolicy) -> Date {
        due.addingTimeInterval(-Double(policy.leadDays) * day)
    }

    /// Where an agent stands. `openReviewDue` is the due date of its open review, if any.
    public static func standing(nextReviewDue: Date?, openReviewDue: Date?, now: Date, policy: ReviewPolicy) -> ReviewStanding {
        if let due = openReviewDue ?? nextReviewDue {
            if now > due { return .overdue }
            if openReviewDue != nil || now >= opensAt(due: due, policy: policy) { return .due }
            return .current
        }
        return .notScheduled
    }

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
