// The guardrails of one agent on a live snapshot: the agent branch of `GuardrailCheck.run`
// (RBAC on the ServiceAccount's live permissions, its workloads, its namespace's Pod Security label
// and ResourceQuota, the NetworkPolicies selecting its pods, audit policies), built from the same
// check functions, but
// - with a prebuilt authorizer and the agent's permissions computed once by the caller, and
// - looking only at the agent's namespace (`AttestationIndex`), not at the whole cluster.
// The result equals `GuardrailCheck.run(snapshot:auditPolicies:agent:expectations:)` for the
// agent's own objects (a test checks this on the playbook's examples), except that
// - bindings granting only platform defaults (system:basic-user, system:discovery, ... through
//   system:authenticated; see AttestationDrift) are left out of the RBAC and audit checks, and
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
        // ServiceAccounts per namespace, as GuardrailCheck lists them, for the namespaces the
        // agent's RoleBindings reach and its own.
        var serviceAccounts: [String: [String]] = [:]
        var namespaces = [a.namespace]
        for ns in perms.namespaces where !namespaces.contains(ns.namespace) { namespaces.append(ns.namespace) }
        for ns in namespaces { serviceAccounts[ns] = index.serviceAccountList(in: ns) }
        if !serviceAccounts[a.namespace, default: []].contains(a.serviceAccount) {
            serviceAccounts[a.namespace, default: []].append(a.serviceAccount)
        }

        var findings: [Finding] = []

        // RBAC, on the live permissions.
        findings += RBACGuardrails.check(
            permissions: perms,
            agent: a,
            serviceAccounts: serviceAccounts,
            aggregatedClusterRoles: aggregatedClusterRoles
        )
        let agentRules: [(namespace: String, rule: PolicyRule)] = perms.grants.map { g in
            (g.bindingKind == .clusterRoleBinding ? BaselineGrant.clusterWide : g.bindingNamespace, g.rule)
        }

        // Workloads running as the agent.
        let objs = index.objects(in: a.namespace)
        let mine = objs.workloads.filter { AttestationIndex.serviceAccountName(of: $0) == a.serviceAccount }
        var needsToken = Set<ServiceAccountIdentity>()
        if !perms.isEmpty || !perms.unresolvedBindings.isEmpty { needsToken.insert(a.identity) }
        var automount: [ServiceAccountIdentity: Bool] = [:]
        if let sa = index.serviceAccountObject(namespace: a.namespace, name: a.serviceAccount),
            let b = sa.node["automountServiceAccountToken"]?.bool
        {
            automount[a.identity] = b
        }
        let context = WorkloadContext(serviceAccountsWithPermissions: needsToken, serviceAccountAutomount: automount)
        for w in mine {
            findings += WorkloadGuardrails.check(w, expectations: expectations.podSecurity, context: context)
        }

        // Namespace.
        let ns = a.namespace
        let nsObject = FindingObject(kind: "Namespace", name: ns)
        if let n = objs.namespace {
            let value = n.labels["pod-security.kubernetes.io/enforce"]
            if value != "restricted" {
                findings.append(
                    Finding(
                        rule: .podSecurityAdmission,
                        message: "Namespace \(ns) "
                            + (value.map { "enforces Pod Security \($0), not restricted" } ?? "has no pod-security.kubernetes.io/enforce label"),
                        object: nsObject,
                        field: "/metadata/labels",
                        agent: a
                    )
                )
            }
        } else {
            findings.append(
                Finding(
                    rule: .podSecurityAdmission,
                    message: "Namespace \(ns) is not in the input, so its Pod Security enforcement cannot be confirmed",
                    object: nsObject,
                    agent: a
                )
            )
        }
        if !objs.hasResourceQuota {
            findings.append(Finding(rule: .resourceQuota, message: "namespace \(ns) has no ResourceQuota", object: nsObject, agent: a))
        }

        // Network.
        let (found, toCheck) = GuardrailCheck.networkForAgent(a, mine, objs.networkPolicies, tagged: a)
        findings += found
        var checked = Set<String>()
        for p in toCheck where checked.insert(p.name).inserted {
            findings += NetworkGuardrails.check(policy: p, egress: expectations.egress, agent: a)
        }

        // Audit.
        for (object, body) in index.auditPolicies {
            findings += AuditGuardrails.check(
                policy: body,
                object: object,
                agent: a,
                requests: agentRules.isEmpty ? nil : AuditGuardrails.requests(for: agentRules)
            )
        }

        // De-duplicate (as GuardrailCheck does); shorten cluster-wide workload-creation findings.
        var seen = Set<Finding>()
        var out: [Finding] = []
        out.reserveCapacity(findings.count)
        let total = index.serviceAccounts.count
        for var f in findings where seen.insert(f).inserted {
            if f.ruleID == GuardrailRuleID.workloadCreate.rawValue, f.ruleLocation?.bindingKind == BindingKind.clusterRoleBinding.rawValue,
                let r = f.message.range(of: " (known: ")
            {
                f.message =
                    String(f.message[..<r.lowerBound])
                    + " (\(total) ServiceAccount\(total == 1 ? "" : "s") in the snapshot; see the exposure section)"
                f.serviceAccounts = nil
            }
            out.append(f)
        }
        return Outcome(findings: out, workloads: mine)
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
