// The guardrails of one agent, in one place: its RBAC, workloads, its namespace's Pod Security
// label and ResourceQuota, the NetworkPolicies selecting its pods, and audit policies. Both
// `warden check --agent` (`GuardrailCheck`, over manifests) and attestations
// (`AttestationGuardrails`, over a snapshot's namespace index) run this pipeline; they differ only
// in where the facts come from, which the caller gathers into an `AgentGuardrailInput`.

/// How an agent's RBAC is known.
enum AgentAccess {
    /// Grants of a baseline, checked instead of the RBAC in the input.
    case baseline([BaselineGrant])
    /// Live permissions from the input's RBAC; `aggregatedClusterRoles` name the ClusterRoles
    /// whose effective rules are not the object's own (findings then point at no field).
    case live(EffectivePermissions, aggregatedClusterRoles: Set<String>)
}

/// The facts the per-agent guardrails look at.
struct AgentGuardrailInput {
    var agent: AgentIdentity
    var access: AgentAccess
    /// ServiceAccount names per namespace: whom workload creation lets the agent run pods as.
    var serviceAccounts: [String: [String]]
    /// How findings of cluster-wide workload creation name those ServiceAccounts.
    var clusterWideRunAs: RBACGuardrails.ClusterWideRunAs
    /// The workloads to check, and what their checks need to know of the cluster.
    var workloads: [KubeObject]
    var workloadContext: WorkloadContext
    /// The workloads whose pods run as the agent (their NetworkPolicy coverage is checked).
    var agentWorkloads: [KubeObject]
    /// The agent's Namespace object (nil when it is not in the input).
    var namespaceObject: KubeObject?
    var namespaceHasResourceQuota: Bool
    /// NetworkPolicies, at least those of the agent's namespace.
    var networkPolicies: [KubeObject]
    var auditPolicies: [(object: FindingObject, body: JSONValue)]
    var expectations: GuardrailExpectations
}

enum AgentGuardrails {
    /// Every finding about the agent, each once, in check order (RBAC, workloads, namespace,
    /// network, audit).
    static func run(_ input: AgentGuardrailInput) -> [Finding] {
        let agent = input.agent
        var findings = rbacFindings(
            agent: agent,
            access: input.access,
            serviceAccounts: input.serviceAccounts,
            clusterWideRunAs: input.clusterWideRunAs
        )
        for workload in input.workloads {
            findings += WorkloadGuardrails.check(workload, expectations: input.expectations.podSecurity, context: input.workloadContext)
        }
        findings += namespaceFindings(
            agent.namespace,
            object: input.namespaceObject,
            hasResourceQuota: input.namespaceHasResourceQuota,
            agent: agent
        )
        findings += networkFindings(
            agent: agent,
            agentWorkloads: input.agentWorkloads,
            policies: input.networkPolicies,
            egress: input.expectations.egress
        )
        if !input.auditPolicies.isEmpty {
            findings += auditFindings(input.auditPolicies, agent: agent, requests: auditRequests(input.access))
        }
        return deduplicated(findings)
    }

    static func rbacFindings(
        agent: AgentIdentity,
        access: AgentAccess,
        serviceAccounts: [String: [String]],
        clusterWideRunAs: RBACGuardrails.ClusterWideRunAs
    ) -> [Finding] {
        switch access {
        case .baseline(let grants):
            return RBACGuardrails.check(baseline: grants, agent: agent, serviceAccounts: serviceAccounts)
        case .live(let permissions, let aggregated):
            return RBACGuardrails.check(
                permissions: permissions,
                agent: agent,
                serviceAccounts: serviceAccounts,
                aggregatedClusterRoles: aggregated,
                clusterWideRunAs: clusterWideRunAs
            )
        }
    }

    /// The namespace's Pod Security enforcement (restricted expected) and its ResourceQuota.
    /// `agent` tags the findings; nil when they stand for every agent of the namespace.
    static func namespaceFindings(
        _ namespace: String,
        object: KubeObject?,
        hasResourceQuota: Bool,
        agent: AgentIdentity?
    ) -> [Finding] {
        var findings: [Finding] = []
        let nsObject = FindingObject(kind: "Namespace", name: namespace)
        if let object {
            let value = object.labels["pod-security.kubernetes.io/enforce"]
            if value != "restricted" {
                findings.append(
                    Finding(
                        rule: .podSecurityAdmission,
                        message: "Namespace \(namespace) "
                            + (value.map { "enforces Pod Security \($0), not restricted" } ?? "has no pod-security.kubernetes.io/enforce label"),
                        object: nsObject,
                        field: "/metadata/labels",
                        agent: agent
                    )
                )
            }
        } else {
            findings.append(
                Finding(
                    rule: .podSecurityAdmission,
                    message: "Namespace \(namespace) is not in the input, so its Pod Security enforcement cannot be confirmed",
                    object: nsObject,
                    agent: agent
                )
            )
        }
        if !hasResourceQuota {
            findings.append(Finding(rule: .resourceQuota, message: "namespace \(namespace) has no ResourceQuota", object: nsObject, agent: agent))
        }
        return findings
    }

    /// Coverage of the agent's workloads, then the rules of the policies that select them (every
    /// policy of its namespace when it has no workloads in the input), each policy once.
    static func networkFindings(
        agent: AgentIdentity,
        agentWorkloads: [KubeObject],
        policies: [KubeObject],
        egress: [EgressDestination]
    ) -> [Finding] {
        let inNamespace = policies.filter { $0.namespace == agent.namespace }
        var findings: [Finding] = []
        var toCheck: [KubeObject] = []
        if agentWorkloads.isEmpty {
            if inNamespace.isEmpty {
                findings.append(
                    Finding(
                        rule: .networkPolicyMissing,
                        message: "namespace \(agent.namespace) has no NetworkPolicy, so all traffic is allowed",
                        object: FindingObject(kind: "Namespace", name: agent.namespace),
                        agent: agent
                    )
                )
            }
            toCheck = inNamespace
        }
        for w in agentWorkloads {
            let labels = WorkloadGuardrails.podLabels(kind: w.kind, body: w.body)
            findings += NetworkGuardrails.checkCoverage(
                workload: FindingObject(kind: w.kind, namespace: w.namespace, name: w.name),
                namespace: w.namespace,
                podLabels: labels,
                policies: policies,
                agent: agent
            )
            toCheck += inNamespace.filter { NetworkGuardrails.selects($0.body, labels: labels) }
        }
        var checked = Set<String>()
        for p in toCheck where checked.insert("\(p.namespace)/\(p.name)").inserted {
            findings += NetworkGuardrails.check(policy: p, egress: egress, agent: agent)
        }
        return findings
    }

    /// The requests an audit policy must log for the agent: those its rules allow (nil when it has
    /// none: a representative set).
    static func auditRequests(_ access: AgentAccess) -> [AuditGuardrails.Request]? {
        let rules: [(namespace: String, rule: PolicyRule)]
        switch access {
        case .baseline(let grants):
            rules = grants.flatMap { g in g.rules.map { (g.namespace, $0) } }
        case .live(let permissions, _):
            rules = permissions.grants.map { g in
                (g.bindingKind == .clusterRoleBinding ? BaselineGrant.clusterWide : g.bindingNamespace, g.rule)
            }
        }
        return rules.isEmpty ? nil : AuditGuardrails.requests(for: rules)
    }

    static func auditFindings(
        _ policies: [(object: FindingObject, body: JSONValue)],
        agent: AgentIdentity,
        requests: [AuditGuardrails.Request]?
    ) -> [Finding] {
        policies.flatMap { AuditGuardrails.check(policy: $0.body, object: $0.object, agent: agent, requests: requests) }
    }

    /// The findings without repeats (the same rule can be reached by several paths), first kept.
    static func deduplicated(_ findings: [Finding]) -> [Finding] {
        var seen = Set<Finding>()
        var out: [Finding] = []
        out.reserveCapacity(findings.count)
        for f in findings where seen.insert(f).inserted { out.append(f) }
        return out
    }
}
