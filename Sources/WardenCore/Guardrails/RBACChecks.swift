// RBAC guardrails: what an agent's rules let it do, decided with the authorizer's own matching
// (`RuleMatching`): `*` verbs, resources and API groups and `*/subresource` count, and rules
// limited by resourceNames match only named requests (so they never allow create).

/// One rule to check, with where it comes from.
struct RBACRuleInput: Sendable {
    /// The namespace the rule applies in; "*" for every namespace (cluster-wide).
    var namespace: String
    var rule: PolicyRule
    var location: RuleLocation
    var object: FindingObject?
    var field: String?
    /// How the source is named in messages ("grant 0 rule 1", "Role ai-agents/x rule 1").
    var label: String
}

public enum RBACGuardrails {
    /// ServiceAccounts that exist in every namespace.
    static let implicitServiceAccounts = ["default"]

    // MARK: Entry points

    /// Checks an agent's approved baseline grants. `serviceAccounts` lists ServiceAccount names per
    /// namespace (from a snapshot or manifests); every namespace also has `default`.
    public static func check(
        baseline grants: [BaselineGrant],
        agent: AgentIdentity? = nil,
        serviceAccounts: [String: [String]] = [:]
    ) -> [Finding] {
        var findings: [Finding] = []
        var inputs: [RBACRuleInput] = []
        for (g, grant) in grants.enumerated() {
            if grant.isClusterWide {
                findings.append(
                    Finding(
                        rule: .clusterWideGrant,
                        message: "baseline grant \(g) applies in every namespace (namespace \"*\")",
                        ruleLocation: RuleLocation(grantIndex: g),
                        agent: agent
                    )
                )
            }
            for (r, rule) in grant.rules.enumerated() {
                inputs.append(
                    RBACRuleInput(
                        namespace: grant.namespace,
                        rule: rule,
                        location: RuleLocation(grantIndex: g, ruleIndex: r),
                        object: nil,
                        field: nil,
                        label: "grant \(g) rule \(r)"
                    )
                )
            }
        }
        return findings + check(rules: inputs, agent: agent, serviceAccounts: serviceAccounts)
    }

    /// Checks live grants (from `EffectivePermissions.grants` or `RBACAuthorizer.rules`), reporting
    /// against the role objects (`/rules/N`; no field for aggregated ClusterRoles, whose effective rule
    /// indexes are not the object's), plus one finding per ClusterRoleBinding and per RoleBinding of a ClusterRole.
    public static func check(
        grants: [Grant],
        agent: AgentIdentity? = nil,
        serviceAccounts: [String: [String]] = [:],
        aggregatedClusterRoles: Set<String> = []
    ) -> [Finding] {
        var findings: [Finding] = []
        var seenSources = Set<BindingSource>()
        var inputs: [RBACRuleInput] = []
        for grant in grants {
            let s = grant.source
            if seenSources.insert(s).inserted {
                findings += bindingFindings(s, agent: agent)
            }
            inputs.append(input(for: grant, aggregated: aggregatedClusterRoles))
        }
        return findings + check(rules: inputs, agent: agent, serviceAccounts: serviceAccounts)
    }

    /// Checks everything in `permissions` (cluster-wide and per namespace), and reports unresolved
    /// bindings (a binding to a missing role; a missing `cluster-admin` is reported as full admin).
    public static func check(
        permissions: EffectivePermissions,
        agent: AgentIdentity? = nil,
        serviceAccounts: [String: [String]] = [:],
        aggregatedClusterRoles: Set<String> = []
    ) -> [Finding] {
        var findings = check(
            grants: permissions.grants,
            agent: agent,
            serviceAccounts: serviceAccounts,
            aggregatedClusterRoles: aggregatedClusterRoles
        )
        var seen = Set<BindingSource>()
        for s in permissions.unresolvedBindings where seen.insert(s).inserted {
            findings += bindingFindings(s, agent: agent)
            let binding = bindingObject(s)
            if s.roleKind == RoleRef.clusterRoleKind && s.roleName == "cluster-admin" {
                findings.append(
                    Finding(
                        rule: .fullAdmin,
                        message: "\(describe(s)) binds the built-in cluster-admin ClusterRole",
                        object: binding,
                        field: "/roleRef",
                        ruleLocation: location(s),
                        agent: agent
                    )
                )
            } else {
                findings.append(
                    Finding(
                        rule: .unresolvedRole,
                        message: "\(describe(s)) refers to \(s.roleKind) \(s.roleName), which is not in the input; its permissions were not checked",
                        object: binding,
                        field: "/roleRef",
                        ruleLocation: location(s),
                        agent: agent
                    )
                )
            }
        }
        return findings
    }

    /// Checks the rules of one role that is not bound to anyone (reported against the role).
    public static func check(role: RBACRole, serviceAccounts: [String: [String]] = [:]) -> [Finding] {
        let object = FindingObject(kind: "Role", namespace: role.namespace, name: role.name)
        let inputs = role.rules.enumerated().map { r, rule in
            RBACRuleInput(
                namespace: role.namespace,
                rule: rule,
                location: RuleLocation(ruleIndex: r, roleKind: "Role", roleName: role.name, roleNamespace: role.namespace),
                object: object,
                field: "/rules/\(r)",
                label: "Role \(role.namespace)/\(role.name) rule \(r)"
            )
        }
        return check(rules: inputs, agent: nil, serviceAccounts: serviceAccounts)
    }

    // MARK: Provenance

    static func describe(_ s: BindingSource) -> String {
        s.bindingKind == .clusterRoleBinding
            ? "ClusterRoleBinding \(s.bindingName)"
            : "RoleBinding \(s.bindingNamespace)/\(s.bindingName)"
    }

    static func bindingObject(_ s: BindingSource) -> FindingObject {
        FindingObject(
            kind: s.bindingKind.rawValue,
            namespace: s.bindingKind == .roleBinding ? s.bindingNamespace : nil,
            name: s.bindingName
        )
    }

    static func location(_ s: BindingSource, ruleIndex: Int? = nil) -> RuleLocation {
        RuleLocation(
            ruleIndex: ruleIndex,
            bindingKind: s.bindingKind.rawValue,
            bindingNamespace: s.bindingNamespace,
            bindingName: s.bindingName,
            roleKind: s.roleKind,
            roleName: s.roleName,
            roleNamespace: s.roleKind == RoleRef.roleKind ? s.bindingNamespace : nil
        )
    }

    static func bindingFindings(_ s: BindingSource, agent: AgentIdentity?) -> [Finding] {
        if s.bindingKind == .clusterRoleBinding {
            return [
                Finding(
                    rule: .clusterWideGrant,
                    message: "ClusterRoleBinding \(s.bindingName) grants ClusterRole \(s.roleName) in every namespace",
                    object: bindingObject(s),
                    field: "/roleRef",
                    ruleLocation: location(s),
                    agent: agent
                )
            ]
        }
        if s.roleKind == RoleRef.clusterRoleKind {
            return [
                Finding(
                    rule: .clusterRoleInRoleBinding,
                    message: "RoleBinding \(s.bindingNamespace)/\(s.bindingName) grants ClusterRole \(s.roleName)",
                    object: bindingObject(s),
                    field: "/roleRef",
                    ruleLocation: location(s),
                    agent: agent
                )
            ]
        }
        return []
    }

    static func input(for grant: Grant, aggregated: Set<String>) -> RBACRuleInput {
        let s = grant.source
        let namespace = s.bindingKind == .clusterRoleBinding ? BaselineGrant.clusterWide : s.bindingNamespace
        let object: FindingObject
        var field: String? = "/rules/\(grant.ruleIndex)"
        if s.roleKind == RoleRef.roleKind {
            object = FindingObject(kind: "Role", namespace: s.bindingNamespace, name: s.roleName)
        } else {
            object = FindingObject(kind: "ClusterRole", name: s.roleName)
            if aggregated.contains(s.roleName) { field = nil }
        }
        let roleLabel = object.namespace.map { "\(object.kind) \($0)/\(object.name)" } ?? "\(object.kind) \(object.name)"
        let via =
            s.bindingKind == .clusterRoleBinding
            ? "cluster-wide through ClusterRoleBinding \(s.bindingName)"
            : "in namespace \(s.bindingNamespace) through RoleBinding \(s.bindingName)"
        return RBACRuleInput(
            namespace: namespace,
            rule: grant.rule,
            location: location(s, ruleIndex: grant.ruleIndex),
            object: object,
            field: field,
            label: "\(roleLabel) rule \(grant.ruleIndex) (\(via))"
        )
    }

    // MARK: The checks

    /// A capability a rule may grant: verbs on resources of one API group.
    struct Capability {
        var verbs: [String]
        var group: String
        /// `resource` or `resource/subresource`.
        var resources: [String]
        /// Only effective through a cluster-wide grant (cluster-scoped resources).
        var clusterScoped: Bool = false
    }

    /// The verbs and resources of `cap` that `rule` allows, and whether the rule is limited by resourceNames.
    static func allowed(_ rule: PolicyRule, _ cap: Capability, namespace: String) -> (verbs: [String], resources: [String], named: Bool)? {
        if cap.clusterScoped && namespace != BaselineGrant.clusterWide { return nil }
        guard !rule.resources.isEmpty, RuleMatching.apiGroupMatches(rule, cap.group) else { return nil }
        let named = !rule.resourceNames.isEmpty
        var verbs: [String] = []
        var resources: [String] = []
        for resource in cap.resources {
            let sub = resource.split(separator: "/", maxSplits: 1).dropFirst().first.map(String.init) ?? ""
            guard RuleMatching.resourceMatches(rule, resource, sub) else { continue }
            var any = false
            for verb in cap.verbs where RuleMatching.verbMatches(rule, verb) {
                // Requests without a name (create, deletecollection) never match a resourceNames rule
                // unless it lists "" (upstream compares literally).
                if named && (verb == "create" || verb == "deletecollection") && !RuleMatching.resourceNameMatches(rule, "") { continue }
                any = true
                if !verbs.contains(verb) { verbs.append(verb) }
            }
            if any { resources.append(resource) }
        }
        return verbs.isEmpty ? nil : (verbs, resources, named)
    }

    static let writeVerbs = ["create", "update", "patch", "delete", "deletecollection"]

    static let simpleChecks: [(GuardrailRuleID, [Capability])] = [
        (.escalate, [Capability(verbs: ["escalate"], group: rbacGroupName, resources: ["roles", "clusterroles"])]),
        (.bind, [Capability(verbs: ["bind"], group: rbacGroupName, resources: ["roles", "clusterroles"])]),
        (
            .impersonate,
            [
                Capability(verbs: ["impersonate"], group: "", resources: ["users", "groups"], clusterScoped: true),
                Capability(verbs: ["impersonate"], group: "", resources: ["serviceaccounts"]),
                Capability(
                    verbs: ["impersonate"],
                    group: "authentication.k8s.io",
                    resources: ["uids", "userextras", "userextras/scopes"],
                    clusterScoped: true
                ),
            ]
        ),
        (.execAttach, [Capability(verbs: ["create", "get"], group: "", resources: ["pods/exec", "pods/attach"])]),
        (.portForward, [Capability(verbs: ["create", "get"], group: "", resources: ["pods/portforward"])]),
        (.ephemeralContainers, [Capability(verbs: ["update", "patch"], group: "", resources: ["pods/ephemeralcontainers"])]),
        (
            .nodeProxy,
            [
                Capability(
                    verbs: ["get", "list", "watch", "create", "update", "patch", "delete"],
                    group: "",
                    resources: ["nodes/proxy"],
                    clusterScoped: true
                )
            ]
        ),
        (.serviceAccountToken, [Capability(verbs: ["create"], group: "", resources: ["serviceaccounts/token"])]),
        (
            .csrApproval,
            [
                Capability(
                    verbs: ["update", "patch"],
                    group: "certificates.k8s.io",
                    resources: ["certificatesigningrequests/approval"],
                    clusterScoped: true
                ),
                Capability(verbs: ["approve"], group: "certificates.k8s.io", resources: ["signers"], clusterScoped: true),
            ]
        ),
        (
            .webhookConfig,
            [
                Capability(
                    verbs: writeVerbs,
                    group: "admissionregistration.k8s.io",
                    resources: ["validatingwebhookconfigurations", "mutatingwebhookconfigurations"],
                    clusterScoped: true
                )
            ]
        ),
        (.persistentVolumeCreate, [Capability(verbs: ["create"], group: "", resources: ["persistentvolumes"], clusterScoped: true)]),
        (
            .rbacWrite,
            [
                Capability(verbs: writeVerbs, group: rbacGroupName, resources: ["roles", "rolebindings"]),
                Capability(verbs: writeVerbs, group: rbacGroupName, resources: ["clusterroles", "clusterrolebindings"], clusterScoped: true),
            ]
        ),
        // A namespaced grant on namespaces applies to its own Namespace object (the request's namespace is the name).
        (.namespaceWrite, [Capability(verbs: ["create", "update", "patch", "delete"], group: "", resources: ["namespaces"])]),
        (
            .nodeWrite,
            [
                Capability(
                    verbs: ["create", "update", "patch", "delete", "deletecollection"],
                    group: "",
                    resources: ["nodes", "nodes/status"],
                    clusterScoped: true
                )
            ]
        ),
        (
            .deleteEvents,
            [
                Capability(verbs: ["delete", "deletecollection"], group: "", resources: ["events"]),
                Capability(verbs: ["delete", "deletecollection"], group: "events.k8s.io", resources: ["events"]),
            ]
        ),
    ]

    static let workloadCapabilities: [Capability] = [
        Capability(verbs: ["create", "update", "patch"], group: "", resources: ["pods", "replicationcontrollers"]),
        Capability(verbs: ["create", "update", "patch"], group: "apps", resources: ["deployments", "replicasets", "statefulsets", "daemonsets"]),
        Capability(verbs: ["create", "update", "patch"], group: "batch", resources: ["jobs", "cronjobs"]),
    ]

    static func scopeText(_ namespace: String) -> String {
        namespace == BaselineGrant.clusterWide ? "in every namespace" : "in namespace \(namespace)"
    }

    static func summary(_ a: (verbs: [String], resources: [String], named: Bool), rule: PolicyRule) -> String {
        var s = "\(a.verbs.joined(separator: ", ")) on \(a.resources.joined(separator: ", "))"
        if a.named { s += " named \(rule.resourceNames.joined(separator: ", "))" }
        return s
    }

    static func merge(_ parts: [(verbs: [String], resources: [String], named: Bool)]) -> (verbs: [String], resources: [String], named: Bool)? {
        guard !parts.isEmpty else { return nil }
        var v: [String] = []
        var r: [String] = []
        for p in parts {
            for x in p.verbs where !v.contains(x) { v.append(x) }
            for x in p.resources where !r.contains(x) { r.append(x) }
        }
        return (v, r, parts.contains { $0.named })
    }

    /// The ServiceAccounts pods can run as in `namespace` ("ns/name" for every namespace).
    static func runAs(_ namespace: String, _ serviceAccounts: [String: [String]]) -> [String] {
        if namespace == BaselineGrant.clusterWide {
            var all: [String] = []
            for ns in serviceAccounts.keys.sorted() {
                for sa in Set(serviceAccounts[ns]! + implicitServiceAccounts).sorted() { all.append("\(ns)/\(sa)") }
            }
            return all
        }
        return Set((serviceAccounts[namespace] ?? []) + implicitServiceAccounts).sorted()
    }

    static func check(rules inputs: [RBACRuleInput], agent: AgentIdentity?, serviceAccounts: [String: [String]]) -> [Finding] {
        var findings: [Finding] = []
        for input in inputs {
            let rule = input.rule
            let ns = input.namespace
            func add(_ id: GuardrailRuleID, _ message: String, severity: GuardrailSeverity? = nil, serviceAccounts: [String]? = nil) {
                findings.append(
                    Finding(
                        rule: id,
                        message: "\(input.label) \(message)",
                        object: input.object,
                        field: input.field,
                        ruleLocation: input.location,
                        agent: agent,
                        serviceAccounts: serviceAccounts,
                        severity: severity
                    )
                )
            }
            let star = RuleMatching.verbAll
            if rule.verbs.contains(star) && rule.apiGroups.contains(star) && rule.resources.contains(star) && rule.resourceNames.isEmpty {
                add(.fullAdmin, "allows every verb on every resource \(scopeText(ns))")
            }
            var wild: [String] = []
            if rule.verbs.contains(star) { wild.append("verbs") }
            if rule.apiGroups.contains(star) { wild.append("apiGroups") }
            if rule.resources.contains(where: { $0 == star || $0.hasPrefix("*/") }) { wild.append("resources") }
            if !wild.isEmpty { add(.wildcard, "has a wildcard in \(wild.joined(separator: ", ")): \(rule)") }

            if let a = allowed(rule, Capability(verbs: ["get", "list", "watch"], group: "", resources: ["secrets"]), namespace: ns) {
                if a.named {
                    add(.readNamedSecrets, "allows \(summary(a, rule: rule)) \(scopeText(ns))")
                } else {
                    add(.readSecrets, "allows \(summary(a, rule: rule)) \(scopeText(ns))")
                }
            }
            if !rule.resources.isEmpty {
                let deleting = rule.verbs.filter { $0 == star || $0 == "delete" || $0 == "deletecollection" }
                if !deleting.isEmpty {
                    var s = "allows \(deleting.joined(separator: ", ")) on \(rule.resources.joined(separator: ", "))"
                    if !rule.resourceNames.isEmpty { s += " named \(rule.resourceNames.joined(separator: ", "))" }
                    add(.delete, s + " \(scopeText(ns))")
                }
            }
            for (id, caps) in simpleChecks {
                if let a = merge(caps.compactMap { allowed(rule, $0, namespace: ns) }) {
                    add(id, "allows \(summary(a, rule: rule)) \(scopeText(ns))")
                }
            }
            if let a = merge(workloadCapabilities.compactMap { allowed(rule, $0, namespace: ns) }) {
                let sas = runAs(ns, serviceAccounts)
                let who =
                    ns == BaselineGrant.clusterWide
                    ? "any ServiceAccount in any namespace (known: \(sas.joined(separator: ", ")))"
                    : "any ServiceAccount in \(ns): \(sas.joined(separator: ", "))"
                add(
                    .workloadCreate,
                    "allows \(summary(a, rule: rule)) \(scopeText(ns)), so the agent can run pods as \(who)",
                    serviceAccounts: sas
                )
            }
        }
        return findings
    }
}
