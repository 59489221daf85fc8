import Foundation

/// The authenticated caller of a request.
public struct Principal: Sendable, Hashable {
    public var tokenID: Int64
    /// The person or job the token belongs to; four-eyes rules compare these.
    public var name: String
    public var role: TokenRole
    /// For collectors: the clusters it may upload snapshots for.
    public var clusters: [String]
    /// When the token stops working, if ever.
    public var expiresAt: Date?

    public init(tokenID: Int64, name: String, role: TokenRole, clusters: [String], expiresAt: Date? = nil) {
        self.tokenID = tokenID
        self.name = name
        self.role = role
        self.clusters = clusters
        self.expiresAt = expiresAt
    }

    /// What an act by this principal is recorded under.
    public var attribution: Attribution { Attribution(name: name, tokenID: tokenID) }
}
