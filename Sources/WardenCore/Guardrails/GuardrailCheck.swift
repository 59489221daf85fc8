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
            var items = try listItems(listBytes, file: file)
            if items.isEmpty { continue }
            let named = nameAuditPolicies(&items, into: &audit)
            recordLocations(items, of: file, in: &locations)
            let snapshot: Snapshot
            do {
                // The flattened JSON List (YAML is parsed once, by listJSON); item indexes are unchanged.
                let input = named ? JSONValue.object(["apiVersion": "v1", "kind": "List", "items": .array(items)]).jsonBytes() : listBytes
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

    /// The items of a flattened JSON List.
    static func listItems(_ listBytes: [UInt8], file: ManifestFile) throws(GuardrailInputError) -> [JSONValue] {
        do {
            return try JSONDocument(parsing: listBytes).root.value["items"]?.arrayValue ?? []
        } catch {
            throw GuardrailInputError(file: file.uri, error: SnapshotError(SnapshotIssue(code: .invalidJSON, message: "\(error)")))
        }
    }

    /// Lists the audit.k8s.io Policies among `items`, naming those without metadata.name (in the
    /// items too, so the snapshot parser accepts them: audit-policy, audit-policy-2, ...). Returns
    /// whether an item was changed.
    static func nameAuditPolicies(_ items: inout [JSONValue], into audit: inout [(object: FindingObject, body: JSONValue)]) -> Bool {
        var named = false
        for (i, item) in items.enumerated() {
            guard item["kind"]?.stringValue == "Policy",
                KubeKinds.group(ofAPIVersion: item["apiVersion"]?.stringValue ?? "") == "audit.k8s.io"
            else { continue }
            var name = item["metadata"]?["name"]?.stringValue ?? ""
            if name.isEmpty {
                name = audit.isEmpty ? "audit-policy" : "audit-policy-\(audit.count + 1)"
                var o = item.objectValue ?? [:]
                var meta = o["metadata"]?.objectValue ?? [:]
                meta["name"] = .string(name)
                o["metadata"] = .object(meta)
                items[i] = .object(o)
                named = true
            }
            audit.append((FindingObject(kind: "Policy", name: name), item))
        }
        return named
    }

    /// Where each named object of the file is (its first occurrence wins), so findings can say.
    static func recordLocations(_ items: [JSONValue], of file: ManifestFile, in locations: inout [FindingObject: (file: String?, line: Int?)]) {
        let lines = documentLines(file.bytes, count: items.count)
        for (i, item) in items.enumerated() {
            let kind = item["kind"]?.stringValue ?? ""
            guard let name = item["metadata"]?["name"]?.stringValue, !kind.isEmpty else { continue }
            let group = KubeKinds.group(ofAPIVersion: item["apiVersion"]?.stringValue ?? "")
            let namespaced = KubeKinds.isNamespaced(kind: kind, group: group) ?? true
            let object = FindingObject(kind: kind, namespace: namespaced ? item["metadata"]?["namespace"]?.stringValue : nil, name: name)
            if locations[object] == nil { locations[object] = (file.uri, lines?[i]) }
        }
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

    /// The checks over parsed input: a given agent through the per-agent pipeline
    /// (`AgentGuardrails`, which attestations run too), or else every agent inferred from the
    /// bindings; each finding once, with the file and line of its object.
    public static func run(
        input: GuardrailInput,
        agent: AgentIdentity?,
        expectations: GuardrailExpectations,
        grants: [BaselineGrant]?
    ) -> GuardrailReport {
        var manifests = ManifestFacts(input.snapshot)
        let agents = agent.map { [$0] } ?? inferredAgents(manifests.rbac)
        manifests.addServiceAccounts(of: agents)
        let findings: [Finding]
        if let agent {
            findings = AgentGuardrails.run(agentInput(agent, grants: grants, manifests, input: input, expectations: expectations))
        } else {
            findings = inferredAgentsFindings(agents, manifests, auditPolicies: input.auditPolicies, expectations: expectations)
        }
        return GuardrailReport(findings: located(AgentGuardrails.deduplicated(findings), input.locations), agents: agents)
    }

    /// What the checks need from the manifests, gathered once.
    struct ManifestFacts {
        let rbac: RBACState
        let authorizer: RBACAuthorizer
        let aggregatedClusterRoles: Set<String>
        let objects: [KubeObject]
        /// Pods and pod controllers of their own API group.
        let workloads: [KubeObject]
        let networkPolicies: [KubeObject]
        /// ServiceAccount names per namespace: the objects, then those workloads run as (a
        /// Namespace without any is listed empty).
        var serviceAccounts: [String: [String]] = [:]
        /// `automountServiceAccountToken` of ServiceAccount objects that set it.
        var automount: [ServiceAccountIdentity: Bool] = [:]

        init(_ snapshot: Snapshot) {
            rbac = snapshot.rbac
            authorizer = RBACAuthorizer(rbac)
            aggregatedClusterRoles = Set(rbac.clusterRoles.filter { $0.aggregationRule != nil }.map(\.name))
            objects = snapshot.objects
            workloads = objects.filter { WorkloadGuardrails.isWorkload($0.kind) && $0.group == (WorkloadGuardrails.group($0.kind)) }
            networkPolicies = objects.filter { $0.kind == "NetworkPolicy" }
            for o in objects where o.kind == "ServiceAccount" && o.group.isEmpty {
                serviceAccounts[o.namespace, default: []].append(o.name)
                if let b = o.body["automountServiceAccountToken"]?.boolValue {
                    automount[ServiceAccountIdentity(namespace: o.namespace, name: o.name)] = b
                }
            }
            for o in objects where o.kind == "Namespace" && serviceAccounts[o.name] == nil { serviceAccounts[o.name] = [] }
            for w in workloads {
                if let sa = WorkloadGuardrails.serviceAccountName(kind: w.kind, body: w.body) { addServiceAccount(sa, in: w.namespace) }
            }
        }

        /// The agents' own ServiceAccounts exist even when the manifests do not declare them.
        mutating func addServiceAccounts(of agents: [AgentIdentity]) {
            for a in agents { addServiceAccount(a.serviceAccount, in: a.namespace) }
        }

        mutating func addServiceAccount(_ name: String, in namespace: String) {
            if !(serviceAccounts[namespace] ?? []).contains(name) { serviceAccounts[namespace, default: []].append(name) }
        }

        /// Workload checks report a mounted token only for ServiceAccounts the RBAC grants nothing
        /// (`alsoNeeded`: ones whose grants come from elsewhere, e.g. a baseline).
        func workloadContext(alsoNeeded: ServiceAccountIdentity? = nil) -> WorkloadContext {
            var needsToken = Set<ServiceAccountIdentity>()
            for (ns, names) in serviceAccounts {
                for name in names {
                    let id = ServiceAccountIdentity(namespace: ns, name: name)
                    let perms = authorizer.effectivePermissions(of: id)
                    if !perms.isEmpty || !perms.unresolvedBindings.isEmpty { needsToken.insert(id) }
                }
            }
            if let alsoNeeded { needsToken.insert(alsoNeeded) }
            return WorkloadContext(serviceAccountsWithPermissions: needsToken, serviceAccountAutomount: automount)
        }

        func namespaceObject(_ name: String) -> KubeObject? {
            objects.first { $0.kind == "Namespace" && $0.name == name }
        }

        func hasResourceQuota(_ namespace: String) -> Bool {
            objects.contains { $0.kind == "ResourceQuota" && $0.namespace == namespace }
        }
    }

    /// The agents of manifests that name none: the ServiceAccount subjects of their bindings.
    static func inferredAgents(_ rbac: RBACState) -> [AgentIdentity] {
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
        return set.sorted()
    }

    /// One given agent: its RBAC (the baseline's grants when given, else the manifests'), every
    /// workload of the manifests, and its own namespace, pods and NetworkPolicies.
    static func agentInput(
        _ agent: AgentIdentity,
        grants: [BaselineGrant]?,
        _ manifests: ManifestFacts,
        input: GuardrailInput,
        expectations: GuardrailExpectations
    ) -> AgentGuardrailInput {
        let access: AgentAccess =
            grants.map { .baseline($0) }
            ?? .live(manifests.authorizer.effectivePermissions(of: agent.identity), aggregatedClusterRoles: manifests.aggregatedClusterRoles)
        let mine = manifests.workloads.filter {
            $0.namespace == agent.namespace && WorkloadGuardrails.serviceAccountName(kind: $0.kind, body: $0.body) == agent.serviceAccount
        }
        return AgentGuardrailInput(
            agent: agent,
            access: access,
            serviceAccounts: manifests.serviceAccounts,
            clusterWideRunAs: .listed,
            workloads: manifests.workloads,
            workloadContext: manifests.workloadContext(alsoNeeded: grants == nil ? nil : agent.identity),
            agentWorkloads: mine,
            namespaceObject: manifests.namespaceObject(agent.namespace),
            namespaceHasResourceQuota: manifests.hasResourceQuota(agent.namespace),
            networkPolicies: manifests.networkPolicies,
            auditPolicies: input.auditPolicies,
            expectations: expectations
        )
    }

    /// Agents inferred from bindings: the per-agent checks for each (their findings on shared
    /// objects, namespaces and policies, are not tagged with an agent), unbound Roles, and every
    /// workload's NetworkPolicy coverage.
    static func inferredAgentsFindings(
        _ agents: [AgentIdentity],
        _ manifests: ManifestFacts,
        auditPolicies: [(object: FindingObject, body: JSONValue)],
        expectations: GuardrailExpectations
    ) -> [Finding] {
        let accesses = agents.map {
            AgentAccess.live(manifests.authorizer.effectivePermissions(of: $0.identity), aggregatedClusterRoles: manifests.aggregatedClusterRoles)
        }
        var findings: [Finding] = []
        for (a, access) in zip(agents, accesses) {
            findings += AgentGuardrails.rbacFindings(agent: a, access: access, serviceAccounts: manifests.serviceAccounts, clusterWideRunAs: .listed)
        }
        findings += unboundRoleFindings(manifests)
        let context = manifests.workloadContext()
        for w in manifests.workloads {
            findings += WorkloadGuardrails.check(w, expectations: expectations.podSecurity, context: context)
        }
        for ns in Set(agents.map(\.namespace)).sorted() {
            findings += AgentGuardrails.namespaceFindings(
                ns,
                object: manifests.namespaceObject(ns),
                hasResourceQuota: manifests.hasResourceQuota(ns),
                agent: nil
            )
        }
        findings += networkFindings(agents, manifests, egress: expectations.egress)
        for policy in auditPolicies {
            for (a, access) in zip(agents, accesses) {
                findings += AgentGuardrails.auditFindings([policy], agent: a, requests: AgentGuardrails.auditRequests(access))
            }
        }
        return findings
    }

    /// Roles no RoleBinding references are checked on their own (someone may bind them later).
    static func unboundRoleFindings(_ manifests: ManifestFacts) -> [Finding] {
        let rbac = manifests.rbac
        let bound = Set(rbac.roleBindings.filter { $0.roleRef.kind == RoleRef.roleKind }.map { "\($0.namespace)/\($0.roleRef.name)" })
        return rbac.roles.filter { !bound.contains("\($0.namespace)/\($0.name)") }.flatMap {
            RBACGuardrails.check(role: $0, serviceAccounts: manifests.serviceAccounts)
        }
    }

    /// Without a given agent: every workload's coverage, the agents' namespaces without any
    /// workload or NetworkPolicy, and every NetworkPolicy's rules.
    static func networkFindings(_ agents: [AgentIdentity], _ manifests: ManifestFacts, egress: [EgressDestination]) -> [Finding] {
        let workloads = manifests.workloads
        let policies = manifests.networkPolicies
        var findings: [Finding] = []
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
        var checked = Set<String>()
        for p in policies where checked.insert("\(p.namespace)/\(p.name)").inserted {
            findings += NetworkGuardrails.check(policy: p, egress: egress, agent: nil)
        }
        return findings
    }

    /// Each finding with the file and line its object came from, where known.
    static func located(_ findings: [Finding], _ locations: [FindingObject: (file: String?, line: Int?)]) -> [Finding] {
        findings.map { f in
            guard let o = f.object, let loc = locations[o] else { return f }
            var f = f
            f.file = loc.file
            f.line = loc.line
            return f
        }
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
