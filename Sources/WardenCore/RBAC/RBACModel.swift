// RBAC object model, mirroring k8s.io/api/rbac/v1 (only the fields that matter for evaluation).
//
// JSON/Codable field names are the Kubernetes ones, so these types round-trip through
// `kubectl`-style JSON. Empty string lists are omitted when encoding and decode from
// missing or `null` fields, exactly like the Go `omitempty` behaviour.

/// A single RBAC rule (`rbac.authorization.k8s.io/v1` `PolicyRule`).
public struct PolicyRule: Sendable, Hashable, Codable, CustomStringConvertible {
    public var verbs: [String]
    public var apiGroups: [String]
    public var resources: [String]
    public var resourceNames: [String]
    public var nonResourceURLs: [String]

    public init(
        verbs: [String] = [],
        apiGroups: [String] = [],
        resources: [String] = [],
        resourceNames: [String] = [],
        nonResourceURLs: [String] = []
    ) {
        self.verbs = verbs
        self.apiGroups = apiGroups
        self.resources = resources
        self.resourceNames = resourceNames
        self.nonResourceURLs = nonResourceURLs
    }

    enum CodingKeys: String, CodingKey {
        case verbs, apiGroups, resources, resourceNames, nonResourceURLs
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        verbs = try c.decodeIfPresent([String].self, forKey: .verbs) ?? []
        apiGroups = try c.decodeIfPresent([String].self, forKey: .apiGroups) ?? []
        resources = try c.decodeIfPresent([String].self, forKey: .resources) ?? []
        resourceNames = try c.decodeIfPresent([String].self, forKey: .resourceNames) ?? []
        nonResourceURLs = try c.decodeIfPresent([String].self, forKey: .nonResourceURLs) ?? []
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(verbs, forKey: .verbs)
        if !apiGroups.isEmpty { try c.encode(apiGroups, forKey: .apiGroups) }
        if !resources.isEmpty { try c.encode(resources, forKey: .resources) }
        if !resourceNames.isEmpty { try c.encode(resourceNames, forKey: .resourceNames) }
        if !nonResourceURLs.isEmpty { try c.encode(nonResourceURLs, forKey: .nonResourceURLs) }
    }

    /// Upstream `CompactString`-like rendering, e.g. `{APIGroups:[""], Resources:["pods"], Verbs:["get"]}`.
    public var description: String {
        var parts: [String] = []
        func q(_ a: [String]) -> String { "[" + a.map { "\"\($0)\"" }.joined(separator: " ") + "]" }
        if !apiGroups.isEmpty { parts.append("APIGroups:" + q(apiGroups)) }
        if !resources.isEmpty { parts.append("Resources:" + q(resources)) }
        if !nonResourceURLs.isEmpty { parts.append("NonResourceURLs:" + q(nonResourceURLs)) }
        if !resourceNames.isEmpty { parts.append("ResourceNames:" + q(resourceNames)) }
        if !verbs.isEmpty { parts.append("Verbs:" + q(verbs)) }
        return "{" + parts.joined(separator: ", ") + "}"
    }
}

/// A binding subject. `kind` is kept as a string because upstream treats unknown kinds as
/// "never matches" rather than as an error; use the `Subject.user`/`.group`/`.serviceAccount`
/// constants to compare.
public struct Subject: Sendable, Hashable, Codable, Comparable, CustomStringConvertible {
    public static let userKind = "User"
    public static let groupKind = "Group"
    public static let serviceAccountKind = "ServiceAccount"

    public var kind: String
    public var apiGroup: String
    public var name: String
    public var namespace: String

    public init(kind: String, apiGroup: String = "", name: String, namespace: String = "") {
        self.kind = kind
        self.apiGroup = apiGroup
        self.name = name
        self.namespace = namespace
    }

    public static func user(_ name: String) -> Subject {
        Subject(kind: userKind, apiGroup: rbacGroupName, name: name)
    }

    public static func group(_ name: String) -> Subject {
        Subject(kind: groupKind, apiGroup: rbacGroupName, name: name)
    }

    public static func serviceAccount(namespace: String, name: String) -> Subject {
        Subject(kind: serviceAccountKind, apiGroup: "", name: name, namespace: namespace)
    }

    enum CodingKeys: String, CodingKey { case kind, apiGroup, name, namespace }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        kind = try c.decode(String.self, forKey: .kind)
        apiGroup = try c.decodeIfPresent(String.self, forKey: .apiGroup) ?? ""
        name = try c.decode(String.self, forKey: .name)
        namespace = try c.decodeIfPresent(String.self, forKey: .namespace) ?? ""
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(kind, forKey: .kind)
        if !apiGroup.isEmpty { try c.encode(apiGroup, forKey: .apiGroup) }
        try c.encode(name, forKey: .name)
        if !namespace.isEmpty { try c.encode(namespace, forKey: .namespace) }
    }

    /// Orders User < Group < ServiceAccount < other kinds, then namespace, then name.
    public static func < (lhs: Subject, rhs: Subject) -> Bool {
        func rank(_ k: String) -> Int {
            switch k {
            case userKind: return 0
            case groupKind: return 1
            case serviceAccountKind: return 2
            default: return 3
            }
        }
        let (a, b) = (rank(lhs.kind), rank(rhs.kind))
        if a != b { return a < b }
        if lhs.kind != rhs.kind { return lhs.kind < rhs.kind }
        if lhs.namespace != rhs.namespace { return lhs.namespace < rhs.namespace }
        if lhs.name != rhs.name { return lhs.name < rhs.name }
        return lhs.apiGroup < rhs.apiGroup
    }

    public var description: String {
        kind == Subject.serviceAccountKind ? "\(kind) \(namespace)/\(name)" : "\(kind) \(name)"
    }
}

/// The `rbac.authorization.k8s.io` API group name.
public let rbacGroupName = "rbac.authorization.k8s.io"

public struct RoleRef: Sendable, Hashable, Codable {
    public static let roleKind = "Role"
    public static let clusterRoleKind = "ClusterRole"

    public var apiGroup: String
    public var kind: String
    public var name: String

    public init(apiGroup: String = rbacGroupName, kind: String, name: String) {
        self.apiGroup = apiGroup
        self.kind = kind
        self.name = name
    }

    public static func role(_ name: String) -> RoleRef { RoleRef(kind: roleKind, name: name) }
    public static func clusterRole(_ name: String) -> RoleRef { RoleRef(kind: clusterRoleKind, name: name) }

    enum CodingKeys: String, CodingKey { case apiGroup, kind, name }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        apiGroup = try c.decodeIfPresent(String.self, forKey: .apiGroup) ?? ""
        kind = try c.decode(String.self, forKey: .kind)
        name = try c.decode(String.self, forKey: .name)
    }
}

/// `metav1.LabelSelectorRequirement`.
public struct LabelSelectorRequirement: Sendable, Hashable, Codable {
    public enum Operator: String, Sendable, Hashable, Codable {
        case `in` = "In"
        case notIn = "NotIn"
        case exists = "Exists"
        case doesNotExist = "DoesNotExist"
    }

    public var key: String
    /// Kept as a raw string: an unknown operator makes the whole selector invalid (matches nothing),
    /// as `metav1.LabelSelectorAsSelector` returns an error for it.
    public var `operator`: String
    public var values: [String]

    public init(key: String, operator: String, values: [String] = []) {
        self.key = key
        self.operator = `operator`
        self.values = values
    }

    public init(key: String, operator: Operator, values: [String] = []) {
        self.init(key: key, operator: `operator`.rawValue, values: values)
    }

    enum CodingKeys: String, CodingKey { case key, `operator`, values }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        key = try c.decode(String.self, forKey: .key)
        `operator` = try c.decode(String.self, forKey: .operator)
        values = try c.decodeIfPresent([String].self, forKey: .values) ?? []
    }
}

/// `metav1.LabelSelector`.
public struct LabelSelector: Sendable, Hashable, Codable {
    public var matchLabels: [String: String]
    public var matchExpressions: [LabelSelectorRequirement]

    public init(matchLabels: [String: String] = [:], matchExpressions: [LabelSelectorRequirement] = []) {
        self.matchLabels = matchLabels
        self.matchExpressions = matchExpressions
    }

    enum CodingKeys: String, CodingKey { case matchLabels, matchExpressions }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        matchLabels = try c.decodeIfPresent([String: String].self, forKey: .matchLabels) ?? [:]
        matchExpressions = try c.decodeIfPresent([LabelSelectorRequirement].self, forKey: .matchExpressions) ?? []
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        if !matchLabels.isEmpty { try c.encode(matchLabels, forKey: .matchLabels) }
        if !matchExpressions.isEmpty { try c.encode(matchExpressions, forKey: .matchExpressions) }
    }
}

/// `rbac.authorization.k8s.io/v1` `AggregationRule`.
public struct AggregationRule: Sendable, Hashable, Codable {
    public var clusterRoleSelectors: [LabelSelector]

    public init(clusterRoleSelectors: [LabelSelector]) {
        self.clusterRoleSelectors = clusterRoleSelectors
    }

    enum CodingKeys: String, CodingKey { case clusterRoleSelectors }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        clusterRoleSelectors = try c.decodeIfPresent([LabelSelector].self, forKey: .clusterRoleSelectors) ?? []
    }
}

/// A namespaced `rbac.authorization.k8s.io/v1` Role (named `RBACRole` because `Role` is Warden's
/// own user role in this module).
public struct RBACRole: Sendable, Hashable, Codable {
    public var name: String
    public var namespace: String
    public var labels: [String: String]
    public var annotations: [String: String]
    public var rules: [PolicyRule]

    public init(
        name: String,
        namespace: String,
        labels: [String: String] = [:],
        annotations: [String: String] = [:],
        rules: [PolicyRule]
    ) {
        self.name = name
        self.namespace = namespace
        self.labels = labels
        self.annotations = annotations
        self.rules = rules
    }
}

public struct ClusterRole: Sendable, Hashable, Codable {
    public var name: String
    public var labels: [String: String]
    public var annotations: [String: String]
    /// The rules as stored on the object (for `kubectl` output of an aggregated role these already
    /// contain the aggregated rules; for a git manifest they are usually empty).
    public var rules: [PolicyRule]
    public var aggregationRule: AggregationRule?

    public init(
        name: String,
        labels: [String: String] = [:],
        annotations: [String: String] = [:],
        rules: [PolicyRule],
        aggregationRule: AggregationRule? = nil
    ) {
        self.name = name
        self.labels = labels
        self.annotations = annotations
        self.rules = rules
        self.aggregationRule = aggregationRule
    }
}

public struct RoleBinding: Sendable, Hashable, Codable {
    public var name: String
    public var namespace: String
    public var labels: [String: String]
    public var annotations: [String: String]
    public var subjects: [Subject]
    public var roleRef: RoleRef

    public init(
        name: String,
        namespace: String,
        labels: [String: String] = [:],
        annotations: [String: String] = [:],
        subjects: [Subject],
        roleRef: RoleRef
    ) {
        self.name = name
        self.namespace = namespace
        self.labels = labels
        self.annotations = annotations
        self.subjects = subjects
        self.roleRef = roleRef
    }
}

public struct ClusterRoleBinding: Sendable, Hashable, Codable {
    public var name: String
    public var labels: [String: String]
    public var annotations: [String: String]
    public var subjects: [Subject]
    public var roleRef: RoleRef

    public init(
        name: String,
        labels: [String: String] = [:],
        annotations: [String: String] = [:],
        subjects: [Subject],
        roleRef: RoleRef
    ) {
        self.name = name
        self.labels = labels
        self.annotations = annotations
        self.subjects = subjects
        self.roleRef = roleRef
    }
}

/// All RBAC objects of a cluster (or of a set of manifests). This is plain data; build an
/// `RBACAuthorizer` from it to evaluate requests.
public struct RBACState: Sendable, Hashable, Codable {
    public var roles: [RBACRole]
    public var clusterRoles: [ClusterRole]
    public var roleBindings: [RoleBinding]
    public var clusterRoleBindings: [ClusterRoleBinding]

    public init(
        roles: [RBACRole] = [],
        clusterRoles: [ClusterRole] = [],
        roleBindings: [RoleBinding] = [],
        clusterRoleBindings: [ClusterRoleBinding] = []
    ) {
        self.roles = roles
        self.clusterRoles = clusterRoles
        self.roleBindings = roleBindings
        self.clusterRoleBindings = clusterRoleBindings
    }

    /// Appends all objects of `other`.
    public mutating func merge(_ other: RBACState) {
        roles += other.roles
        clusterRoles += other.clusterRoles
        roleBindings += other.roleBindings
        clusterRoleBindings += other.clusterRoleBindings
    }
}
