import Foundation

/// One input file of a manifest check.
public struct ManifestFile: Sendable, Hashable {
    /// How findings name the file (a path or URI); nil when unknown (stdin).
    public var uri: String?
    public var bytes: [UInt8]

    public init(uri: String?, bytes: [UInt8]) {
        self.uri = uri
        self.bytes = bytes
    }
}

/// Manifests that could not be parsed.
public struct GuardrailInputError: Error, Sendable, Hashable, CustomStringConvertible {
    public var file: String?
    public var error: SnapshotError

    public init(file: String?, error: SnapshotError) {
        self.file = file
        self.error = error
    }

    public var description: String {
        // Parser messages can quote whole documents; keep each to its first lines.
        let lines = error.issues.prefix(5).map { issue -> String in
            let text = issue.description.split(separator: "\n", omittingEmptySubsequences: false).prefix(3).joined(separator: " ")
            return text.count > 300 ? String(text.prefix(300)) + "…" : text
        }
        let more = error.issues.count > 5 ? "\n(and \(error.issues.count - 5) more)" : ""
        let name = file ?? "<stdin>"
        return "\(name): " + lines.joined(separator: "\n\(name): ") + more
    }
}

/// Parsed manifests: the snapshot, plus what the snapshot parser does not keep.
public struct GuardrailInput: Sendable {
    public var snapshot: Snapshot
    /// audit.k8s.io Policy objects (which have no metadata.name), with how findings name them.
    public var auditPolicies: [(object: FindingObject, body: JSONValue)]
    /// Where each object came from (file and 1-based line, where known).
    public var locations: [FindingObject: (file: String?, line: Int?)]

    public init(
        snapshot: Snapshot,
        auditPolicies: [(object: FindingObject, body: JSONValue)] = [],
        locations: [FindingObject: (file: String?, line: Int?)] = [:]
    ) {
        self.snapshot = snapshot
        self.auditPolicies = auditPolicies
        self.locations = locations
    }

    static let keptKinds = KubeKinds.defaultKeptKinds.union(["ReplicationController"])

    /// Parses multi-document YAML or JSON (a List, an array, an object) from each file. Audit
    /// Policies are accepted without metadata.name.
    public static func parse(_ files: [ManifestFile]) throws(GuardrailInputError) -> GuardrailInput {
        var rbac = RBACState()
        var objects: [KubeObject] = []
        var counts: [String: Int] = [:]
        var itemCount = 0
        var audit: [(object: FindingObject, body: JSONValue)] = []
        var locations: [FindingObject: (file: String?, line: Int?)] = [:]
        let parser = SnapshotParser(options: SnapshotOptions(keptKinds: keptKinds))
        for file in files {
            let listBytes: [UInt8]
            do {
                listBytes = try parser.listJSON(file.bytes)
            } catch {
                throw GuardrailInputError(file: file.uri, error: error)
            }
            var items: [JSONValue] = []
            do {
                items = try JSONDocument(parsing: listBytes).root.value["items"]?.arrayValue ?? []
            } catch {
                throw GuardrailInputError(file: file.uri, error: SnapshotError(SnapshotIssue(code: .invalidJSON, message: "\(error)")))
            }
            if items.isEmpty { continue }
            let lines = documentLines(file.bytes, count: items.count)
            var patched = false
            for (i, item) in items.enumerated() {
                let kind = item["kind"]?.stringValue ?? ""
                let group = KubeKinds.group(ofAPIVersion: item["apiVersion"]?.stringValue ?? "")
                if kind == "Policy" && group == "audit.k8s.io" {
                    var name = item["metadata"]?["name"]?.stringValue ?? ""
                    if name.isEmpty {
                        name = audit.isEmpty ? "audit-policy" : "audit-policy-\(audit.count + 1)"
                        var o = item.objectValue ?? [:]
                        var meta = o["metadata"]?.objectValue ?? [:]
                        meta["name"] = .string(name)
                        o["metadata"] = .object(meta)
                        items[i] = .object(o)
                        patched = true
                    }
                    let object = FindingObject(kind: "Policy", name: name)
                    audit.append((object, item))
                }
                if let name = items[i]["metadata"]?["name"]?.stringValue, !kind.isEmpty {
                    let ns = items[i]["metadata"]?["namespace"]?.stringValue
                    let namespaced = KubeKinds.isNamespaced(kind: kind, group: group) ?? true
                    let object = FindingObject(kind: kind, namespace: namespaced ? ns : nil, name: name)
                    if locations[object] == nil { locations[object] = (file.uri, lines?[i]) }
                }
            }
            let snapshot: Snapshot
            do {
                // The flattened JSON List (YAML is parsed once, by listJSON); item indexes are unchanged.
                let input = patched ? JSONValue.object(["apiVersion": "v1", "kind": "List", "items": .array(items)]).jsonBytes() : listBytes
                snapshot = try parser.parse(input)
            } catch {
                throw GuardrailInputError(file: file.uri, error: error)
            }
            rbac.merge(snapshot.rbac)
            objects += snapshot.objects
            for (k, v) in snapshot.objectCounts { counts[k, default: 0] += v }
            itemCount += snapshot.itemCount
        }
        return GuardrailInput(
            snapshot: Snapshot(format: .yaml, rbac: rbac, objects: objects, objectCounts: counts, itemCount: itemCount),
            auditPolicies: audit,
            locations: locations
        )
    }

    /// The first content line of each YAML document, when the file is YAML with one object per
    /// document (`count` of them); nil otherwise.
    static func documentLines(_ bytes: [UInt8], count: Int) -> [Int]? {
        guard let first = bytes.first(where: { ![0x20, 0x0A, 0x0D, 0x09, 0xEF, 0xBB, 0xBF].contains($0) }),
            first != UInt8(ascii: "{"), first != UInt8(ascii: "[")
        else { return nil }
        let text = String(decoding: bytes, as: UTF8.self)
        var starts: [Int] = []
        var inDoc = false
        for (n, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = raw.trimmingCharacters(in: .whitespaces)
            if line.hasPrefix("---") {
                inDoc = false
                continue
            }
            if line == "..." {
                inDoc = false
                continue
            }
            if line.isEmpty || line.hasPrefix("#") || line.hasPrefix("%") { continue }
            if !inDoc {
                starts.append(n + 1)
                inDoc = true
            }
        }
        return starts.count == count ? starts : nil
    }
}

public enum GuardrailCheck {
    /// Checks manifests (multi-document YAML, or JSON: a List, an array or one object).
    /// With `agent`, checks that agent (with `grants`, its approved baseline instead of the RBAC
    /// in the manifests); without, infers agents from the ServiceAccount subjects of bindings and
    /// also checks unbound Roles. Every workload is checked either way.
    public static func run(
        manifests bytes: [UInt8],
        agent: AgentIdentity? = nil,
        expectations: GuardrailExpectations = .default,
        grants: [BaselineGrant]? = nil
    ) throws(SnapshotError) -> GuardrailReport {
        do {
            return try run(files: [ManifestFile(uri: nil, bytes: bytes)], agent: agent, expectations: expectations, grants: grants)
        } catch {
            throw error.error
        }
    }

    /// As `run(manifests:)`, over several files; findings name the file (and line) of their object.
    public static func run(
        files: [ManifestFile],
        agent: AgentIdentity? = nil,
        expectations: GuardrailExpectations = .default,
        grants: [BaselineGrant]? = nil
    ) throws(GuardrailInputError) -> GuardrailReport {
        let input = try GuardrailInput.parse(files)
        return run(input: input, agent: agent, expectations: expectations, grants: grants)
    }

    /// Checks a live snapshot (plus any audit Policies, given separately).
    public static func run(
        snapshot: Snapshot,
        auditPolicies: [JSONValue] = [],
        agent: AgentIdentity? = nil,
        expectations: GuardrailExpectations = .default,
        grants: [BaselineGrant]? = nil
    ) -> GuardrailReport {
        let audit = auditPolicies.enumerated().map { i, p in
            (
                object: FindingObject(
                    kind: "Policy",
                    name: p["metadata"]?["name"]?.stringValue ?? (i == 0 ? "audit-policy" : "audit-policy-\(i + 1)")
                ), body: p
            )
        }
        return run(input: GuardrailInput(snapshot: snapshot, auditPolicies: audit), agent: agent, expectations: expectations, grants: grants)
    }

    public static func run(
        input: GuardrailInput,
        agent: AgentIdentity?,
        expectations: GuardrailExpectations,
        grants: [BaselineGrant]?
    ) -> GuardrailReport {
        let snapshot = input.snapshot
        let rbac = snapshot.rbac
        let authorizer = RBACAuthorizer(rbac)
        let aggregated = Set(rbac.clusterRoles.filter { $0.aggregationRule != nil }.map(\.name))
        let objects = snapshot.objects
        let workloads = objects.filter { WorkloadGuardrails.isWorkload($0.kind) && $0.group == (WorkloadGuardrails.group($0.kind)) }
        let policies = objects.filter { $0.kind == "NetworkPolicy" }

        // ServiceAccounts per namespace (objects, plus those workloads run as).
        var serviceAccounts: [String: [String]] = [:]
        var automount: [ServiceAccountIdentity: Bool] = [:]
        for o in objects where o.kind == "ServiceAccount" && o.group.isEmpty {
            serviceAccounts[o.namespace, default: []].append(o.name)
            if let b = o.body["automountServiceAccountToken"]?.boolValue {
                automount[ServiceAccountIdentity(namespace: o.namespace, name: o.name)] = b
            }
        }
        for o in objects where o.kind == "Namespace" && serviceAccounts[o.name] == nil { serviceAccounts[o.name] = [] }
        for w in workloads {
            if let sa = WorkloadGuardrails.serviceAccountName(kind: w.kind, body: w.body),
                !(serviceAccounts[w.namespace] ?? []).contains(sa)
            {
                serviceAccounts[w.namespace, default: []].append(sa)
            }
        }

        // Agents.
        var agents: [AgentIdentity]
        if let agent {
            agents = [agent]
        } else {
            var set = Set<AgentIdentity>()
            for b in rbac.roleBindings {
                for s in b.subjects where s.kind == Subject.serviceAccountKind {
                    set.insert(AgentIdentity(namespace: s.namespace.isEmpty ? b.namespace : s.namespace, serviceAccount: s.name))
                }
            }
            for b in rbac.clusterRoleBindings {
                for s in b.subjects where s.kind == Subject.serviceAccountKind && !s.namespace.isEmpty {
                    set.insert(AgentIdentity(namespace: s.namespace, serviceAccount: s.name))
                }
            }
            agents = set.sorted()
        }
        for a in agents where !(serviceAccounts[a.namespace] ?? []).contains(a.serviceAccount) {
            serviceAccounts[a.namespace, default: []].append(a.serviceAccount)
        }

        var findings: [Finding] = []

        // RBAC.
        var agentRules: [AgentIdentity: [(namespace: String, rule: PolicyRule)]] = [:]
        for a in agents {
            if let grants, agent != nil {
                findings += RBACGuardrails.check(baseline: grants, agent: a, serviceAccounts: serviceAccounts)
                agentRules[a] = grants.flatMap { g in g.rules.map { (g.namespace, $0) } }
            } else {
                let perms = authorizer.effectivePermissions(of: a.identity)
                findings += RBACGuardrails.check(
                    permissions: perms,
                    agent: a,
                    serviceAccounts: serviceAccounts,
                    aggregatedClusterRoles: aggregated
                )
                agentRules[a] = perms.grants.map { g in
                    (g.bindingKind == .clusterRoleBinding ? BaselineGrant.clusterWide : g.bindingNamespace, g.rule)
                }
            }
        }
        if agent == nil {
            let bound = Set(rbac.roleBindings.filter { $0.roleRef.kind == RoleRef.roleKind }.map { "\($0.namespace)/\($0.roleRef.name)" })
            for role in rbac.roles where !bound.contains("\(role.namespace)/\(role.name)") {
                findings += RBACGuardrails.check(role: role, serviceAccounts: serviceAccounts)
            }
        }

        // Workloads.
        var needsToken = Set<ServiceAccountIdentity>()
        for (ns, names) in serviceAccounts {
            for name in names {
                let id = ServiceAccountIdentity(namespace: ns, name: name)
                let perms = authorizer.effectivePermissions(of: id)
                if !perms.isEmpty || !perms.unresolvedBindings.isEmpty { needsToken.insert(id) }
            }
        }
        if grants != nil, let agent { needsToken.insert(agent.identity) }
        let context = WorkloadContext(serviceAccountsWithPermissions: needsToken, serviceAccountAutomount: automount)
        for w in workloads {
            findings += WorkloadGuardrails.check(w, expectations: expectations.podSecurity, context: context)
        }

        // Namespaces.
        for ns in Set(agents.map(\.namespace)).sorted() {
            let tagged = agent
            let nsObject = FindingObject(kind: "Namespace", name: ns)
            if let n = objects.first(where: { $0.kind == "Namespace" && $0.name == ns }) {
                let value = n.labels["pod-security.kubernetes.io/enforce"]
                if value != "restricted" {
                    findings.append(
                        Finding(
                            rule: .podSecurityAdmission,
                            message: "Namespace \(ns) "
                                + (value.map { "enforces Pod Security \($0), not restricted" } ?? "has no pod-security.kubernetes.io/enforce label"),
                            object: nsObject,
                            field: "/metadata/labels",
                            agent: tagged
                        )
                    )
                }
            } else {
                findings.append(
                    Finding(
                        rule: .podSecurityAdmission,
                        message: "Namespace \(ns) is not in the input, so its Pod Security enforcement cannot be confirmed",
                        object: nsObject,
                        agent: tagged
                    )
                )
            }
            if !objects.contains(where: { $0.kind == "ResourceQuota" && $0.namespace == ns }) {
                findings.append(
                    Finding(
                        rule: .resourceQuota,
                        message: "namespace \(ns) has no ResourceQuota",
                        object: nsObject,
                        agent: tagged
                    )
                )
            }
        }

        // Network.
        var checkedPolicies = Set<String>()
        func checkPolicy(_ p: KubeObject, _ a: AgentIdentity?) {
            guard checkedPolicies.insert("\(p.namespace)/\(p.name)").inserted else { return }
            findings += NetworkGuardrails.check(policy: p, egress: expectations.egress, agent: a)
        }
        if let agent {
            let mine = workloads.filter {
                $0.namespace == agent.namespace && WorkloadGuardrails.serviceAccountName(kind: $0.kind, body: $0.body) == agent.serviceAccount
            }
            let (found, toCheck) = networkForAgent(agent, mine, policies, tagged: agent)
            findings += found
            for p in toCheck { checkPolicy(p, agent) }
        } else {
            for w in workloads {
                findings += NetworkGuardrails.checkCoverage(
                    workload: FindingObject(kind: w.kind, namespace: w.namespace, name: w.name),
                    namespace: w.namespace,
                    podLabels: WorkloadGuardrails.podLabels(kind: w.kind, body: w.body),
                    policies: policies
                )
            }
            for a in agents
            where !workloads.contains(where: { $0.namespace == a.namespace })
                && !policies.contains(where: { $0.namespace == a.namespace })
            {
                findings.append(
                    Finding(
                        rule: .networkPolicyMissing,
                        message: "namespace \(a.namespace) has no NetworkPolicy, so all traffic is allowed",
                        object: FindingObject(kind: "Namespace", name: a.namespace)
                    )
                )
            }
            for p in policies { checkPolicy(p, nil) }
        }

        // Audit.
        for (object, body) in input.auditPolicies {
            for a in agents {
                let rules = agentRules[a] ?? []
                findings += AuditGuardrails.check(
                    policy: body,
                    object: object,
                    agent: a,
                    requests: rules.isEmpty ? nil : AuditGuardrails.requests(for: rules)
                )
            }
        }

        // De-duplicate and locate.
        var seen = Set<Finding>()
        var out: [Finding] = []
        for var f in findings where seen.insert(f).inserted {
            if let o = f.object, let loc = input.locations[o] {
                f.file = loc.file
                f.line = loc.line
            }
            out.append(f)
        }
        return GuardrailReport(findings: out, agents: agents)
    }

    /// Coverage findings for the agent's workloads, and the policies to check (those selecting them,
    /// or every policy in the namespace when the agent has no workloads in the input).
    static func networkForAgent(
        _ agent: AgentIdentity,
        _ mine: [KubeObject],
        _ policies: [KubeObject],
        tagged: AgentIdentity?
    ) -> ([Finding], [KubeObject]) {
        let inNamespace = policies.filter { $0.namespace == agent.namespace }
        var findings: [Finding] = []
        if mine.isEmpty {
            if inNamespace.isEmpty {
                findings.append(
                    Finding(
                        rule: .networkPolicyMissing,
                        message: "namespace \(agent.namespace) has no NetworkPolicy, so all traffic is allowed",
                        object: FindingObject(kind: "Namespace", name: agent.namespace),
                        agent: tagged
                    )
                )
            }
            return (findings, inNamespace)
        }
        var toCheck: [KubeObject] = []
        for w in mine {
            let labels = WorkloadGuardrails.podLabels(kind: w.kind, body: w.body)
            findings += NetworkGuardrails.checkCoverage(
                workload: FindingObject(kind: w.kind, namespace: w.namespace, name: w.name),
                namespace: w.namespace,
                podLabels: labels,
                policies: policies,
                agent: tagged
            )
            toCheck += inNamespace.filter { NetworkGuardrails.selects($0.body, labels: labels) }
        }
        return (findings, toCheck)
    }
}

extension WorkloadGuardrails {
    /// The API group of a workload kind (the snapshot parser already checks built-in kinds' groups).
    static func group(_ kind: String) -> String {
        switch kind {
        case "Pod", "ReplicationController": return ""
        case "Job", "CronJob": return "batch"
        default: return "apps"
        }
    }
}
