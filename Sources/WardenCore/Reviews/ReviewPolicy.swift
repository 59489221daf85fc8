import Foundation

/// What happens when a review is escalated and still nobody has decided.
public enum NoResponseAction: String, Sendable, Hashable, Codable, CaseIterable {
    /// The agent keeps its access; the overdue review stays on every report.
    case noChange = "no_change"
    /// The agent is suspended (attestations then mark it non-compliant). Opt-in, because
    /// revoking by default is known to take away access people needed.
    case suspend
}

/// Review interval, in days, for each risk tier.
public struct TierIntervals: Sendable, Hashable, Codable {
    public var critical: Int
    public var high: Int
    public var medium: Int
    public var low: Int

    public init(critical: Int, high: Int, medium: Int, low: Int) {
        self.critical = critical
        self.high = high
        self.medium = medium
        self.low = low
    }

    public subscript(tier: RiskTier) -> Int {
        switch tier {
        case .critical: critical
        case .high: high
        case .medium: medium
        case .low: low
        }
    }
}

/// How often agents are reviewed, and how insistently Warden asks.
public struct ReviewPolicy: Sendable, Hashable, Codable {
    public var intervalDays: TierIntervals
    /// Days before the due date on which a reminder goes out; the review opens at the largest.
    public var reminderOffsetsDays: [Int]
    /// While overdue, a reminder repeats every this many days.
    public var overdueRepeatDays: Int
    /// Days overdue after which the review is escalated.
    public var escalateAfterDays: Int
    public var noResponse: NoResponseAction

    public init(
        intervalDays: TierIntervals,
        reminderOffsetsDays: [Int],
        overdueRepeatDays: Int,
        escalateAfterDays: Int,
        noResponse: NoResponseAction
    ) {
        self.intervalDays = intervalDays
        self.reminderOffsetsDays = reminderOffsetsDays
        self.overdueRepeatDays = overdueRepeatDays
        self.escalateAfterDays = escalateAfterDays
        self.noResponse = noResponse
    }

    /// FedRAMP asks for quarterly review of privileged accounts; critical agents are reviewed monthly.
    public static let `default` = ReviewPolicy(
        intervalDays: TierIntervals(critical: 30, high: 90, medium: 180, low: 365),
        reminderOffsetsDays: [14, 7, 3, 1, 0],
        overdueRepeatDays: 1,
        escalateAfterDays: 7,
        noResponse: .noChange
    )

    public static let maxIntervalDays = 3650

    public func validate() throws(ValidationError) {
        var issues = IssueCollector()
        for (name, days) in [
            ("critical", intervalDays.critical), ("high", intervalDays.high),
            ("medium", intervalDays.medium), ("low", intervalDays.low),
        ]
        where !(1...Self.maxIntervalDays).contains(days) {
            issues.add("/intervalDays/\(name)", "must be between 1 and \(Self.maxIntervalDays) days")
        }
        if reminderOffsetsDays.isEmpty { issues.add("/reminderOffsetsDays", "must name at least one day (0 is the due date)") }
        if reminderOffsetsDays.count > 20 { issues.add("/reminderOffsetsDays", "must have at most 20 entries") }
        for (index, days) in reminderOffsetsDays.enumerated() where !(0...365).contains(days) {
            issues.add("/reminderOffsetsDays/\(index)", "must be between 0 and 365 days")
        }
        if Set(reminderOffsetsDays).count != reminderOffsetsDays.count {
            issues.add("/reminderOffsetsDays", "must not repeat a day")
        }
        if !(1...365).contains(overdueRepeatDays) { issues.add("/overdueRepeatDays", "must be between 1 and 365 days") }
        if !(0...365).contains(escalateAfterDays) { issues.add("/escalateAfterDays", "must be between 0 and 365 days") }
        try issues.throwIfAny()
    }

    /// The interval for an agent: its own override, else its tier's.
    public func interval(for tier: RiskTier, override: Int?) -> Int { override ?? intervalDays[tier] }

    /// How long before its due date a review opens: the earliest reminder.
    public var leadDays: Int { reminderOffsetsDays.max() ?? 0 }
}
