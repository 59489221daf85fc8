import Yams

/// The Kubernetes objects that grant an agent exactly its approved baseline, and fence it in:
/// its namespace under Pod Security `restricted`, a ServiceAccount that mounts no token unless
/// asked, one Role and RoleBinding per namespace granted, a default-deny NetworkPolicy that lets
/// out only the approved egress, a ResourceQuota and LimitRange, and an audit Policy rule that
/// logs the agent at RequestResponse.
public enum LeastPrivilegeManifests {
    public struct Refusal: Error, Sendable, CustomStringConvertible {
        public var description: String
    }

    public static func documents(agent: AgentFields, baseline: Baseline) throws(Refusal) -> [JSONValue] {
        let ns = agent.namespace
        let name = "warden-" + agent.name
        let labels: JSONValue = ["app.kubernetes.io/managed-by": "warden", "warden.dev/agent": .string(agent.name)]
        var docs: [JSONValue] = []
        docs.append([
            "apiVersion": "v1", "kind": "Namespace",
            "metadata": [
                "name": .string(ns),
                "labels": [
                    "pod-security.kubernetes.io/enforce": "restricted", "pod-security.kubernetes.io/enforce-version": "latest",
                    "pod-security.kubernetes.io/audit": "restricted", "pod-security.kubernetes.io/warn": "restricted",
                ],
            ],
        ])
        docs.append([
            "apiVersion": "v1", "kind": "ServiceAccount",
            "metadata": ["name": .string(agent.serviceAccount), "namespace": .string(ns), "labels": labels],
            // Pods that need the API mount a projected, expiring token explicitly.
            "automountServiceAccountToken": false,
        ])
        let subject: JSONValue = ["kind": "ServiceAccount", "name": .string(agent.serviceAccount), "namespace": .string(ns)]
        for grant in baseline.content.grants {
            let rules = JSONValue.array(grant.rules.map(ruleValue))
            if grant.isClusterWide {
                guard baseline.acceptedRisk else {
                    throw Refusal(description: "the baseline grants cluster-wide permissions without an approval that accepted the risk")
                }
                docs.append([
                    "apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRole",
                    "metadata": ["name": .string("\(name)-\(ns)"), "labels": labels], "rules": rules,
                ])
                docs.append([
                    "apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRoleBinding",
                    "metadata": ["name": .string("\(name)-\(ns)"), "labels": labels],
                    "roleRef": ["apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": .string("\(name)-\(ns)")],
                    "subjects": [subject],
                ])
            } else {
                docs.append([
                    "apiVersion": "rbac.authorization.k8s.io/v1", "kind": "Role",
                    "metadata": ["name": .string(name), "namespace": .string(grant.namespace), "labels": labels], "rules": rules,
                ])
                docs.append([
                    "apiVersion": "rbac.authorization.k8s.io/v1", "kind": "RoleBinding",
                    "metadata": ["name": .string(name), "namespace": .string(grant.namespace), "labels": labels],
                    "roleRef": ["apiGroup": "rbac.authorization.k8s.io", "kind": "Role", "name": .string(name)],
                    "subjects": [subject],
                ])
            }
        }
        let egress = JSONValue.array(
            baseline.content.expectations.egress.map { destination in
                [
                    "to": [["ipBlock": ["cidr": .string(destination.cidr)]]],
                    "ports": .array(destination.ports.map { ["protocol": .string($0.protocol), "port": .int(Int64($0.port))] }),
                ]
            }
        )
        docs.append([
            "apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy",
            "metadata": ["name": .string("\(name)-default-deny"), "namespace": .string(ns), "labels": labels],
            "spec": ["podSelector": [:], "policyTypes": ["Ingress", "Egress"], "ingress": [], "egress": egress],
        ])
        docs.append([
            "apiVersion": "v1", "kind": "ResourceQuota",
            "metadata": ["name": .string("\(name)-quota"), "namespace": .string(ns), "labels": labels],
            "spec": [
                "hard": [
                    "pods": "10", "requests.cpu": "2", "requests.memory": "4Gi", "limits.cpu": "4", "limits.memory": "8Gi",
                    "persistentvolumeclaims": "0", "services.loadbalancers": "0", "services.nodeports": "0",
                ]
            ],
        ])
        docs.append([
            "apiVersion": "v1", "kind": "LimitRange",
            "metadata": ["name": .string("\(name)-limits"), "namespace": .string(ns), "labels": labels],
            "spec": [
                "limits": [
                    [
                        "type": "Container", "default": ["cpu": "500m", "memory": "512Mi"],
                        "defaultRequest": ["cpu": "100m", "memory": "128Mi"], "max": ["cpu": "2", "memory": "2Gi"],
                    ]
                ]
            ],
        ])
        docs.append([
            "apiVersion": "audit.k8s.io/v1", "kind": "Policy",
            "rules": [["level": "RequestResponse", "users": [.string(agent.username)]]],
        ])
        return docs
    }

    /// The documents as multi-document YAML, keys sorted so the output is stable.
    public static func yaml(agent: AgentFields, baseline: Baseline) throws -> String {
        let header = """
            # Least-privilege manifests for agent \(agent.name) (\(agent.cluster)), generated by Warden from
            # baseline version \(baseline.version) (\(baseline.digest)). The audit Policy rule belongs in the
            # API server's audit policy file, ahead of any broader rule.

            """
        return header
            + (try documents(agent: agent, baseline: baseline).map { document in
                "---\n" + (try Yams.dump(object: document.plainValue, sortKeys: true))
            }.joined())
    }

    static func ruleValue(_ rule: PolicyRule) -> JSONValue {
        var object: [String: JSONValue] = ["verbs": .array(rule.verbs.map(JSONValue.string))]
        if !rule.nonResourceURLs.isEmpty {
            object["nonResourceURLs"] = .array(rule.nonResourceURLs.map(JSONValue.string))
        } else {
            object["apiGroups"] = .array(rule.apiGroups.map(JSONValue.string))
            object["resources"] = .array(rule.resources.map(JSONValue.string))
            if !rule.resourceNames.isEmpty { object["resourceNames"] = .array(rule.resourceNames.map(JSONValue.string)) }
        }
        return .object(object)
    }
}

extension JSONValue {
    /// Foundation-free plain values (String, Int, Double, Bool, arrays, dictionaries) for encoders like Yams.
    public var plainValue: Any {
        switch self {
        case .null: return NSNullMarker.instance
        case .bool(let b): return b
        case .int(let i): return Int(i)
        case .double(let d): return d
        case .string(let s): return s
        case .array(let a): return a.map(\.plainValue)
        case .object(let o): return o.mapValues(\.plainValue)
        }
    }
}

/// Yams writes `null` for an Optional.none; the marker stands for JSON null.
enum NSNullMarker {
    static let instance: String? = nil
}
