// Where an agent can run pods, as whom, and what that lets it do beyond its own permissions
// (see `AttestationExposure`).

public struct AgentExposure: Sendable, Hashable, Codable {
    public var scopes: [ExposureScope]
    /// What the agent itself can do, as capabilities (`WDN-RBAC-0xx@scope`).
    public var capabilities: [String]

    public init(scopes: [ExposureScope] = [], capabilities: [String] = []) {
        self.scopes = scopes
        self.capabilities = capabilities
    }
}

/// Where the agent can run pods, and as whom.
public struct ExposureScope: Sendable, Hashable, Codable {
    /// A namespace, or "*" (every namespace).
    public var scope: String
    public var grants: [ExposureGrant]
    /// Names of the ServiceAccounts of the namespace in the snapshot; nil for "*" (then every
    /// ServiceAccount of the snapshot: see `AttestationReport.serviceAccounts`).
    public var serviceAccounts: [String]?
    public var serviceAccountCount: Int
    /// How many of them hold permissions (each summarised in `AttestationReport.serviceAccounts`).
    public var withPermissions: Int
    /// `ns/name` of reachable ServiceAccounts holding capabilities the agent lacks (at most
    /// `AttestationOptions.maxListedEscalations`, sorted; `escalationCount` is exact).
    public var escalations: [String]
    public var escalationCount: Int

    public init(
        scope: String,
        grants: [ExposureGrant],
        serviceAccounts: [String]?,
        serviceAccountCount: Int,
        withPermissions: Int = 0,
        escalations: [String] = [],
        escalationCount: Int = 0
    ) {
        self.scope = scope
        self.grants = grants
        self.serviceAccounts = serviceAccounts
        self.serviceAccountCount = serviceAccountCount
        self.withPermissions = withPermissions
        self.escalations = escalations
        self.escalationCount = escalationCount
    }
}

/// A live rule letting the agent create or change workloads (create/update/patch on pods,
/// deployments, replicasets, statefulsets, daemonsets, jobs, cronjobs, replicationcontrollers).
public struct ExposureGrant: Sendable, Hashable, Codable {
    public var bindingKind: BindingKind
    public var bindingName: String
    public var roleKind: String
    public var roleName: String
    public var ruleIndex: Int
    public var verbs: [String]
    public var resources: [String]

    public init(
        bindingKind: BindingKind,
        bindingName: String,
        roleKind: String,
        roleName: String,
        ruleIndex: Int,
        verbs: [String],
        resources: [String]
    ) {
        self.bindingKind = bindingKind
        self.bindingName = bindingName
        self.roleKind = roleKind
        self.roleName = roleName
        self.ruleIndex = ruleIndex
        self.verbs = verbs
        self.resources = resources
    }
}
