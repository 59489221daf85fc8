/// One part of what an agent is granted: RBAC rules in one namespace, or cluster-wide ("*").
/// Baselines are made of these, and the guardrails take granted rules in this form (so it lives
/// with the RBAC model, below both); `clusterWide` is the scope every report uses for "*".
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
