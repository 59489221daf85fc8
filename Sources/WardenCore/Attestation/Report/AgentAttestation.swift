import Foundation

// The report's section for one agent: who it is, its baseline and review standing, the
// bindings that apply to its ServiceAccount, its drift and exposure, and its findings.

public struct AgentAttestation: Sendable, Hashable, Codable {
    public var agent: AttestedAgent
    public var verdict: AttestationVerdictStatus
    public var serviceAccountPresent: Bool
    public var baseline: AttestationBaselineInfo
    public var review: AgentReviewState
    /// Cluster-wide bindings first, then RoleBindings by namespace.
    public var permissions: [PermissionBinding]
    /// Applying bindings whose role is missing (they grant nothing).
    public var unresolvedBindings: [BindingSource]
    public var drift: AgentDrift
    public var exposure: AgentExposure
    /// Worst first.
    public var findings: [AttestationFinding]
    public var summary: SeverityCounts

    public init(
        agent: AttestedAgent,
        verdict: AttestationVerdictStatus,
        serviceAccountPresent: Bool,
        baseline: AttestationBaselineInfo,
        review: AgentReviewState,
        permissions: [PermissionBinding],
        unresolvedBindings: [BindingSource],
        drift: AgentDrift,
        exposure: AgentExposure,
        findings: [AttestationFinding],
        summary: SeverityCounts
    ) {
        self.agent = agent
        self.verdict = verdict
        self.serviceAccountPresent = serviceAccountPresent
        self.baseline = baseline
        self.review = review
        self.permissions = permissions
        self.unresolvedBindings = unresolvedBindings
        self.drift = drift
        self.exposure = exposure
        self.findings = findings
        self.summary = summary
    }
}

public struct AttestedAgent: Sendable, Hashable, Codable {
    public var id: Int64
    public var name: String
    public var namespace: String
    public var serviceAccount: String
    public var owner: String
    public var riskTier: RiskTier
    public var status: AgentStatus

    public init(id: Int64, name: String, namespace: String, serviceAccount: String, owner: String, riskTier: RiskTier, status: AgentStatus) {
        self.id = id
        self.name = name
        self.namespace = namespace
        self.serviceAccount = serviceAccount
        self.owner = owner
        self.riskTier = riskTier
        self.status = status
    }

    /// `namespace/serviceAccount`.
    public var serviceAccountKey: String { "\(namespace)/\(serviceAccount)" }
}

public enum BaselineStanding: String, Sendable, Hashable, Codable {
    case approved
    /// No approved baseline: the agent cannot be compliant.
    case missing
}

public struct AttestationBaselineInfo: Sendable, Hashable, Codable {
    public var status: BaselineStanding
    public var version: Int?
    /// `sha256:` digest of the approved content (what was compared).
    public var digest: String?
    public var approvedBy: String?
    public var approvedAt: Date?
    public var acceptedRisk: Bool?
    /// Number of grants (namespaces) and rules approved.
    public var grants: Int?
    public var rules: Int?

    public init(
        status: BaselineStanding,
        version: Int? = nil,
        digest: String? = nil,
        approvedBy: String? = nil,
        approvedAt: Date? = nil,
        acceptedRisk: Bool? = nil,
        grants: Int? = nil,
        rules: Int? = nil
    ) {
        self.status = status
        self.version = version
        self.digest = digest
        self.approvedBy = approvedBy
        self.approvedAt = approvedAt
        self.acceptedRisk = acceptedRisk
        self.grants = grants
        self.rules = rules
    }
}

/// One binding that applies to the agent's ServiceAccount, with every rule of its role.
public struct PermissionBinding: Sendable, Hashable, Codable {
    /// "*" for ClusterRoleBindings (every namespace and non-resource URLs), else the RoleBinding's namespace.
    public var scope: String
    public var bindingKind: BindingKind
    public var bindingName: String
    public var roleKind: String
    public var roleName: String
    /// The binding subject that matched: the ServiceAccount itself, or a group it is in
    /// (system:serviceaccounts, system:serviceaccounts:<ns>, system:authenticated).
    public var subject: Subject
    /// The role's effective (aggregated) rules; a rule's index is its position.
    public var rules: [PolicyRule]

    public init(
        scope: String,
        bindingKind: BindingKind,
        bindingName: String,
        roleKind: String,
        roleName: String,
        subject: Subject,
        rules: [PolicyRule]
    ) {
        self.scope = scope
        self.bindingKind = bindingKind
        self.bindingName = bindingName
        self.roleKind = roleKind
        self.roleName = roleName
        self.subject = subject
        self.rules = rules
    }

    public var source: BindingSource {
        BindingSource(
            bindingKind: bindingKind,
            bindingNamespace: scope == "*" ? "" : scope,
            bindingName: bindingName,
            roleKind: roleKind,
            roleName: roleName
        )
    }

    /// Whether the grant reaches the ServiceAccount through a group.
    public var throughGroup: Bool { subject.kind == Subject.groupKind }
}
