import Foundation

/// A request for a new token, validated: the rules are the same from the API and the command line.
public struct TokenRequest: Sendable, Equatable {
    public var name: String
    public var role: TokenRole
    public var clusters: [String]
    public var expiresInDays: Int?

    public init(name: String, role: TokenRole, clusters: [String], expiresInDays: Int?) throws(ValidationError) {
        self.name = name
        self.role = role
        self.clusters = clusters
        self.expiresInDays = expiresInDays
        var issues = IssueCollector()
        let trimmed = name.trimmingCharacters(in: .whitespacesAndNewlines)
        if trimmed.isEmpty || trimmed != name || name.count > 253
            || name.unicodeScalars.contains(where: { $0.properties.generalCategory == .control })
        {
            issues.add("/name", "must be 1 to 253 characters without surrounding spaces or control characters")
        }
        if let days = expiresInDays, !(1...3650).contains(days) {
            issues.add("/expiresInDays", "must be between 1 and 3650")
        }
        if role == .collector && clusters.isEmpty {
            issues.add("/clusters", "a collector token must name at least one cluster it may upload snapshots for")
        }
        if role != .collector && !clusters.isEmpty {
            issues.add("/clusters", "only collector tokens are limited to clusters")
        }
        if clusters.count > 100 { issues.add("/clusters", "must name at most 100 clusters") }
        for (index, cluster) in clusters.enumerated() where cluster.isEmpty || cluster.utf8.count > 253 {
            issues.add("/clusters/\(index)", "must be 1 to 253 characters")
        }
        if Set(clusters).count != clusters.count { issues.add("/clusters", "must not repeat a cluster") }
        try issues.throwIfAny()
    }

    public func expiresAt(from now: Date) -> Date? {
        expiresInDays.map { now.addingTimeInterval(TimeInterval($0) * 86_400) }
    }
}
