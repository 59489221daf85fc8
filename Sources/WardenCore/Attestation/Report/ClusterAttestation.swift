// The report's cluster section: shadow agents, missing ServiceAccounts, cluster-admin
// equivalents, and their findings (see `AttestationCluster`).

public struct ClusterAttestation: Sendable, Hashable, Codable {
    public var shadowAgents: [ShadowAgent]
    /// `namespace/serviceAccount` of registered agents whose ServiceAccount is not in the snapshot.
    public var missingServiceAccounts: [String]
    /// ClusterRoles whose effective rules cover cluster-admin's.
    public var clusterAdminRoles: [String]
    public var clusterAdminBindings: [ClusterAdminBinding]
    /// Cluster-level findings (shadow agents, cluster-admin equivalents), worst first.
    public var findings: [AttestationFinding]
    public var summary: SeverityCounts

    public init(
        shadowAgents: [ShadowAgent] = [],
        missingServiceAccounts: [String] = [],
        clusterAdminRoles: [String] = [],
        clusterAdminBindings: [ClusterAdminBinding] = [],
        findings: [AttestationFinding] = [],
        summary: SeverityCounts = .init()
    ) {
        self.shadowAgents = shadowAgents
        self.missingServiceAccounts = missingServiceAccounts
        self.clusterAdminRoles = clusterAdminRoles
        self.clusterAdminBindings = clusterAdminBindings
        self.findings = findings
        self.summary = summary
    }
}

public struct ShadowAgent: Sendable, Hashable, Codable {
    public var namespace: String
    public var name: String
    /// Why it counts as an agent's: "namespace-holds-agents", "labelled" or "namespace-labelled".
    public var reason: String
    public var hasPermissions: Bool
    /// Bindings that apply to it (`Kind ns/name`), at most 10.
    public var bindings: [String]

    public init(namespace: String, name: String, reason: String, hasPermissions: Bool, bindings: [String]) {
        self.namespace = namespace
        self.name = name
        self.reason = reason
        self.hasPermissions = hasPermissions
        self.bindings = bindings
    }
}

public struct ClusterAdminBinding: Sendable, Hashable, Codable {
    public var bindingName: String
    public var roleName: String
    public var subject: Subject
    /// A built-in holder (Group system:masters): reported at info.
    public var builtIn: Bool

    public init(bindingName: String, roleName: String, subject: Subject, builtIn: Bool) {
        self.bindingName = bindingName
        self.roleName = roleName
        self.subject = subject
        self.builtIn = builtIn
    }
}
