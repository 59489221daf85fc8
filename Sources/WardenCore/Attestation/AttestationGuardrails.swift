// The guardrails of one agent on a live snapshot: the per-agent pipeline (`AgentGuardrails`,
// which `warden check --agent` runs too), fed from the snapshot's namespace index, so that
// - the authorizer is prebuilt and the agent's permissions are computed once by the caller, and
// - only the agent's namespace is looked at (`AttestationIndex`), not the whole cluster.
// The result equals `GuardrailCheck.run(snapshot:auditPolicies:agent:expectations:)` for the
// agent's own objects (a test checks this on the playbook's examples), except that
// - bindings granting only platform defaults (system:basic-user, system:discovery, ... through
//   system:authenticated; see AttestationDrift) are left out of the RBAC and audit checks,
// - only the agent's own workloads are checked, and
// - workload-creation findings for cluster-wide grants do not list every ServiceAccount of the
//   cluster in their message (the exposure section of the report has them).

enum AttestationGuardrails {
    struct Outcome {
        var findings: [Finding]
        /// The agent's workloads (pods and controllers running as its ServiceAccount).
        var workloads: [KubeObject]
    }

    static func run(
        agent a: AgentIdentity,
        permissions live: EffectivePermissions,
        index: AttestationIndex,
        expectations: GuardrailExpectations,
        aggregatedClusterRoles: Set<String>
    ) -> Outcome {
        let perms = withoutPlatformDefaults(live)
        let objs = index.objects(in: a.namespace)
        let mine = objs.workloads.filter { AttestationIndex.serviceAccountName(of: $0) == a.serviceAccount }
        let total = index.serviceAccounts.count
        let findings = AgentGuardrails.run(
            AgentGuardrailInput(
                agent: a,
                access: .live(perms, aggregatedClusterRoles: aggregatedClusterRoles),
                serviceAccounts: serviceAccountsReached(by: a, perms, index),
                clusterWideRunAs: .summarised("\(total) ServiceAccount\(total == 1 ? "" : "s") in the snapshot; see the exposure section"),
                workloads: mine,
                workloadContext: workloadContext(a, perms, index),
                agentWorkloads: mine,
                namespaceObject: objs.namespace,
                namespaceHasResourceQuota: objs.hasResourceQuota,
                networkPolicies: objs.networkPolicies,
                auditPolicies: index.auditPolicies,
                expectations: expectations
            )
        )
        return Outcome(findings: findings, workloads: mine)
    }

    /// ServiceAccounts per namespace, as GuardrailCheck lists them, for the agent's namespace and
    /// the namespaces its RoleBindings reach (whom it could run pods as there).
    static func serviceAccountsReached(
        by a: AgentIdentity,
        _ perms: EffectivePermissions,
        _ index: AttestationIndex
    ) -> [String: [String]] {
        var serviceAccounts: [String: [String]] = [:]
        var namespaces = [a.namespace]
        for ns in perms.namespaces where !namespaces.contains(ns.namespace) { namespaces.append(ns.namespace) }
        for ns in namespaces { serviceAccounts[ns] = index.serviceAccountList(in: ns) }
        if !serviceAccounts[a.namespace, default: []].contains(a.serviceAccount) {
            serviceAccounts[a.namespace, default: []].append(a.serviceAccount)
        }
        return serviceAccounts
    }

    /// Only the agent's workloads are checked, so only its own ServiceAccount's token and
    /// automount setting matter.
    static func workloadContext(_ a: AgentIdentity, _ perms: EffectivePermissions, _ index: AttestationIndex) -> WorkloadContext {
        var needsToken = Set<ServiceAccountIdentity>()
        if !perms.isEmpty || !perms.unresolvedBindings.isEmpty { needsToken.insert(a.identity) }
        var automount: [ServiceAccountIdentity: Bool] = [:]
        if let sa = index.serviceAccountObject(namespace: a.namespace, name: a.serviceAccount),
            let b = sa.node["automountServiceAccountToken"]?.bool
        {
            automount[a.identity] = b
        }
        return WorkloadContext(serviceAccountsWithPermissions: needsToken, serviceAccountAutomount: automount)
    }

    /// The permissions without the bindings that grant only platform defaults (discovery and self
    /// reviews, which the bootstrap policy gives every authenticated identity; see AttestationDrift):
    /// otherwise every agent of every real cluster would get WDN-RBAC-001 for `system:basic-user`,
    /// and its token would always count as needed.
    static func withoutPlatformDefaults(_ p: EffectivePermissions) -> EffectivePermissions {
        let cluster = p.clusterWide.filter { AttestationDrift.grantsBeyondDefaults($0, clusterWide: true) }
        let namespaces = p.namespaces.compactMap { ns -> NamespacePermissions? in
            let b = ns.bindings.filter { AttestationDrift.grantsBeyondDefaults($0, clusterWide: false) }
            return b.isEmpty ? nil : NamespacePermissions(namespace: ns.namespace, bindings: b)
        }
        if cluster.count == p.clusterWide.count && namespaces.count == p.namespaces.count
            && zip(namespaces, p.namespaces).allSatisfy({ $0.bindings.count == $1.bindings.count })
        {
            return p
        }
        return EffectivePermissions(
            user: p.user,
            groups: p.groups,
            clusterWide: cluster,
            namespaces: namespaces,
            unresolvedBindings: p.unresolvedBindings
        )
    }
}
