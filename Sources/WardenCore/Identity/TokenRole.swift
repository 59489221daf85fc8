/// What a token may do. Roles are not ordered: an auditor reads what a reviewer cannot change,
/// and a collector can do one thing only.
public enum TokenRole: String, Sendable, Hashable, Codable, CaseIterable {
    case admin
    case reviewer
    case auditor
    case collector
}
