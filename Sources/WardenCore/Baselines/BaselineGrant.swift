/// One part of what an agent is granted: RBAC rules in one namespace, or cluster-wide ("*").
public struct BaselineGrant: Sendable, Hashable, Codable {
    public static let clusterWide = "*"

    public var namespace: String
    public var rules: [PolicyRule]

    public init(namespace: String, rules: [PolicyRule]) {
        self.namespace = namespace
        self.rules = rules
    }

    public var isClusterWide: Bool { namespace == Self.clusterWide }
}
