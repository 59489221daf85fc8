// Audit Policy guardrail: every request the agent may make is logged at RequestResponse.
// Matching follows k8s.io/apiserver pkg/audit/policy/checker.go: the first rule that matches
// decides the level.

public enum AuditGuardrails {
    public static let levels = ["None", "Metadata", "Request", "RequestResponse"]

    /// One request the agent may make. `group` or `resource` "*" stand for "any" (only rules without
    /// resource restrictions, or with resource "*", cover them).
    public struct Request: Sendable, Hashable, CustomStringConvertible {
        public var verb: String
        public var group: String
        public var resource: String
        public var subresource: String
        public var namespace: String
        /// Set for non-resource requests.
        public var path: String?

        public init(verb: String, group: String = "", resource: String, subresource: String = "", namespace: String = "") {
            self.verb = verb
            self.group = group
            self.resource = resource
            self.subresource = subresource
            self.namespace = namespace
            self.path = nil
        }

        public init(verb: String, path: String) {
            self.verb = verb
            self.group = ""
            self.resource = ""
            self.subresource = ""
            self.namespace = ""
            self.path = path
        }

        public var description: String {
            if let path { return "\(verb) \(path)" }
            let r = subresource.isEmpty ? resource : "\(resource)/\(subresource)"
            let g = group.isEmpty ? r : "\(r).\(group)"
            return "\(verb) \(g)" + (namespace.isEmpty ? "" : " in \(namespace)")
        }
    }

    /// The level the policy gives `request` by `user` with `groups`, and the index of the deciding rule.
    public static func level(policy: JSONValue, user: String, groups: [String], request: Request) -> (level: String, ruleIndex: Int?) {
        for (i, rule) in (policy["rules"]?.arrayValue ?? []).enumerated() where matches(rule, user: user, groups: groups, request: request) {
            return (rule["level"]?.stringValue ?? "None", i)
        }
        return ("None", nil)
    }

    static func strings(_ v: JSONValue?) -> [String] { (v?.arrayValue ?? []).compactMap(\.stringValue) }

    static func matches(_ rule: JSONValue, user: String, groups: [String], request: Request) -> Bool {
        let users = strings(rule["users"])
        if !users.isEmpty && !users.contains(user) { return false }
        let userGroups = strings(rule["userGroups"])
        if !userGroups.isEmpty && !userGroups.contains(where: groups.contains) { return false }
        let verbs = strings(rule["verbs"])
        if !verbs.isEmpty && !verbs.contains(request.verb) { return false }
        let resources = rule["resources"]?.arrayValue ?? []
        let namespaces = strings(rule["namespaces"])
        if let path = request.path {
            if !resources.isEmpty || !namespaces.isEmpty { return false }
            let urls = strings(rule["nonResourceURLs"])
            if urls.isEmpty { return true }
            return urls.contains { $0 == path || ($0.hasSuffix("*") && path.hasPrefix(String($0.dropLast()))) }
        }
        if !strings(rule["nonResourceURLs"]).isEmpty { return false }
        if !namespaces.isEmpty && !namespaces.contains(request.namespace) { return false }
        if resources.isEmpty { return true }
        let combined = request.subresource.isEmpty ? request.resource : "\(request.resource)/\(request.subresource)"
        for gr in resources {
            guard (gr["group"]?.stringValue ?? "") == request.group else { continue }
            let rs = strings(gr["resources"])
            if rs.isEmpty { return true }
            // A request for no particular name never matches a resourceNames-limited entry.
            if !strings(gr["resourceNames"]).isEmpty { continue }
            for res in rs {
                if res == combined || res == "*" { return true }
                if !request.subresource.isEmpty && res == "*/" + request.subresource { return true }
                if res.hasSuffix("/*") && String(res.dropLast(2)) == request.resource { return true }
            }
        }
        return false
    }

    static let allVerbs = ["get", "list", "watch", "create", "update", "patch", "delete", "deletecollection"]

    /// The requests a set of rules allows (`*` verbs expand to the standard verbs; `*` groups and
    /// resources stay "*").
    public static func requests(for rules: [(namespace: String, rule: PolicyRule)]) -> [Request] {
        var out: [Request] = []
        var seen = Set<Request>()
        for (namespace, rule) in rules {
            let ns = namespace == BaselineGrant.clusterWide ? "" : namespace
            let verbs = rule.verbs.contains("*") ? allVerbs : rule.verbs
            for verb in verbs {
                for group in rule.apiGroups {
                    for resource in rule.resources {
                        let parts = resource.split(separator: "/", maxSplits: 1).map(String.init)
                        let r = Request(
                            verb: verb,
                            group: group,
                            resource: parts.first ?? resource,
                            subresource: parts.count > 1 ? parts[1] : "",
                            namespace: ns
                        )
                        if seen.insert(r).inserted { out.append(r) }
                    }
                }
                for url in rule.nonResourceURLs {
                    let r = Request(verb: verb, path: url)
                    if seen.insert(r).inserted { out.append(r) }
                }
            }
        }
        return out
    }

    /// Requests checked when the agent's grants are unknown.
    static func representativeRequests(namespace: String) -> [Request] {
        var out: [Request] = []
        for (group, resource) in [("", "pods"), ("apps", "deployments"), ("", "secrets"), ("", "configmaps")] {
            for verb in ["get", "list", "create", "update", "patch", "delete"] {
                out.append(Request(verb: verb, group: group, resource: resource, namespace: namespace))
            }
        }
        return out
    }

    /// Checks that the policy logs every request in `requests` (nil: a representative set) by the
    /// agent at RequestResponse; one finding per deciding rule (or none) that logs less.
    public static func check(policy: JSONValue, object: FindingObject, agent: AgentIdentity, requests: [Request]?) -> [Finding] {
        let user = agent.username
        let groups = ServiceAccountIdentity.implicitGroups(namespace: agent.namespace)
        let reqs = requests ?? representativeRequests(namespace: agent.namespace)
        var byRule: [Int: (level: String, requests: [Request])] = [:]
        var order: [Int] = []
        for r in reqs {
            let (level, index) = level(policy: policy, user: user, groups: groups, request: r)
            guard level != "RequestResponse" else { continue }
            let key = index ?? -1
            if byRule[key] == nil {
                order.append(key)
                byRule[key] = (level, [])
            }
            byRule[key]!.requests.append(r)
        }
        return order.sorted().map { key in
            let (level, rs) = byRule[key]!
            var list = rs.prefix(8).map(\.description).joined(separator: ", ")
            if rs.count > 8 { list += " and \(rs.count - 8) more" }
            let why =
                key < 0
                ? "match no rule, so they are not logged"
                : "are decided by rule \(key) at level \(level)"
            return Finding(
                rule: .auditNotRequestResponse,
                message: "audit Policy: requests by \(user) (\(list)) \(why)",
                object: object,
                field: key < 0 ? "/rules" : "/rules/\(key)",
                agent: agent
            )
        }
    }
}
