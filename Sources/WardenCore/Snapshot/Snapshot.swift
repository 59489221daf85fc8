// Snapshot: the parsed content of `kubectl get ... -o json` output (a List, an `XList`, a
// single object) or of (multi-document) YAML manifests.

/// One problem found while parsing a snapshot.
public struct SnapshotIssue: Sendable, Hashable, Codable, CustomStringConvertible {
    public enum Code: String, Sendable, Hashable, Codable {
        case invalidJSON
        case invalidYAML
        /// YAML whose aliases would expand beyond the limit (billion laughs).
        case yamlTooComplex
        case emptyInput
        case notAnObject
        case missingKind
        case missingAPIVersion
        case missingName
        case missingNamespace
        case invalidField
        case missingField
    }

    public var code: Code
    /// Index of the item (in `items`, or the running index over YAML documents / flattened
    /// List documents); nil for errors about the whole input.
    public var itemIndex: Int?
    /// YAML document index (0-based), for YAML input.
    public var document: Int?
    /// JSON pointer (RFC 6901) of the offending value, e.g. `/items/3/metadata/namespace`
    /// (for YAML: relative to the document).
    public var pointer: String
    /// Byte offset in the input, where known (syntax errors, bad string values in JSON).
    public var byteOffset: Int?
    /// 1-based line, where known.
    public var line: Int?
    public var message: String

    public init(
        code: Code,
        itemIndex: Int? = nil,
        document: Int? = nil,
        pointer: String = "",
        byteOffset: Int? = nil,
        line: Int? = nil,
        message: String
    ) {
        self.code = code
        self.itemIndex = itemIndex
        self.document = document
        self.pointer = pointer
        self.byteOffset = byteOffset
        self.line = line
        self.message = message
    }

    public var description: String {
        var where_: [String] = []
        if let document { where_.append("document \(document)") }
        if let itemIndex { where_.append("item \(itemIndex)") }
        if !pointer.isEmpty { where_.append(pointer) }
        if let line { where_.append("line \(line)") }
        if let byteOffset { where_.append("byte \(byteOffset)") }
        return "\(code.rawValue)" + (where_.isEmpty ? "" : " at " + where_.joined(separator: ", ")) + ": \(message)"
    }
}

/// Parsing failed; `issues` lists the problems (at most `SnapshotOptions.maxIssues`).
public struct SnapshotError: Error, Sendable, Hashable, Codable, CustomStringConvertible {
    public var issues: [SnapshotIssue]

    public init(issues: [SnapshotIssue]) { self.issues = issues }
    public init(_ issue: SnapshotIssue) { self.issues = [issue] }

    public var first: SnapshotIssue { issues[0] }
    public var description: String { issues.map(\.description).joined(separator: "\n") }
}

public struct SnapshotOptions: Sendable, Hashable {
    /// Kinds kept as JSON (`Snapshot.objects`).
    public var keptKinds: Set<String>
    /// Stop collecting issues after this many.
    public var maxIssues: Int
    public var json: JSONParseOptions
    /// Maximum number of YAML nodes after alias expansion (nil: 10 per input byte + 100,000).
    public var maxYAMLNodes: Int?

    public init(
        keptKinds: Set<String> = KubeKinds.defaultKeptKinds,
        maxIssues: Int = 100,
        json: JSONParseOptions = .init(),
        maxYAMLNodes: Int? = nil
    ) {
        self.keptKinds = keptKinds
        self.maxIssues = maxIssues
        self.json = json
        self.maxYAMLNodes = maxYAMLNodes
    }
}

/// A Kubernetes object kept as a JSON tree (Pods, workloads, Namespaces, ServiceAccounts, ...).
public struct KubeObject: Sendable, Codable, Equatable, CustomStringConvertible {
    public let kind: String
    public let apiVersion: String
    public let name: String
    /// "" for cluster-scoped objects.
    public let namespace: String
    public let labels: [String: String]
    /// Index of the item in the input.
    public let itemIndex: Int
    /// The whole object, compactly stored; use `body` for an owned tree.
    public let node: JSONNode

    init(
        kind: String,
        apiVersion: String,
        name: String,
        namespace: String,
        labels: [String: String],
        itemIndex: Int,
        node: JSONNode
    ) {
        self.kind = kind
        self.apiVersion = apiVersion
        self.name = name
        self.namespace = namespace
        self.labels = labels
        self.itemIndex = itemIndex
        self.node = node
    }

    /// The whole object as a `JSONValue`.
    public var body: JSONValue { node.value }

    /// `node[path...]`, e.g. `object.at("spec", "template", "spec")`.
    public func at(_ path: any JSONPathComponent...) -> JSONNode? { node.node(at: path) }

    public var group: String { KubeKinds.group(ofAPIVersion: apiVersion) }

    public var description: String {
        namespace.isEmpty ? "\(kind) \(name)" : "\(kind) \(namespace)/\(name)"
    }

    public static func == (a: KubeObject, b: KubeObject) -> Bool {
        a.kind == b.kind && a.apiVersion == b.apiVersion && a.name == b.name && a.namespace == b.namespace
            && a.labels == b.labels && a.itemIndex == b.itemIndex && a.body == b.body
    }

    enum CodingKeys: String, CodingKey { case kind, apiVersion, name, namespace, labels, itemIndex, body }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(kind, forKey: .kind)
        try c.encode(apiVersion, forKey: .apiVersion)
        try c.encode(name, forKey: .name)
        try c.encode(namespace, forKey: .namespace)
        try c.encode(labels, forKey: .labels)
        try c.encode(itemIndex, forKey: .itemIndex)
        try c.encode(body, forKey: .body)
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        kind = try c.decode(String.self, forKey: .kind)
        apiVersion = try c.decode(String.self, forKey: .apiVersion)
        name = try c.decode(String.self, forKey: .name)
        namespace = try c.decodeIfPresent(String.self, forKey: .namespace) ?? ""
        labels = try c.decodeIfPresent([String: String].self, forKey: .labels) ?? [:]
        itemIndex = try c.decodeIfPresent(Int.self, forKey: .itemIndex) ?? 0
        let body = try c.decode(JSONValue.self, forKey: .body)
        node = try JSONDocument(parsing: body.jsonBytes()).root
    }
}

/// The parsed content of a snapshot.
public struct Snapshot: Sendable, Codable, Equatable {
    public enum Format: String, Sendable, Codable { case json, yaml }

    public var format: Format
    /// Typed RBAC objects (rbac.authorization.k8s.io Role, ClusterRole, RoleBinding, ClusterRoleBinding).
    public var rbac: RBACState
    /// Objects of the kept kinds, in input order.
    public var objects: [KubeObject]
    /// Number of items per kind, for every kind in the input.
    public var objectCounts: [String: Int]
    /// Number of items in the input.
    public var itemCount: Int

    public init(
        format: Format = .json,
        rbac: RBACState = .init(),
        objects: [KubeObject] = [],
        objectCounts: [String: Int] = [:],
        itemCount: Int = 0
    ) {
        self.format = format
        self.rbac = rbac
        self.objects = objects
        self.objectCounts = objectCounts
        self.itemCount = itemCount
    }

    /// Parses JSON (`kubectl get ... -o json`: a List, an XList, a JSON array of objects, or a
    /// single object) or YAML (one or more documents, each an object or a List). The format is
    /// detected from the first non-blank byte (`{` or `[` means JSON).
    public init(parsing bytes: [UInt8], options: SnapshotOptions = .init()) throws(SnapshotError) {
        self = try SnapshotParser(options: options).parse(bytes)
    }

    public init(parsing text: String, options: SnapshotOptions = .init()) throws(SnapshotError) {
        try self.init(parsing: Array(text.utf8), options: options)
    }

    public func objects(ofKind kind: String) -> [KubeObject] { objects.filter { $0.kind == kind } }

    /// Every ServiceAccount object, as identities (input order).
    public var serviceAccounts: [ServiceAccountIdentity] {
        objects.lazy.filter { $0.kind == "ServiceAccount" && $0.group.isEmpty }
            .map { ServiceAccountIdentity(namespace: $0.namespace, name: $0.name) }
    }

    /// Builds the evaluator for this snapshot's RBAC objects.
    public func makeAuthorizer() -> RBACAuthorizer { RBACAuthorizer(rbac) }

    /// Equal content, ignoring the input format.
    public static func == (a: Snapshot, b: Snapshot) -> Bool {
        a.rbac == b.rbac && a.objects == b.objects && a.objectCounts == b.objectCounts && a.itemCount == b.itemCount
    }
}

/// JSON pointer token escaping (RFC 6901).
func snapshotPointerToken(_ s: String) -> String {
    guard s.utf8.contains(where: { $0 == UInt8(ascii: "~") || $0 == UInt8(ascii: "/") }) else { return s }
    var out = ""
    for ch in s.unicodeScalars {
        switch ch {
        case "~": out += "~0"
        case "/": out += "~1"
        default: out.unicodeScalars.append(ch)
        }
    }
    return out
}
