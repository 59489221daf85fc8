import Foundation

/// A stored API token, never with its secret.
public struct TokenRecord: Sendable, Hashable, Codable {
    public var id: Int64
    public var name: String
    public var role: TokenRole
    public var clusters: [String]
    public var prefix: String
    public var createdAt: Date
    public var createdBy: String
    /// The token `createdBy` acted through; nil when made from the command line.
    public var createdByTokenID: Int64?
    public var expiresAt: Date?
    public var revokedAt: Date?
    public var lastUsedAt: Date?

    public init(
        id: Int64,
        name: String,
        role: TokenRole,
        clusters: [String],
        prefix: String,
        createdAt: Date,
        createdBy: String,
        createdByTokenID: Int64? = nil,
        expiresAt: Date?,
        revokedAt: Date?,
        lastUsedAt: Date?
    ) {
        self.id = id
        self.name = name
        self.role = role
        self.clusters = clusters
        self.prefix = prefix
        self.createdAt = createdAt
        self.createdBy = createdBy
        self.createdByTokenID = createdByTokenID
        self.expiresAt = expiresAt
        self.revokedAt = revokedAt
        self.lastUsedAt = lastUsedAt
    }
}
