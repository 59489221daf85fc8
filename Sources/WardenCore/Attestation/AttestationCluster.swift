// Cluster-wide checks of an attestation: shadow agents and cluster-admin equivalents.
//
// Shadow agents: ServiceAccount objects that look like an agent's but nobody registered:
// - every ServiceAccount in a namespace that holds a registered agent ("namespace-holds-agents"),
// - every ServiceAccount labelled `warden.dev/agent` ("labelled"), or in a Namespace labelled so
//   ("namespace-labelled"). The playbook's examples carry no agent label of their own (only
//   `app: coding-agent` on the NetworkPolicy's selector, a workload label, not an identity), so
//   Warden uses its own key; `AttestationOptions.agentLabelKey` changes it.
// A namespace's `default` ServiceAccount is ignored unless a binding names it directly (as a
// ServiceAccount subject or its user name): Kubernetes creates it in every namespace, and what
// it gets through groups, every other ServiceAccount there gets too (and each agent's report shows).
// Severity: high when the shadow holds any permission (through any binding, groups included)
// beyond the platform defaults every authenticated identity holds (see AttestationDrift), medium
// otherwise.
//
// Cluster-admin equivalents: ClusterRoles whose effective (aggregated) rules cover cluster-admin's
// (`*` verbs on `*` resources of `*` API groups, plus `*` verbs on non-resource URL `*`), by
// `RuleCoverage.covers`; a ClusterRoleBinding to `cluster-admin` that is missing from the snapshot
// counts too (the built-in role). Every subject of a ClusterRoleBinding to such a role is a
// finding: info for the built-in holder Group `system:masters`, critical for anyone else.
// RoleBindings to such roles give one namespace only (they are not cluster-admin; the agents'
// guardrails report them as WDN-RBAC-003).

enum AttestationCluster {
    static let clusterAdminRules: [PolicyRule] = [
        PolicyRule(verbs: ["*"], apiGroups: ["*"], resources: ["*"]),
        PolicyRule(verbs: ["*"], nonResourceURLs: ["*"]),
    ]

    static let builtInAdminGroups: Set<String> = ["system:masters"]

    struct Result {
        var shadows: [ShadowAgent] = []
        var adminRoles: [String] = []
        var adminBindings: [ClusterAdminBinding] = []
        /// Exceptable-free cluster findings (fingerprints to be filled).
        var findings: [(AttestationFinding, String)] = []
    }

    static func clusterAdminRoleNames(_ authorizer: RBACAuthorizer) -> Set<String> {
        var names = Set<String>()
        for (i, role) in authorizer.state.clusterRoles.enumerated() {
            let rules = authorizer.clusterRoleRules[i]
            // Quick rejection: cluster-admin needs a `*` verb.
            guard rules.contains(where: { $0.verbs.contains(RuleMatching.verbAll) }) else { continue }
            if RuleCoverage.covers(ownerRules: rules, servantRules: clusterAdminRules).covered { names.insert(role.name) }
        }
        return names
    }

    static func run(
        authorizer: RBACAuthorizer,
        index: AttestationIndex,
        agents: [AgentIdentity],
        labelKey: String,
        parallelism: Int
    ) -> Result {
        var result = Result()

        // Cluster-admin equivalents.
        let adminRoles = clusterAdminRoleNames(authorizer)
        let existing = Set(authorizer.state.clusterRoles.map(\.name))
        result.adminRoles = adminRoles.sorted()
        let rule = AttestationRules.rule(.clusterAdminEquivalent)
        for crb in authorizer.state.clusterRoleBindings where crb.roleRef.kind == RoleRef.clusterRoleKind {
            let name = crb.roleRef.name
            guard adminRoles.contains(name) || (name == "cluster-admin" && !existing.contains(name)) else { continue }
            for (k, s) in crb.subjects.enumerated() {
                let builtIn = s.kind == Subject.groupKind && builtInAdminGroups.contains(s.name)
                result.adminBindings.append(ClusterAdminBinding(bindingName: crb.name, roleName: name, subject: s, builtIn: builtIn))
                let object = FindingObject(kind: "ClusterRoleBinding", name: crb.name)
                let message =
                    "ClusterRoleBinding \(crb.name) gives \(s) ClusterRole \(name), whose rules cover cluster-admin's"
                    + (builtIn ? " (the built-in administrators' group)" : "")
                let f = AttestationFinding(
                    id: rule.id,
                    severity: builtIn ? .info : .critical,
                    message: message,
                    remediation: rule.remediation,
                    object: object,
                    field: "/subjects/\(k)"
                )
                result.findings.append((f, "\(s.kind)|\(s.namespace)|\(s.name)"))
            }
        }

        // Shadow agents.
        let registered = Set(agents)
        var candidates: [(ServiceAccountIdentity, String)] = []
        var seen = Set<ServiceAccountIdentity>()
        let labelled = Set(index.labelledServiceAccounts)
        let agentNamespaces = Set(agents.map(\.namespace))
        func consider(_ id: ServiceAccountIdentity) {
            guard !registered.contains(AgentIdentity(namespace: id.namespace, serviceAccount: id.name)), seen.insert(id).inserted else { return }
            let reason =
                labelled.contains(id)
                ? "labelled"
                : (index.labelledNamespaces.contains(id.namespace) ? "namespace-labelled" : "namespace-holds-agents")
            candidates.append((id, reason))
        }
        for ns in agentNamespaces.union(index.labelledNamespaces).sorted() {
            for o in index.objects(in: ns).serviceAccounts { consider(ServiceAccountIdentity(namespace: o.namespace, name: o.name)) }
        }
        for id in index.labelledServiceAccounts { consider(id) }
        candidates.sort { $0.0 < $1.0 }
        let sorted = candidates

        let workers = max(1, min(parallelism, candidates.count / 64 + 1))
        let checked: [ShadowAgent?] = ParallelFor.map(count: sorted.count, workers: workers) { i in
            let (id, reason) = sorted[i]
            if id.name == "default" {
                let direct = authorizer.effectivePermissions(user: id.username, groups: [])
                if direct.isEmpty && direct.unresolvedBindings.isEmpty { return nil }
            }
            let perms = authorizer.effectivePermissions(of: id)
            var bindings: [String] = []
            for b in perms.clusterWide where AttestationDrift.grantsBeyondDefaults(b, clusterWide: true) {
                bindings.append("ClusterRoleBinding \(b.source.bindingName)")
            }
            for ns in perms.namespaces {
                for b in ns.bindings where AttestationDrift.grantsBeyondDefaults(b, clusterWide: false) {
                    bindings.append("RoleBinding \(ns.namespace)/\(b.source.bindingName)")
                }
            }
            return ShadowAgent(
                namespace: id.namespace,
                name: id.name,
                reason: reason,
                hasPermissions: !bindings.isEmpty,
                bindings: Array(bindings.prefix(10))
            )
        }
        let shadowRule = AttestationRules.rule(.shadowAgent)
        for s in checked.compactMap({ $0 }) {
            result.shadows.append(s)
            let why: String
            switch s.reason {
            case "labelled": why = "is labelled \(labelKey)"
            case "namespace-labelled": why = "is in namespace \(s.namespace), labelled \(labelKey)"
            default: why = "is in namespace \(s.namespace), which holds registered agents"
            }
            var message = "ServiceAccount \(s.namespace)/\(s.name) \(why), but no agent is registered for it"
            message += s.hasPermissions ? "; it holds permissions through \(s.bindings.joined(separator: ", "))" : "; it holds no permissions"
            let f = AttestationFinding(
                id: shadowRule.id,
                severity: s.hasPermissions ? .high : .medium,
                message: message,
                remediation: shadowRule.remediation,
                object: FindingObject(kind: "ServiceAccount", namespace: s.namespace, name: s.name)
            )
            result.findings.append((f, ""))
        }
        return result
    }
}
