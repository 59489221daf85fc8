// Drift: live permissions against the approved baseline, compared by coverage exactly as
// Kubernetes' `Covers` (RuleCoverage) does: every live rule is broken down (one verb, API group,
// resource[, resourceName] or non-resource URL per part, upstream `BreakdownRule`) and each part
// must be covered by one baseline rule (`ruleCovers`). A live rule broader than the approved one
// is therefore excess (its uncovered parts are reported), never "equal".
//
// Scopes: a live permission in namespace N (a RoleBinding in N) is covered only by baseline rules
// for N or "*"; a cluster-wide one (ClusterRoleBinding) only by "*" rules. Non-resource URL parts
// of rules reached through RoleBindings grant nothing (upstream ignores them there) and are
// skipped, on both sides.
//
// Platform defaults: every authenticated identity holds what Kubernetes' bootstrap policy grants
// `system:authenticated` and `system:serviceaccounts` (system:basic-user, system:discovery,
// system:public-info-viewer, system:service-account-issuer-discovery: self reviews and discovery
// URLs). No baseline can take them away, so live parts covered by those default rules are not
// excess. Only the default *rules* count: extra rules added to those roles are still excess.

enum AttestationDrift {
    /// The rules the upstream bootstrap policy grants every authenticated ServiceAccount.
    static let platformDefaults: [PolicyRule] = [
        PolicyRule(verbs: ["create"], apiGroups: ["authorization.k8s.io"], resources: ["selfsubjectaccessreviews", "selfsubjectrulesreviews"]),
        PolicyRule(verbs: ["create"], apiGroups: ["authentication.k8s.io"], resources: ["selfsubjectreviews"]),
        PolicyRule(
            verbs: ["get"],
            nonResourceURLs: [
                "/api", "/api/*", "/apis", "/apis/*", "/healthz", "/livez", "/openapi", "/openapi/*",
                "/readyz", "/version", "/version/",
            ]
        ),
        PolicyRule(verbs: ["get"], nonResourceURLs: ["/.well-known/openid-configuration", "/openid/v1/jwks"]),
    ]

    static let platformOwner = Owner(platformDefaults)

    /// Whether everything `rule` grants at the scope is a platform default (or nothing at all).
    static func isPlatformDefault(_ rule: PolicyRule, clusterWide: Bool) -> Bool {
        // Fast rejection: resource parts are defaults only in the two self-review groups.
        if !rule.resources.isEmpty && !rule.verbs.isEmpty && !rule.apiGroups.isEmpty
            && !rule.apiGroups.contains(where: { $0 == "authorization.k8s.io" || $0 == "authentication.k8s.io" })
        {
            return false
        }
        return platformOwner.uncovered(rule, resourceOnly: !clusterWide).isEmpty
    }

    /// Whether the binding grants anything beyond the platform defaults.
    static func grantsBeyondDefaults(_ b: BindingGrant, clusterWide: Bool) -> Bool {
        b.rules.contains { !isPlatformDefault($0, clusterWide: clusterWide) }
    }

    /// Owner rules for one scope, with an exact-match shortcut (a rule covers its own breakdown).
    struct Owner: Sendable {
        var rules: [PolicyRule]
        var exact: Set<PolicyRule>

        init(_ rules: [PolicyRule]) {
            self.rules = rules
            self.exact = Set(rules)
        }

        func uncovered(_ rule: PolicyRule, resourceOnly: Bool) -> [PolicyRule] {
            if exact.contains(rule) { return [] }
            var out: [PolicyRule] = []
            var seen = Set<PolicyRule>()
            for sub in RuleCoverage.breakdown(rule) {
                if resourceOnly && !sub.nonResourceURLs.isEmpty { continue }
                if rules.contains(where: { RuleCoverage.ruleCovers(owner: $0, subRule: sub) }) { continue }
                if seen.insert(sub).inserted { out.append(sub) }
            }
            return out
        }
    }

    static func compare(permissions perms: EffectivePermissions, grants: [BaselineGrant]) -> AgentDrift {
        var approved: [String: [PolicyRule]] = [:]
        for g in grants { approved[g.namespace, default: []] += g.rules }
        let clusterApproved = approved[BaselineGrant.clusterWide] ?? []

        // Excess.
        var excess: [ExcessPermission] = []
        let clusterOwner = Owner(clusterApproved + platformDefaults)
        func visit(_ b: BindingGrant, scope: String, owner: Owner) {
            for (i, rule) in b.rules.enumerated() {
                let parts = owner.uncovered(rule, resourceOnly: scope != BaselineGrant.clusterWide)
                if parts.isEmpty { continue }
                excess.append(
                    ExcessPermission(
                        scope: scope,
                        bindingKind: b.source.bindingKind,
                        bindingName: b.source.bindingName,
                        roleKind: b.source.roleKind,
                        roleName: b.source.roleName,
                        subject: boundSubject(b.subject, bindingNamespace: b.source.bindingNamespace),
                        ruleIndex: i,
                        rule: rule,
                        uncovered: parts
                    )
                )
            }
        }
        for b in perms.clusterWide { visit(b, scope: BaselineGrant.clusterWide, owner: clusterOwner) }
        for ns in perms.namespaces {
            let owner = Owner((approved[ns.namespace] ?? []) + clusterApproved + platformDefaults)
            for b in ns.bindings { visit(b, scope: ns.namespace, owner: owner) }
        }

        // Missing.
        var missing: [MissingPermission] = []
        let liveCluster = perms.clusterWide.flatMap(\.rules)
        let liveClusterOwner = Owner(liveCluster)
        var namespaceOwners: [String: Owner] = [:]
        for (gi, g) in grants.enumerated() {
            let owner: Owner
            if g.isClusterWide {
                owner = liveClusterOwner
            } else if let o = namespaceOwners[g.namespace] {
                owner = o
            } else {
                let rules = perms.namespaces.first { bytesEqual($0.namespace, g.namespace) }?.bindings.flatMap(\.rules) ?? []
                owner = Owner(liveCluster + rules)
                namespaceOwners[g.namespace] = owner
            }
            for (ri, rule) in g.rules.enumerated() {
                let parts = owner.uncovered(rule, resourceOnly: !g.isClusterWide)
                if !parts.isEmpty {
                    missing.append(MissingPermission(grantIndex: gi, scope: g.namespace, ruleIndex: ri, rule: rule, missing: parts))
                }
            }
        }
        return AgentDrift(compared: true, excess: excess, missing: missing)
    }

    /// The subject as it applies: a ServiceAccount subject without namespace takes its RoleBinding's.
    static func boundSubject(_ s: Subject, bindingNamespace: String) -> Subject {
        guard s.kind == Subject.serviceAccountKind, s.namespace.isEmpty, !bindingNamespace.isEmpty else { return s }
        return .serviceAccount(namespace: bindingNamespace, name: s.name)
    }

    /// "get secrets", "list deployments.apps named x", "get /healthz".
    static func describe(_ part: PolicyRule) -> String {
        let verbs = part.verbs.joined(separator: ",")
        if !part.nonResourceURLs.isEmpty { return "\(verbs) \(part.nonResourceURLs.joined(separator: ","))" }
        let group = part.apiGroups.first ?? ""
        var s = "\(verbs) \(part.resources.joined(separator: ","))" + (group.isEmpty ? "" : ".\(group)")
        if !part.resourceNames.isEmpty { s += " named \(part.resourceNames.joined(separator: ","))" }
        return s
    }

    static func describeList(_ parts: [PolicyRule], limit: Int = 8) -> String {
        var s = parts.prefix(limit).map(describe).joined(separator: "; ")
        if parts.count > limit { s += "; and \(parts.count - limit) more" }
        return s
    }

    static func scopeText(_ scope: String) -> String {
        scope == BaselineGrant.clusterWide ? "cluster-wide" : "in namespace \(scope)"
    }

    /// Findings (exceptable, so as guardrail `Finding`s) with their fingerprint discriminators.
    static func findings(_ drift: AgentDrift, agent: AgentIdentity) -> [(Finding, String)] {
        var out: [(Finding, String)] = []
        let excessRule = AttestationRules.rule(.excessPermission)
        for e in drift.excess {
            let source = BindingSource(
                bindingKind: e.bindingKind,
                bindingNamespace: e.scope == BaselineGrant.clusterWide ? "" : e.scope,
                bindingName: e.bindingName,
                roleKind: e.roleKind,
                roleName: e.roleName
            )
            let via = e.subject.kind == Subject.groupKind ? " through Group \(e.subject.name)" : ""
            let roleText = e.roleKind == RoleRef.roleKind ? "Role \(e.scope)/\(e.roleName)" : "\(e.roleKind) \(e.roleName)"
            let message =
                "\(RBACGuardrails.describe(source))\(via) grants \(roleText) rule \(e.ruleIndex) \(scopeText(e.scope)) "
                + "beyond the approved baseline: \(describeList(e.uncovered))"
            let f = Finding(
                ruleID: excessRule.id,
                severity: .high,
                title: excessRule.title,
                message: message,
                object: RBACGuardrails.bindingObject(source),
                field: "/roleRef",
                ruleLocation: RBACGuardrails.location(source, ruleIndex: e.ruleIndex),
                agent: agent,
                remediation: excessRule.remediation
            )
            out.append((f, e.uncovered.map(describe).sorted().joined(separator: ";")))
        }
        let missingRule = AttestationRules.rule(.missingPermission)
        for m in drift.missing {
            let message =
                "approved baseline grant \(m.grantIndex) rule \(m.ruleIndex) (\(scopeText(m.scope))) is not granted in the cluster: "
                + describeList(m.missing)
            let f = Finding(
                ruleID: missingRule.id,
                severity: .low,
                title: missingRule.title,
                message: message,
                ruleLocation: RuleLocation(grantIndex: m.grantIndex, ruleIndex: m.ruleIndex),
                agent: agent,
                remediation: missingRule.remediation
            )
            out.append((f, m.scope + "|" + m.missing.map(describe).sorted().joined(separator: ";")))
        }
        return out
    }
}
