// Finding ids of attestation reports. Guardrail findings keep their catalogue ids (WDN-...);
// drift and attestation-level problems have their own stable ids, listed here.

/// How bad an attestation finding is: the guardrail severities plus `info` (reported, never failing).
public enum AttestationSeverity: String, Sendable, Hashable, Codable, Comparable, CaseIterable, CustomStringConvertible {
    case info, low, medium, high, critical

    public var rank: Int {
        switch self {
        case .info: return 0
        case .low: return 1
        case .medium: return 2
        case .high: return 3
        case .critical: return 4
        }
    }

    public init(_ g: GuardrailSeverity) {
        switch g {
        case .low: self = .low
        case .medium: self = .medium
        case .high: self = .high
        case .critical: self = .critical
        }
    }

    public static func < (a: AttestationSeverity, b: AttestationSeverity) -> Bool { a.rank < b.rank }

    /// Worst first.
    public static let descending: [AttestationSeverity] = [.critical, .high, .medium, .low, .info]

    public var description: String { rawValue }
}

/// Stable ids of the findings only attestations produce.
public enum AttestationRuleID: String, Sendable, Hashable, Codable, CaseIterable {
    /// The ServiceAccount holds a permission its approved baseline does not cover.
    case excessPermission = "DRIFT-001"
    /// An approved permission is not granted in the cluster.
    case missingPermission = "DRIFT-002"
    /// The agent has no approved baseline.
    case noBaseline = "ATT-001"
    case reviewOverdue = "ATT-002"
    case reviewDue = "ATT-003"
    case reviewNotScheduled = "ATT-004"
    case agentSuspended = "ATT-005"
    case serviceAccountMissing = "ATT-006"
    case shadowAgent = "ATT-007"
    case clusterAdminEquivalent = "ATT-008"
    /// The agent can run pods as ServiceAccounts that can do what it cannot.
    case transitiveEscalation = "ATT-009"
}

/// A rule as reports and renderers describe it (guardrail or attestation rule).
public struct AttestationRule: Sendable, Hashable, Codable {
    public var id: String
    public var name: String
    public var title: String
    /// The usual severity (some rules report a finding lower or higher; see `description`).
    public var severity: AttestationSeverity
    public var category: String
    public var description: String
    public var remediation: String

    public init(
        id: String,
        name: String,
        title: String,
        severity: AttestationSeverity,
        category: String,
        description: String,
        remediation: String
    ) {
        self.id = id
        self.name = name
        self.title = title
        self.severity = severity
        self.category = category
        self.description = description
        self.remediation = remediation
    }
}

public enum AttestationRules {
    public static let rules: [AttestationRule] = [
        .init(
            id: AttestationRuleID.excessPermission.rawValue,
            name: "ExcessPermission",
            title: "Permission beyond the approved baseline",
            severity: .high,
            category: "drift",
            description:
                "The agent's ServiceAccount holds a permission (directly or through a group such as system:serviceaccounts) that no rule of its approved baseline covers, compared as Kubernetes' Covers does: a live rule broader than the approved one is excess. The finding lists the uncovered broken-down rules and the binding and role granting them.",
            remediation: "Remove the binding (or the role's rule) that grants it, or propose a new baseline version that approves it."
        ),
        .init(
            id: AttestationRuleID.missingPermission.rawValue,
            name: "MissingApprovedPermission",
            title: "Approved permission is not granted",
            severity: .low,
            category: "drift",
            description:
                "A rule of the approved baseline is not covered by what the ServiceAccount holds in the cluster, so the live RBAC does not match what was approved (the agent may fail).",
            remediation: "Apply the baseline's manifests (GET /v1/agents/{id}/manifests), or propose a baseline without the permission."
        ),
        .init(
            id: AttestationRuleID.noBaseline.rawValue,
            name: "NoApprovedBaseline",
            title: "Agent has no approved baseline",
            severity: .high,
            category: "attestation",
            description: "Nobody approved what this registered agent may do, so nothing it holds can be attested.",
            remediation: "Propose a baseline for the agent and have a different principal approve it."
        ),
        .init(
            id: AttestationRuleID.reviewOverdue.rawValue,
            name: "ReviewOverdue",
            title: "Access review is overdue",
            severity: .high,
            category: "review",
            description: "The agent's periodic access review is past its due date.",
            remediation: "Complete the agent's access review."
        ),
        .init(
            id: AttestationRuleID.reviewDue.rawValue,
            name: "ReviewDue",
            title: "Access review is due",
            severity: .low,
            category: "review",
            description: "The agent's periodic access review is due soon.",
            remediation: "Schedule and complete the agent's access review before it becomes overdue."
        ),
        .init(
            id: AttestationRuleID.reviewNotScheduled.rawValue,
            name: "ReviewNotScheduled",
            title: "No access review is scheduled",
            severity: .low,
            category: "review",
            description: "The agent has no next review date.",
            remediation: "Schedule a periodic access review for the agent."
        ),
        .init(
            id: AttestationRuleID.agentSuspended.rawValue,
            name: "AgentSuspended",
            title: "Suspended agent still has access",
            severity: .high,
            category: "attestation",
            description:
                "The agent is suspended in Warden. High when its ServiceAccount still holds permissions or runs workloads in the cluster (the suspension is not enforced); info when nothing is live.",
            remediation: "Remove the suspended agent's bindings and scale its workloads to zero, or reactivate it."
        ),
        .init(
            id: AttestationRuleID.serviceAccountMissing.rawValue,
            name: "ServiceAccountMissing",
            title: "Registered agent's ServiceAccount is missing",
            severity: .high,
            category: "attestation",
            description:
                "The agent's ServiceAccount is not in the snapshot: it was deleted (bindings naming it pass to whoever recreates it) or the snapshot is incomplete.",
            remediation: "Recreate the ServiceAccount from the agent's manifests, or retire the agent and remove bindings naming it."
        ),
        .init(
            id: AttestationRuleID.shadowAgent.rawValue,
            name: "ShadowAgent",
            title: "Unregistered ServiceAccount among agents",
            severity: .high,
            category: "inventory",
            description:
                "A ServiceAccount in a namespace holding registered agents, or labelled as an agent's (label warden.dev/agent on it or its Namespace), is not registered with Warden. High when it holds permissions, medium otherwise. A namespace's default ServiceAccount is ignored unless a binding names it.",
            remediation: "Register the ServiceAccount as an agent (and approve a baseline), or delete it."
        ),
        .init(
            id: AttestationRuleID.clusterAdminEquivalent.rawValue,
            name: "ClusterAdminEquivalent",
            title: "Subject bound to a cluster-admin-equivalent role",
            severity: .critical,
            category: "rbac",
            description:
                "A ClusterRoleBinding gives a subject a ClusterRole whose rules cover cluster-admin's (every verb on every resource of every API group, and every non-resource URL). Built-in holders (Group system:masters) are reported at info.",
            remediation: "Bind a narrower role; keep cluster-admin for break-glass identities only."
        ),
        .init(
            id: AttestationRuleID.transitiveEscalation.rawValue,
            name: "TransitiveEscalation",
            title: "Agent can run pods as more privileged ServiceAccounts",
            severity: .high,
            category: "exposure",
            description:
                "The agent may create or change workloads where ServiceAccounts run that can do things the agent itself cannot (read secrets, change RBAC, administer, ...), so it can gain their permissions.",
            remediation: "Move those ServiceAccounts out of the namespaces the agent deploys to, or remove the agent's workload verbs."
        ),
    ]

    static let byID: [String: AttestationRule] = Dictionary(uniqueKeysWithValues: rules.map { ($0.id, $0) })

    public static func rule(_ id: AttestationRuleID) -> AttestationRule { byID[id.rawValue]! }

    /// The rule for any id a report uses: guardrail catalogue or attestation rules.
    public static func rule(id: String) -> AttestationRule? {
        if let r = byID[id] { return r }
        guard let g = GuardrailCatalog.rule(id: id) else { return nil }
        return AttestationRule(
            id: g.id,
            name: g.name,
            title: g.title,
            severity: AttestationSeverity(g.severity),
            category: g.category,
            description: g.description,
            remediation: g.remediation
        )
    }

    /// Guardrail catalogue followed by the attestation rules.
    public static var all: [AttestationRule] { GuardrailCatalog.rules.compactMap { rule(id: $0.id) } + rules }
}
