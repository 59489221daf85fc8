// NetworkPolicy guardrails: agent pods are isolated for ingress and egress, take no inbound
// traffic, and reach only the expected destinations.

public enum NetworkGuardrails {
    /// `spec.podSelector` of a NetworkPolicy (nil when it is malformed).
    static func labelSelector(_ v: JSONValue?) -> LabelSelector? {
        guard let v, !v.isNull else { return LabelSelector() }
        guard let o = v.objectValue else { return nil }
        var s = LabelSelector()
        if let ml = o["matchLabels"]?.objectValue { s.matchLabels = ml.compactMapValues(\.stringValue) }
        for e in o["matchExpressions"]?.arrayValue ?? [] {
            guard let key = e["key"]?.stringValue, let op = e["operator"]?.stringValue else { return nil }
            s.matchExpressions.append(
                LabelSelectorRequirement(
                    key: key,
                    operator: op,
                    values: (e["values"]?.arrayValue ?? []).compactMap(\.stringValue)
                )
            )
        }
        return s
    }

    /// The policy types in effect (upstream defaulting: Ingress always; Egress when egress rules are present).
    public static func policyTypes(_ body: JSONValue) -> Set<String> {
        if let types = body["spec"]?["policyTypes"]?.arrayValue, !types.isEmpty {
            return Set(types.compactMap(\.stringValue))
        }
        var t: Set<String> = ["Ingress"]
        if let e = body["spec"]?["egress"], !e.isNull { t.insert("Egress") }
        return t
    }

    /// Whether the policy selects pods with `labels` (same namespace assumed).
    public static func selects(_ policy: JSONValue, labels: [String: String]) -> Bool {
        labelSelector(policy["spec"]?["podSelector"])?.matches(labels) ?? false
    }

    /// Checks that pods with `podLabels` in `namespace` are selected by policies that, together,
    /// restrict both Ingress and Egress. Findings are reported against `workload`.
    public static func checkCoverage(
        workload: FindingObject,
        namespace: String,
        podLabels: [String: String],
        policies: [KubeObject],
        agent: AgentIdentity? = nil
    ) -> [Finding] {
        let selecting = policies.filter { $0.kind == "NetworkPolicy" && $0.namespace == namespace && selects($0.body, labels: podLabels) }
        let labelText =
            podLabels.isEmpty ? "no labels" : "labels " + podLabels.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ",")
        guard !selecting.isEmpty else {
            let others = policies.filter { $0.kind == "NetworkPolicy" && $0.namespace == namespace }.map(\.name).sorted()
            let why =
                others.isEmpty
                ? "namespace \(namespace) has no NetworkPolicy"
                : "no NetworkPolicy in \(namespace) (\(others.joined(separator: ", "))) selects its pods (\(labelText))"
            return [
                Finding(
                    rule: .networkPolicyMissing,
                    message: "\(workload): \(why), so all traffic is allowed",
                    object: workload,
                    field: WorkloadGuardrails.podLabelsPath(workload.kind).map { "/" + $0.joined(separator: "/") },
                    agent: agent
                )
            ]
        }
        let types = selecting.reduce(into: Set<String>()) { $0.formUnion(policyTypes($1.body)) }
        let missing = ["Ingress", "Egress"].filter { !types.contains($0) }
        guard !missing.isEmpty else { return [] }
        return selecting.map { p in
            Finding(
                rule: .networkPolicyTypes,
                message:
                    "NetworkPolicy \(p.namespace)/\(p.name) selects \(workload) but no selecting policy restricts \(missing.joined(separator: " or "))",
                object: FindingObject(kind: "NetworkPolicy", namespace: p.namespace, name: p.name),
                field: "/spec/policyTypes",
                agent: agent
            )
        }
    }

    /// Checks one NetworkPolicy's rules: no ingress allowed; egress only to the expected destinations.
    public static func check(policy: KubeObject, egress expected: [EgressDestination], agent: AgentIdentity? = nil) -> [Finding] {
        check(namespace: policy.namespace, name: policy.name, body: policy.body, egress: expected, agent: agent)
    }

    public static func check(
        namespace: String,
        name: String,
        body: JSONValue,
        egress expected: [EgressDestination],
        agent: AgentIdentity? = nil
    ) -> [Finding] {
        let object = FindingObject(kind: "NetworkPolicy", namespace: namespace, name: name)
        let label = "NetworkPolicy \(namespace)/\(name)"
        var findings: [Finding] = []
        let types = policyTypes(body)
        if types.contains("Ingress") {
            for (i, rule) in (body["spec"]?["ingress"]?.arrayValue ?? []).enumerated() {
                let from = rule["from"]?.arrayValue ?? []
                let what = from.isEmpty ? "from every source" : "from \(from.count) peer(s)"
                findings.append(
                    Finding(
                        rule: .ingressAllowed,
                        message: "\(label) ingress rule \(i) allows traffic \(what)",
                        object: object,
                        field: "/spec/ingress/\(i)",
                        agent: agent
                    )
                )
            }
        }
        if types.contains("Egress") {
            for (i, rule) in (body["spec"]?["egress"]?.arrayValue ?? []).enumerated() {
                let problems = egressProblems(rule, expected: expected)
                if !problems.isEmpty {
                    findings.append(
                        Finding(
                            rule: .egressUnexpected,
                            message: "\(label) egress rule \(i) allows \(problems.joined(separator: "; "))",
                            object: object,
                            field: "/spec/egress/\(i)",
                            agent: agent
                        )
                    )
                }
            }
        }
        return findings
    }

    /// A port entry of a rule: protocol and an inclusive range (nil range: every port).
    struct PortRange: CustomStringConvertible {
        var proto: String
        var range: ClosedRange<Int>?
        var named: String?
        var description: String {
            if let named { return "port \(named)/\(proto)" }
            guard let range else { return "every \(proto) port" }
            return range.count == 1 ? "\(range.lowerBound)/\(proto)" : "\(range.lowerBound)-\(range.upperBound)/\(proto)"
        }
    }

    /// What the rule allows beyond `expected`, described.
    static func egressProblems(_ rule: JSONValue, expected: [EgressDestination]) -> [String] {
        let peers = rule["to"]?.arrayValue ?? []
        let portsJSON = rule["ports"]?.arrayValue ?? []
        if portsJSON.isEmpty {
            return [(peers.isEmpty ? "every destination" : "\(peers.count) destination(s)") + " on every port and protocol (no ports)"]
        }
        let ports: [PortRange] = portsJSON.map { p in
            let proto = p["protocol"]?.stringValue ?? "TCP"
            if let named = p["port"]?.stringValue {
                if let n = Int(named) { return PortRange(proto: proto, range: n...n) }
                return PortRange(proto: proto, range: nil, named: named)
            }
            guard let port = p["port"]?.intValue.map(Int.init) else { return PortRange(proto: proto, range: nil) }
            let end = p["endPort"]?.intValue.map(Int.init) ?? port
            return PortRange(proto: proto, range: port...max(port, end))
        }
        // Destinations as CIDR blocks minus exceptions; in-cluster peers and "no to" mean anywhere.
        var blocks: [(CIDR, [CIDR], String)] = []
        if peers.isEmpty {
            blocks = [(.allIPv4, [], "every destination"), (.allIPv6, [], "every destination")]
        }
        for peer in peers {
            if let ip = peer["ipBlock"] {
                guard let text = ip["cidr"]?.stringValue, let cidr = CIDR(text) else {
                    return ["an ipBlock with an invalid cidr \(ip["cidr"]?.stringValue ?? "")"]
                }
                let except = (ip["except"]?.arrayValue ?? []).compactMap { $0.stringValue.flatMap(CIDR.init) }
                let exceptText = except.isEmpty ? "" : " except " + except.map(\.description).joined(separator: ", ")
                blocks.append((cidr, except, "\(text)\(exceptText)"))
            } else {
                let what = peer["namespaceSelector"] != nil ? "pods selected by namespaceSelector/podSelector" : "pods selected by podSelector"
                blocks.append((.allIPv4, [], what))
                blocks.append((.allIPv6, [], what))
            }
        }
        var problems: [String] = []
        for port in ports {
            // The expected destinations whose ports cover this entry entirely.
            let cidrs = expected.filter { d in
                guard let range = port.range else { return false }
                let allowed = Set(d.ports.filter { $0.protocol == port.proto }.map(\.port))
                return range.allSatisfy { allowed.contains($0) }
            }.compactMap { CIDR($0.cidr) }
            var bad: [String] = []
            for (block, except, text) in blocks where !CIDR.covered(block, excluding: except, by: cidrs) {
                if !bad.contains(text) { bad.append(text) }
            }
            if !bad.isEmpty { problems.append("\(port) to \(bad.joined(separator: ", "))") }
        }
        return problems
    }
}
