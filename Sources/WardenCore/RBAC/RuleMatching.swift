// Request attributes and rule matching: a line-by-line port of
// k8s.io/kubernetes pkg/apis/rbac/v1/evaluation_helpers.go and the RuleAllows function of
// plugin/pkg/auth/authorizer/rbac/rbac.go.

/// Attributes of a resource request (`authorizer.Attributes` with `IsResourceRequest() == true`).
public struct ResourceAttributes: Sendable, Hashable, Codable {
    /// Empty for cluster-scoped requests (and for "all namespaces" list/watch).
    public var namespace: String
    public var verb: String
    /// API group, "" for the core group.
    public var group: String
    public var resource: String
    public var subresource: String
    /// Object name, "" when the request is not for a single named object (list, create, ...).
    public var name: String

    public init(
        namespace: String = "",
        verb: String,
        group: String = "",
        resource: String,
        subresource: String = "",
        name: String = ""
    ) {
        self.namespace = namespace
        self.verb = verb
        self.group = group
        self.resource = resource
        self.subresource = subresource
        self.name = name
    }

    enum CodingKeys: String, CodingKey { case namespace, verb, group, resource, subresource, name }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        namespace = try c.decodeIfPresent(String.self, forKey: .namespace) ?? ""
        verb = try c.decode(String.self, forKey: .verb)
        group = try c.decodeIfPresent(String.self, forKey: .group) ?? ""
        resource = try c.decode(String.self, forKey: .resource)
        subresource = try c.decodeIfPresent(String.self, forKey: .subresource) ?? ""
        name = try c.decodeIfPresent(String.self, forKey: .name) ?? ""
    }
}

/// Attributes of a non-resource request such as `GET /healthz`.
public struct NonResourceAttributes: Sendable, Hashable, Codable {
    public var path: String
    public var verb: String

    public init(path: String, verb: String) {
        self.path = path
        self.verb = verb
    }
}

/// Either kind of request attributes.
public enum RequestAttributes: Sendable, Hashable, Codable {
    case resource(ResourceAttributes)
    case nonResource(NonResourceAttributes)

    public var verb: String {
        switch self {
        case .resource(let r): return r.verb
        case .nonResource(let n): return n.verb
        }
    }

    /// The namespace RBAC evaluates the request in ("" for non-resource requests).
    public var namespace: String {
        switch self {
        case .resource(let r): return r.namespace
        case .nonResource: return ""
        }
    }

    enum CodingKeys: String, CodingKey { case resourceAttributes, nonResourceAttributes }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        if let r = try c.decodeIfPresent(ResourceAttributes.self, forKey: .resourceAttributes) {
            self = .resource(r)
        } else if let n = try c.decodeIfPresent(NonResourceAttributes.self, forKey: .nonResourceAttributes) {
            self = .nonResource(n)
        } else {
            throw DecodingError.dataCorrupted(
                .init(
                    codingPath: decoder.codingPath,
                    debugDescription: "one of resourceAttributes or nonResourceAttributes is required"
                )
            )
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        switch self {
        case .resource(let r): try c.encode(r, forKey: .resourceAttributes)
        case .nonResource(let n): try c.encode(n, forKey: .nonResourceAttributes)
        }
    }
}

/// A request to authorize (like a SubjectAccessReview spec). Groups are used exactly as given:
/// add `ServiceAccountIdentity.implicitGroups` / `system:authenticated` yourself when wanted.
public struct AccessRequest: Sendable, Hashable, Codable {
    public var user: String
    public var groups: [String]
    public var attributes: RequestAttributes

    public init(user: String, groups: [String] = [], attributes: RequestAttributes) {
        self.user = user
        self.groups = groups
        self.attributes = attributes
    }

    public init(user: String, groups: [String] = [], resource: ResourceAttributes) {
        self.init(user: user, groups: groups, attributes: .resource(resource))
    }

    public init(user: String, groups: [String] = [], nonResource: NonResourceAttributes) {
        self.init(user: user, groups: groups, attributes: .nonResource(nonResource))
    }

    enum CodingKeys: String, CodingKey { case user, groups, resourceAttributes, nonResourceAttributes }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        user = try c.decodeIfPresent(String.self, forKey: .user) ?? ""
        groups = try c.decodeIfPresent([String].self, forKey: .groups) ?? []
        attributes = try RequestAttributes(from: decoder)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(user, forKey: .user)
        try c.encode(groups, forKey: .groups)
        try attributes.encode(to: encoder)
    }
}

/// Service account user names: `system:serviceaccount:<namespace>:<name>`.
public struct ServiceAccountIdentity: Sendable, Hashable, Codable, Comparable {
    public static let usernamePrefix = "system:serviceaccount:"
    public static let allServiceAccountsGroup = "system:serviceaccounts"
    public static let groupPrefix = "system:serviceaccounts:"
    public static let authenticatedGroup = "system:authenticated"

    public var namespace: String
    public var name: String

    public init(namespace: String, name: String) {
        self.namespace = namespace
        self.name = name
    }

    /// Parses `system:serviceaccount:<ns>:<name>` (upstream `serviceaccount.SplitUsername`:
    /// exactly two non-empty parts after the prefix, so names containing `:` are rejected).
    public static func parse(_ username: String) -> ServiceAccountIdentity? {
        let u = Substring(username).utf8
        guard u.starts(with: usernamePrefix.utf8) else { return nil }
        let rest = u.dropFirst(usernamePrefix.utf8.count)
        let parts = rest.split(separator: UInt8(ascii: ":"), omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else { return nil }
        return ServiceAccountIdentity(namespace: String(Substring(parts[0])), name: String(Substring(parts[1])))
    }

    public var username: String { Self.username(namespace: namespace, name: name) }

    public static func username(namespace: String, name: String) -> String {
        usernamePrefix + namespace + ":" + name
    }

    /// The groups the service account token authenticator adds:
    /// `system:serviceaccounts`, `system:serviceaccounts:<ns>`, `system:authenticated`.
    public static func implicitGroups(namespace: String) -> [String] {
        [allServiceAccountsGroup, groupPrefix + namespace, authenticatedGroup]
    }

    public var implicitGroups: [String] { Self.implicitGroups(namespace: namespace) }

    /// An `AccessRequest` for this service account with its implicit groups.
    public func request(_ attributes: RequestAttributes) -> AccessRequest {
        AccessRequest(user: username, groups: implicitGroups, attributes: attributes)
    }

    public var subject: Subject { .serviceAccount(namespace: namespace, name: name) }

    public static func < (lhs: ServiceAccountIdentity, rhs: ServiceAccountIdentity) -> Bool {
        lhs.namespace != rhs.namespace ? lhs.namespace < rhs.namespace : lhs.name < rhs.name
    }
}

/// Matching functions, exactly as upstream (evaluation_helpers.go).
public enum RuleMatching {
    public static let verbAll = "*"
    public static let apiGroupAll = "*"
    public static let resourceAll = "*"
    public static let nonResourceAll = "*"

    public static func verbMatches(_ rule: PolicyRule, _ requestedVerb: String) -> Bool {
        for v in rule.verbs where bytesEqual(v, verbAll) || bytesEqual(v, requestedVerb) { return true }
        return false
    }

    public static func apiGroupMatches(_ rule: PolicyRule, _ requestedGroup: String) -> Bool {
        for g in rule.apiGroups where bytesEqual(g, apiGroupAll) || bytesEqual(g, requestedGroup) { return true }
        return false
    }

    /// `combinedRequestedResource` is `resource` or `resource/subresource`.
    public static func resourceMatches(
        _ rule: PolicyRule,
        _ combinedRequestedResource: String,
        _ requestedSubresource: String
    ) -> Bool {
        for r in rule.resources {
            if bytesEqual(r, resourceAll) { return true }
            if bytesEqual(r, combinedRequestedResource) { return true }
            // We can also match a */subresource.
            if requestedSubresource.isEmpty { continue }
            if r.utf8.count == requestedSubresource.utf8.count + 2,
                bytesHasPrefix(r, "*/"), bytesHasSuffix(r, requestedSubresource)
            {
                return true
            }
        }
        return false
    }

    /// Empty `resourceNames` allows every name; otherwise the requested name (possibly "") must be
    /// listed. A request without a name (list, create, ...) therefore never matches a rule with
    /// resourceNames, unless "" is listed (upstream compares strings literally).
    public static func resourceNameMatches(_ rule: PolicyRule, _ requestedName: String) -> Bool {
        if rule.resourceNames.isEmpty { return true }
        for n in rule.resourceNames where bytesEqual(n, requestedName) { return true }
        return false
    }

    public static func nonResourceURLMatches(_ rule: PolicyRule, _ requestedURL: String) -> Bool {
        for u in rule.nonResourceURLs {
            if bytesEqual(u, nonResourceAll) { return true }
            if bytesEqual(u, requestedURL) { return true }
            if bytesHasSuffix(u, "*") && bytesHasPrefix(requestedURL, trimTrailingStars(u)) { return true }
        }
        return false
    }

    /// `strings.TrimRight(s, "*")`.
    public static func trimTrailingStars(_ s: String) -> String {
        var u = Substring(s).utf8
        while u.last == UInt8(ascii: "*") { u = u.dropLast() }
        return String(Substring(u))
    }

    public static func ruleAllows(_ attributes: RequestAttributes, _ rule: PolicyRule) -> Bool {
        switch attributes {
        case .resource(let r): return ruleAllows(r, rule)
        case .nonResource(let n): return ruleAllows(n, rule)
        }
    }

    public static func ruleAllows(_ r: ResourceAttributes, _ rule: PolicyRule) -> Bool {
        let combined = r.subresource.isEmpty ? r.resource : r.resource + "/" + r.subresource
        return verbMatches(rule, r.verb)
            && apiGroupMatches(rule, r.group)
            && resourceMatches(rule, combined, r.subresource)
            && resourceNameMatches(rule, r.name)
    }

    public static func ruleAllows(_ n: NonResourceAttributes, _ rule: PolicyRule) -> Bool {
        verbMatches(rule, n.verb) && nonResourceURLMatches(rule, n.path)
    }

    public static func rulesAllow(_ attributes: RequestAttributes, _ rules: [PolicyRule]) -> Bool {
        rules.contains { ruleAllows(attributes, $0) }
    }

    /// Upstream `appliesToUser`: does one binding subject apply to the user?
    /// `bindingNamespace` is the RoleBinding's namespace ("" for a ClusterRoleBinding); a
    /// ServiceAccount subject without namespace defaults to it, and never matches when both are empty.
    public static func subjectApplies(
        _ subject: Subject,
        user: String,
        groups: [String],
        bindingNamespace: String
    ) -> Bool {
        switch subject.kind {
        case _ where bytesEqual(subject.kind, Subject.userKind):
            return bytesEqual(user, subject.name)
        case _ where bytesEqual(subject.kind, Subject.groupKind):
            return groups.contains { bytesEqual($0, subject.name) }
        case _ where bytesEqual(subject.kind, Subject.serviceAccountKind):
            let ns = subject.namespace.isEmpty ? bindingNamespace : subject.namespace
            if ns.isEmpty { return false }
            return matchesServiceAccountUsername(namespace: ns, name: subject.name, username: user)
        default:
            return false
        }
    }

    /// Upstream `appliesTo`: index of the first applying subject.
    public static func firstApplyingSubject(
        _ subjects: [Subject],
        user: String,
        groups: [String],
        bindingNamespace: String
    ) -> Int? {
        subjects.firstIndex { subjectApplies($0, user: user, groups: groups, bindingNamespace: bindingNamespace) }
    }

    /// `serviceaccount.MatchesUsername` (equivalent to comparing with the joined user name).
    public static func matchesServiceAccountUsername(namespace: String, name: String, username: String) -> Bool {
        var rest = Substring(username).utf8
        let prefix = ServiceAccountIdentity.usernamePrefix.utf8
        guard rest.starts(with: prefix) else { return false }
        rest = rest.dropFirst(prefix.count)
        guard rest.starts(with: namespace.utf8) else { return false }
        rest = rest.dropFirst(namespace.utf8.count)
        guard rest.first == UInt8(ascii: ":") else { return false }
        rest = rest.dropFirst()
        return rest.elementsEqual(name.utf8)
    }
}

// Kubernetes compares strings byte-wise (Go strings); Swift's `==`, `hasPrefix` and `hasSuffix`
// use Unicode canonical equivalence, which would make e.g. NFC and NFD spellings of a name match.
// These helpers keep the Go semantics.

@inline(__always)
func bytesEqual(_ a: String, _ b: String) -> Bool {
    let ua = a.utf8
    let ub = b.utf8
    return ua.count == ub.count && ua.elementsEqual(ub)
}

@inline(__always)
func bytesHasPrefix(_ s: String, _ prefix: String) -> Bool {
    s.utf8.starts(with: prefix.utf8)
}

@inline(__always)
func bytesHasSuffix(_ s: String, _ suffix: String) -> Bool {
    let us = s.utf8
    let ux = suffix.utf8
    guard us.count >= ux.count else { return false }
    return us.dropFirst(us.count - ux.count).elementsEqual(ux)
}
