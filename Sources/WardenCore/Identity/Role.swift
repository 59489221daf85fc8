import Foundation

/// What a token may do. Roles are not ordered: an auditor reads what a reviewer cannot change,
/// and a collector can do one thing only.
public enum Role: String, Sendable, Hashable, Codable, CaseIterable {
    case admin
    case reviewer
    case auditor
    case collector
}

/// The authenticated caller of a request.
public struct Principal: Sendable, Hashable {
    public var tokenID: Int64
    /// The person or job the token belongs to; four-eyes rules compare these.
    public var name: String
    public var role: Role
    /// For collectors: the clusters it may upload snapshots for.
    public var clusters: [String]
    /// When the token stops working, if ever.
    public var expiresAt: Date?

    public init(tokenID: Int64, name: String, role: Role, clusters: [String], expiresAt: Date? = nil) {
        self.tokenID = tokenID
        self.name = name
        self.role = role
        self.clusters = clusters
        self.expiresAt = expiresAt
    }
}
