/// Where an agent stands in its review schedule (`ReviewSchedule.standing`).
public enum ReviewStanding: String, Sendable, Hashable, Codable, CaseIterable {
    case current, due, overdue
    case notScheduled = "not_scheduled"
}
