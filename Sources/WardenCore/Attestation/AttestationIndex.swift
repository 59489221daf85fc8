// The snapshot's objects grouped by namespace, built once per attestation (one pass over
// `snapshot.objects`), so per-agent checks look only at their namespace's objects instead of
// scanning the whole cluster once per agent.

struct NamespaceObjects: Sendable {
    /// The Namespace object (first with that name), if in the snapshot.
    var namespace: KubeObject?
    /// ServiceAccount objects (core group), input order.
    var serviceAccounts: [KubeObject] = []
    /// Pods and pod controllers of their own API group (as `GuardrailCheck` selects them), input order.
    var workloads: [KubeObject] = []
    var networkPolicies: [KubeObject] = []
    var hasResourceQuota = false
}

struct AttestationIndex: Sendable {
    let byNamespace: [String: NamespaceObjects]
    /// Every ServiceAccount object, input order.
    let serviceAccounts: [ServiceAccountIdentity]
    /// ServiceAccounts carrying the agent label.
    let labelledServiceAccounts: [ServiceAccountIdentity]
    /// Namespaces carrying the agent label.
    let labelledNamespaces: Set<String>
    /// audit.k8s.io Policies: kept objects of the snapshot, then the ones given separately.
    let auditPolicies: [(object: FindingObject, body: JSONValue)]

    init(snapshot: Snapshot, extraAuditPolicies: [JSONValue], agentLabelKey: String) {
        var by: [String: NamespaceObjects] = [:]
        var accounts: [ServiceAccountIdentity] = []
        var labelled: [ServiceAccountIdentity] = []
        var labelledNS = Set<String>()
        var audit: [(object: FindingObject, body: JSONValue)] = []
        for o in snapshot.objects {
            switch o.kind {
            case "Namespace":
                if by[o.name]?.namespace == nil { by[o.name, default: .init()].namespace = o }
                if o.labels[agentLabelKey] != nil { labelledNS.insert(o.name) }
            case "ServiceAccount":
                guard o.group.isEmpty else { continue }
                by[o.namespace, default: .init()].serviceAccounts.append(o)
                let id = ServiceAccountIdentity(namespace: o.namespace, name: o.name)
                accounts.append(id)
                if o.labels[agentLabelKey] != nil { labelled.append(id) }
            case "NetworkPolicy":
                by[o.namespace, default: .init()].networkPolicies.append(o)
            case "ResourceQuota":
                by[o.namespace, default: .init()].hasResourceQuota = true
            case "Policy":
                if o.group == "audit.k8s.io" {
                    audit.append((FindingObject(kind: "Policy", name: o.name), o.body))
                }
            default:
                if WorkloadGuardrails.isWorkload(o.kind) && o.group == WorkloadGuardrails.group(o.kind) {
                    by[o.namespace, default: .init()].workloads.append(o)
                }
            }
        }
        for (i, p) in extraAuditPolicies.enumerated() {
            let n = audit.count + i
            let name = p["metadata"]?["name"]?.stringValue ?? (n == 0 ? "audit-policy" : "audit-policy-\(n + 1)")
            audit.append((FindingObject(kind: "Policy", name: name), p))
        }
        byNamespace = by
        serviceAccounts = accounts
        labelledServiceAccounts = labelled
        labelledNamespaces = labelledNS
        auditPolicies = audit
    }

    func objects(in namespace: String) -> NamespaceObjects { byNamespace[namespace] ?? .init() }

    func serviceAccountObject(namespace: String, name: String) -> KubeObject? {
        byNamespace[namespace]?.serviceAccounts.first { bytesEqual($0.name, name) }
    }

    /// Names of the namespace's ServiceAccount objects, sorted, unique.
    func serviceAccountNames(in namespace: String) -> [String] {
        Array(Set((byNamespace[namespace]?.serviceAccounts ?? []).map(\.name))).sorted()
    }

    /// The ServiceAccount a workload's pods run as ("default" when unset); nil without a pod spec.
    /// Same answer as `WorkloadGuardrails.serviceAccountName(kind:body:)`, read from the tape
    /// without materialising the object.
    static func serviceAccountName(of w: KubeObject) -> String? {
        guard let path = WorkloadGuardrails.podSpecPaths[w.kind], let spec = w.node.node(at: path) else { return nil }
        let name = spec["serviceAccountName"]?.string ?? spec["serviceAccount"]?.string ?? ""
        return name.isEmpty ? "default" : name
    }

    /// What `GuardrailCheck` lists as the namespace's ServiceAccounts: the objects, then the names
    /// its workloads run as.
    func serviceAccountList(in namespace: String) -> [String] {
        let objs = objects(in: namespace)
        var names = objs.serviceAccounts.map(\.name)
        for w in objs.workloads {
            if let sa = Self.serviceAccountName(of: w), !names.contains(sa) { names.append(sa) }
        }
        return names
    }
}
