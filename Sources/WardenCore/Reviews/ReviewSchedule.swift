import Foundation

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
}
