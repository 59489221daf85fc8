// Transitive exposure: where the agent can create or change workloads it can run pods as any
// ServiceAccount of that namespace (every namespace for a cluster-wide grant), and so gain what
// those can do. The workload capability test is the RBAC guardrails' own (WDN-RBAC-026:
// create/update/patch on pods, replicationcontrollers, deployments, replicasets, statefulsets,
// daemonsets, jobs, cronjobs; resourceNames-limited rules cannot create).
//
// "What a ServiceAccount can do" is summarised as capabilities: the RBAC guardrail ids whose
// capability its rules grant, per scope (`WDN-RBAC-010@team-a`: may read secrets in team-a;
// `@*`: cluster-wide). An agent reaching a ServiceAccount with a capability it does not hold
// itself (same id at the same scope or "*"; full admin holds everything in its scope) can
// escalate: ATT-009.

struct AttestationCapability: Hashable, Sendable, Comparable, CustomStringConvertible {
    var id: String
    var scope: String

    var description: String { "\(id)@\(scope)" }

    static func < (a: AttestationCapability, b: AttestationCapability) -> Bool { (a.id, a.scope) < (b.id, b.scope) }
}

enum AttestationExposure {
    static let fullAdminID = GuardrailRuleID.fullAdmin.rawValue

    /// Resources any capability looks at (a rule naming none of these, and no wildcard, has none).
    static let interestingResources: Set<String> = {
        var s: Set<String> = ["secrets"]
        for (_, caps) in RBACGuardrails.simpleChecks { for c in caps { s.formUnion(c.resources) } }
        for c in RBACGuardrails.workloadCapabilities { s.formUnion(c.resources) }
        return s
    }()

    static let secretsCapability = RBACGuardrails.Capability(verbs: ["get", "list", "watch"], group: "", resources: ["secrets"])

    /// The capability ids one rule grants at `scope` ("*" or a namespace).
    static func capabilities(of rule: PolicyRule, scope: String) -> [String] {
        guard rule.resources.contains(where: { $0 == "*" || $0.hasPrefix("*/") || interestingResources.contains($0) }) else { return [] }
        var ids: [String] = []
        let star = RuleMatching.verbAll
        if rule.verbs.contains(star) && rule.apiGroups.contains(star) && rule.resources.contains(star) && rule.resourceNames.isEmpty {
            ids.append(fullAdminID)
        }
        if let a = RBACGuardrails.allowed(rule, secretsCapability, namespace: scope) {
            ids.append(a.named ? GuardrailRuleID.readNamedSecrets.rawValue : GuardrailRuleID.readSecrets.rawValue)
        }
        for (id, caps) in RBACGuardrails.simpleChecks where caps.contains(where: { RBACGuardrails.allowed(rule, $0, namespace: scope) != nil }) {
            ids.append(id.rawValue)
        }
        if workloadAccess(rule, scope: scope) != nil { ids.append(GuardrailRuleID.workloadCreate.rawValue) }
        return ids
    }

    static func capabilities(of perms: EffectivePermissions) -> Set<AttestationCapability> {
        var out = Set<AttestationCapability>()
        for b in perms.clusterWide {
            for r in b.rules {
                for id in capabilities(of: r, scope: BaselineGrant.clusterWide) {
                    out.insert(AttestationCapability(id: id, scope: BaselineGrant.clusterWide))
                }
            }
        }
        for ns in perms.namespaces {
            for b in ns.bindings {
                for r in b.rules {
                    for id in capabilities(of: r, scope: ns.namespace) { out.insert(AttestationCapability(id: id, scope: ns.namespace)) }
                }
            }
        }
        return out
    }

    /// Whether `held` includes `cap`.
    static func holds(_ held: Set<AttestationCapability>, _ cap: AttestationCapability) -> Bool {
        let all = BaselineGrant.clusterWide
        return held.contains(cap) || held.contains(AttestationCapability(id: cap.id, scope: all))
            || held.contains(AttestationCapability(id: fullAdminID, scope: cap.scope))
            || held.contains(AttestationCapability(id: fullAdminID, scope: all))
    }

    /// The workload verbs and resources `rule` allows at `scope`, if any.
    static func workloadAccess(_ rule: PolicyRule, scope: String) -> (verbs: [String], resources: [String], named: Bool)? {
        RBACGuardrails.merge(RBACGuardrails.workloadCapabilities.compactMap { RBACGuardrails.allowed(rule, $0, namespace: scope) })
    }

    /// Workload grants by scope, scopes in permission order (cluster-wide first).
    static func workloadGrants(_ perms: EffectivePermissions) -> [(scope: String, grants: [ExposureGrant])] {
        var out: [(scope: String, grants: [ExposureGrant])] = []
        func visit(_ b: BindingGrant, _ scope: String) {
            for (i, rule) in b.rules.enumerated() {
                guard let a = workloadAccess(rule, scope: scope) else { continue }
                let g = ExposureGrant(
                    bindingKind: b.source.bindingKind,
                    bindingName: b.source.bindingName,
                    roleKind: b.source.roleKind,
                    roleName: b.source.roleName,
                    ruleIndex: i,
                    verbs: a.verbs,
                    resources: a.resources
                )
                if let k = out.firstIndex(where: { $0.scope == scope }) { out[k].grants.append(g) } else { out.append((scope, [g])) }
            }
        }
        for b in perms.clusterWide { visit(b, BaselineGrant.clusterWide) }
        for ns in perms.namespaces { for b in ns.bindings { visit(b, ns.namespace) } }
        return out
    }

    /// The report's summary of one ServiceAccount's permissions, leaving out rules that grant
    /// only platform defaults (see AttestationDrift); nil when nothing is left.
    static func summary(_ sa: ServiceAccountIdentity, _ perms: EffectivePermissions) -> (ServiceAccountSummary, Set<AttestationCapability>)? {
        guard !perms.isEmpty else { return nil }
        var scoped: [ScopedRules] = []
        func add(_ scope: String, _ bindings: [BindingGrant]) {
            var seen = Set<PolicyRule>()
            var rules: [PolicyRule] = []
            let clusterWide = scope == BaselineGrant.clusterWide
            for b in bindings {
                for r in b.rules where seen.insert(r).inserted && !AttestationDrift.isPlatformDefault(r, clusterWide: clusterWide) {
                    rules.append(r)
                }
            }
            if !rules.isEmpty { scoped.append(ScopedRules(scope: scope, rules: rules)) }
        }
        add(BaselineGrant.clusterWide, perms.clusterWide)
        for ns in perms.namespaces { add(ns.namespace, ns.bindings) }
        if scoped.isEmpty { return nil }
        let caps = capabilities(of: perms)
        let bindings = perms.clusterWide.count + perms.namespaces.reduce(0) { $0 + $1.bindings.count }
        return (
            ServiceAccountSummary(
                serviceAccount: "\(sa.namespace)/\(sa.name)",
                bindings: bindings,
                rules: scoped,
                capabilities: caps.sorted().map(\.description)
            ), caps
        )
    }
}
