#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Parses snapshot bytes (see `Snapshot.init(parsing:)`).
///
/// JSON is parsed in one pass into a compact tape; each item of a List is examined right after
/// it is parsed: RBAC objects are decoded into typed values and dropped from the tape, kept kinds
/// stay on the tape (referenced by `KubeObject.node`), everything else is counted and dropped.
/// Peak memory is therefore about the input plus the kept objects' tape.
public struct SnapshotParser: Sendable {
    public var options: SnapshotOptions

    public init(options: SnapshotOptions = .init()) { self.options = options }

    public func parse(_ bytes: [UInt8]) throws(SnapshotError) -> Snapshot {
        var k = 0
        if bytes.count >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB, bytes[2] == 0xBF { k = 3 }
        while k < bytes.count, bytes[k] == 0x20 || bytes[k] == 0x0A || bytes[k] == 0x0D || bytes[k] == 0x09 { k += 1 }
        guard k < bytes.count else {
            throw SnapshotError(SnapshotIssue(code: .emptyInput, message: "input is empty"))
        }
        if bytes[k] == UInt8(ascii: "{") || bytes[k] == UInt8(ascii: "[") {
            return try parseJSON(bytes, origins: nil)
        }
        return try parseYAML(bytes)
    }

    public func parse(_ text: String) throws(SnapshotError) -> Snapshot { try parse(Array(text.utf8)) }

    /// Where a flattened YAML item came from.
    struct ItemOrigin {
        var document: Int
        var pointerPrefix: String
        var line: Int?
    }

    func parseJSON(_ bytes: [UInt8], origins: [ItemOrigin]?) throws(SnapshotError) -> Snapshot {
        let builder = SnapshotBuilder(options: options, origins: origins)
        let outcome: Result<(TapeStorage, [UInt64]), SnapshotError> = bytes.withUnsafeBufferPointer { buf in
            let base = buf.baseAddress ?? UnsafePointer(bitPattern: 1)!
            if buf.count > Tape.maxOffset {
                return .failure(SnapshotError(SnapshotIssue(code: .invalidJSON, message: "input too large")))
            }
            var sc = JSONScanner(base: base, count: buf.count, options: options.json)
            do throws(JSONParseError) {
                sc.skipBOM()
                sc.skipWS()
                let first = sc.peek()
                if first == UInt8(ascii: "[") {
                    try sc.parseTopArray { v, root, index in builder.consider(v, root: root, index: index, prefix: .topArray) }
                    sc.skipWS()
                    if sc.i != sc.n { throw sc.error("unexpected data after the JSON value") }
                } else {
                    let sawItems = try sc.parseTopObject { v, root, index in builder.considerListItem(v, root: root, index: index) }
                    sc.skipWS()
                    if sc.i != sc.n { throw sc.error("unexpected data after the JSON value") }
                    let v = sc.view
                    let topKind = v.member(0, static: "kind").flatMap { v.isString($0) ? v.decodeString($0) : nil }
                    let listKind = topKind.map { bytesHasSuffix($0, "List") } ?? false
                    let isList = sawItems ? (topKind == nil || listKind) : listKind
                    if isList && !sawItems, let items = v.member(0, static: "items"), Tape.tag(v.word(items)) != Tape.null {
                        builder.issue(.invalidField, .init(index: 0, prefix: .root), "/items", "items must be an array")
                    }
                    if isList {
                        let topAPIVersion = v.member(0, static: "apiVersion").flatMap { v.isString($0) ? v.decodeString($0) : nil }
                        builder.finishList(v, listKind: topKind, listAPIVersion: topAPIVersion)
                    } else {
                        if sawItems {
                            // A single object that happens to have an "items" array: parse again without
                            // treating items specially.
                            builder.reset()
                            sc.i = 0
                            sc.tapeCount = 0
                            sc.longs = []
                            sc.skipBOM()
                            try sc.parseValue(depth: 0)
                            sc.skipWS()
                        }
                        if !builder.consider(sc.view, root: 0, index: 0, prefix: .root) { sc.tapeCount = 0 }
                    }
                }
            } catch {
                sc.discard()
                let (line, _) = error.lineAndColumn(in: bytes)
                return .failure(
                    SnapshotError(
                        SnapshotIssue(
                            code: .invalidJSON,
                            byteOffset: error.offset,
                            line: line,
                            message: error.message
                        )
                    )
                )
            }
            return .success((sc.finish(), sc.longs))
        }
        let (storage, longs) = try outcome.get()
        if !builder.issues.isEmpty {
            // Deferred (kind-less) items are examined last: report in item order.
            let sorted = builder.issues.enumerated().sorted {
                ($0.element.itemIndex ?? -1, $0.offset) < ($1.element.itemIndex ?? -1, $1.offset)
            }.map(\.element)
            throw SnapshotError(issues: sorted)
        }
        let doc = JSONDocument(bytes: bytes, storage: storage, longs: longs)
        let objects = builder.kept.map {
            KubeObject(
                kind: $0.kind,
                apiVersion: $0.apiVersion,
                name: $0.name,
                namespace: $0.namespace,
                labels: $0.labels,
                itemIndex: $0.index,
                node: JSONNode(document: doc, index: $0.root)
            )
        }
        return Snapshot(
            format: origins == nil ? .json : .yaml,
            rbac: builder.rbac,
            objects: objects,
            objectCounts: builder.counts,
            itemCount: builder.itemCount
        )
    }
}

// MARK: - Top-level structure

extension JSONScanner {
    /// Parses a top-level array, handing each element to `onItem` right after it is parsed;
    /// elements for which it returns false are removed from the tape.
    mutating func parseTopArray(onItem: (TapeView, Int, Int) -> Bool) throws(JSONParseError) {
        let header = tapeCount
        push(0)
        i += 1
        let kept = try parseItems(depth: 1, onItem: onItem)
        try closeContainer(Tape.array, header: header, count: kept)
    }

    /// Parses the elements of an array (after its `[`) up to and including `]`.
    mutating func parseItems(depth: Int, onItem: (TapeView, Int, Int) -> Bool) throws(JSONParseError) -> Int {
        skipWS()
        var kept = 0
        var index = 0
        if i < n, base[i] == UInt8(ascii: "]") {
            i += 1
            return 0
        }
        while true {
            let mark = tapeCount
            try parseValue(depth: depth)
            if onItem(view, mark, index) { kept += 1 } else { tapeCount = mark }
            index += 1
            skipWS()
            guard i < n else { throw error("unexpected end of input in array") }
            let c = base[i]
            if c == UInt8(ascii: ",") {
                i += 1
                skipWS()
                if i < n, base[i] == UInt8(ascii: "]") { throw error("trailing comma in array") }
                continue
            }
            if c == UInt8(ascii: "]") {
                i += 1
                return kept
            }
            throw error("expected ',' or ']' in array, found \(Self.describe(c))")
        }
    }

    /// Parses the top-level object; a member named "items" holding an array is parsed with
    /// `parseItems`. Returns whether such a member was seen.
    mutating func parseTopObject(onItem: (TapeView, Int, Int) -> Bool) throws(JSONParseError) -> Bool {
        guard i < n, base[i] == UInt8(ascii: "{") else {
            if i >= n { throw error("unexpected end of input, expected a value") }
            throw error("unexpected character \(Self.describe(base[i])), expected a value")
        }
        let header = tapeCount
        let start = i
        push(0)
        i += 1
        skipWS()
        var count = 0
        var sawItems = false
        if i < n, base[i] == UInt8(ascii: "}") {
            i += 1
        } else {
            while true {
                skipWS()
                guard i < n else { throw error("unexpected end of input in object") }
                guard base[i] == UInt8(ascii: "\"") else {
                    if base[i] == UInt8(ascii: "}") { throw error("trailing comma in object") }
                    throw error("expected a string key, found \(Self.describe(base[i]))")
                }
                try parseString()
                let keyWord = tape[tapeCount - 1]
                let isItemsKey =
                    Tape.tag(keyWord) == Tape.string && Tape.length(keyWord) == 5
                    && memcmp(base + Tape.offset(keyWord), "items", 5) == 0
                skipWS()
                guard i < n, base[i] == UInt8(ascii: ":") else { throw error("expected ':' after object key") }
                i += 1
                skipWS()
                if isItemsKey && !sawItems && i < n && base[i] == UInt8(ascii: "[") {
                    sawItems = true
                    let arrayHeader = tapeCount
                    push(0)
                    i += 1
                    let kept = try parseItems(depth: 2, onItem: onItem)
                    try closeContainer(Tape.array, header: arrayHeader, count: kept)
                } else {
                    try parseValue(depth: 1)
                }
                count += 1
                skipWS()
                guard i < n else { throw error("unexpected end of input in object") }
                let c = base[i]
                if c == UInt8(ascii: ",") {
                    i += 1
                    continue
                }
                if c == UInt8(ascii: "}") {
                    i += 1
                    break
                }
                throw error("expected ',' or '}' in object, found \(Self.describe(c))")
            }
        }
        try closeContainer(Tape.object, header: header, count: count)
        if rejectDuplicates && count > 1 { try checkDuplicateKeys(header: header, objectStart: start) }
        return sawItems
    }
}

// MARK: - Item processing

/// Interns strings by their bytes (only valid while the input is alive).
struct StringInterner {
    struct Key: Hashable {
        let ptr: UnsafePointer<UInt8>
        let len: Int
        let hash: Int
        static func == (a: Key, b: Key) -> Bool {
            a.len == b.len && a.hash == b.hash && (a.ptr == b.ptr || memcmp(a.ptr, b.ptr, a.len) == 0)
        }
        func hash(into h: inout Hasher) { h.combine(hash) }
    }

    var table: [Key: String] = [:]

    @inline(__always) static func fnv(_ p: UnsafePointer<UInt8>, _ n: Int) -> Int {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        var k = 0
        while k + 8 <= n {
            let w = UnsafeRawPointer(p + k).loadUnaligned(as: UInt64.self)
            h = (h ^ w) &* 0x0000_0100_0000_01B3
            h ^= h >> 29
            k += 8
        }
        while k < n {
            h = (h ^ UInt64(p[k])) &* 0x0000_0100_0000_01B3
            k += 1
        }
        return Int(bitPattern: UInt(h))
    }

    mutating func string(_ p: UnsafePointer<UInt8>, _ n: Int) -> String {
        // Strings of up to 15 UTF-8 bytes are stored inline by Swift: no allocation to save.
        if n <= 15 { return String(decoding: UnsafeBufferPointer(start: p, count: n), as: UTF8.self) }
        let key = Key(ptr: p, len: n, hash: Self.fnv(p, n))
        if let s = table[key] { return s }
        let s = String(decoding: UnsafeBufferPointer(start: p, count: n), as: UTF8.self)
        table[key] = s
        return s
    }
}

final class SnapshotBuilder {
    enum Prefix { case root, topArray, items }

    struct KeptItem {
        var root: Int
        var index: Int
        var kind: String
        var apiVersion: String
        var name: String
        var namespace: String
        var labels: [String: String]
    }

    let options: SnapshotOptions
    let origins: [SnapshotParser.ItemOrigin]?
    var issues: [SnapshotIssue] = []
    var rbac = RBACState()
    var kept: [KeptItem] = []
    var counts: [String: Int] = [:]
    var itemCount = 0
    var interner = StringInterner()
    /// Items of a List that lack kind/apiVersion, decided once the List's kind is known.
    var deferred: [(root: Int, index: Int)] = []

    init(options: SnapshotOptions, origins: [SnapshotParser.ItemOrigin]?) {
        self.options = options
        self.origins = origins
    }

    func reset() {
        issues = []
        rbac = RBACState()
        kept = []
        counts = [:]
        itemCount = 0
        deferred = []
    }

    // MARK: Issues

    struct Context {
        let index: Int
        let prefix: Prefix
    }

    func issue(_ code: SnapshotIssue.Code, _ ctx: Context, _ path: String, _ message: String, offset: Int? = nil) {
        guard issues.count < options.maxIssues else { return }
        if let origins, ctx.index < origins.count {
            let o = origins[ctx.index]
            issues.append(
                SnapshotIssue(
                    code: code,
                    itemIndex: ctx.index,
                    document: o.document,
                    pointer: o.pointerPrefix + path,
                    line: o.line,
                    message: message
                )
            )
            return
        }
        let prefix: String
        switch ctx.prefix {
        case .root: prefix = ""
        case .topArray: prefix = "/\(ctx.index)"
        case .items: prefix = "/items/\(ctx.index)"
        }
        issues.append(
            SnapshotIssue(
                code: code,
                itemIndex: ctx.prefix == .root ? 0 : ctx.index,
                pointer: prefix + path,
                byteOffset: origins == nil ? offset : nil,
                message: message
            )
        )
    }

    // MARK: Items

    func considerListItem(_ v: TapeView, root: Int, index: Int) -> Bool {
        if Tape.tag(v.word(root)) == Tape.object,
            v.member(root, static: "kind") == nil || v.member(root, static: "apiVersion") == nil
        {
            deferred.append((root, index))
            return true
        }
        return consider(v, root: root, index: index, prefix: .items)
    }

    func finishList(_ v: TapeView, listKind: String?, listAPIVersion: String?) {
        var inferredKind: String? = nil
        if let k = listKind, k != "List", bytesHasSuffix(k, "List") { inferredKind = String(k.dropLast(4)) }
        for (root, index) in deferred {
            _ = consider(
                v,
                root: root,
                index: index,
                prefix: .items,
                inferredKind: inferredKind,
                inferredAPIVersion: inferredKind == nil ? nil : listAPIVersion
            )
        }
        deferred = []
        kept.sort { $0.index < $1.index }
    }

    @inline(__always) func str(_ v: TapeView, _ i: Int) -> String {
        if v.isEscaped(i) { return v.decodeString(i) }
        let (off, len) = v.span(i)
        return interner.string(v.bytes + off, len)
    }

    /// A string member; nil when absent or null, issue when of another type.
    func stringMember(_ v: TapeView, _ obj: Int, _ key: StaticString, _ ctx: Context, _ path: @autoclosure () -> String) -> String? {
        guard let m = v.member(obj, static: key) else { return nil }
        if v.isString(m) { return str(v, m) }
        if Tape.tag(v.word(m)) == Tape.null { return nil }
        issue(.invalidField, ctx, path(), "\(key) must be a string")
        return nil
    }

    /// Examines one item. Returns whether to keep it on the tape.
    func consider(
        _ v: TapeView,
        root: Int,
        index: Int,
        prefix: Prefix,
        inferredKind: String? = nil,
        inferredAPIVersion: String? = nil
    ) -> Bool {
        itemCount += 1
        let ctx = Context(index: index, prefix: prefix)
        guard Tape.tag(v.word(root)) == Tape.object else {
            issue(.notAnObject, ctx, "", "item is not a JSON object")
            return false
        }
        let errorsBefore = issues.count
        let kind = stringMember(v, root, "kind", ctx, "/kind") ?? inferredKind
        let apiVersion = stringMember(v, root, "apiVersion", ctx, "/apiVersion") ?? inferredAPIVersion
        if issues.count != errorsBefore { return false }
        guard let kind, !kind.isEmpty else {
            issue(.missingKind, ctx, "/kind", "kind is required")
            return false
        }
        guard let apiVersion, !apiVersion.isEmpty else {
            issue(.missingAPIVersion, ctx, "/apiVersion", "apiVersion is required")
            return false
        }
        guard let meta = v.member(root, static: "metadata"), Tape.tag(v.word(meta)) == Tape.object else {
            if let meta = v.member(root, static: "metadata"), Tape.tag(v.word(meta)) != Tape.null {
                issue(.invalidField, ctx, "/metadata", "metadata must be an object")
            } else {
                issue(.missingName, ctx, "/metadata/name", "metadata.name is required")
            }
            return false
        }
        let name = stringMember(v, meta, "name", ctx, "/metadata/name")
        var namespace = stringMember(v, meta, "namespace", ctx, "/metadata/namespace") ?? ""
        if issues.count != errorsBefore { return false }
        guard let name, !name.isEmpty else {
            issue(.missingName, ctx, "/metadata/name", "metadata.name is required")
            return false
        }
        let group = KubeKinds.group(ofAPIVersion: apiVersion)
        switch KubeKinds.isNamespaced(kind: kind, group: group) {
        case true?:
            if namespace.isEmpty {
                issue(.missingNamespace, ctx, "/metadata/namespace", "\(kind) \(name) is namespaced but has no metadata.namespace")
                return false
            }
        case false?:
            namespace = ""
        case nil:
            break
        }
        counts[kind, default: 0] += 1

        if group == rbacGroupName {
            switch kind {
            case "Role", "ClusterRole", "RoleBinding", "ClusterRoleBinding":
                decodeRBAC(v, root: root, meta: meta, kind: kind, name: name, namespace: namespace, ctx: ctx)
                return false
            default:
                break
            }
        }
        guard KubeKinds.isKept(kind: kind, group: group, kept: options.keptKinds) else { return false }
        let labels = stringMap(v, meta, "labels", ctx, "/metadata/labels")
        if issues.count != errorsBefore { return false }
        kept.append(
            KeptItem(
                root: root,
                index: index,
                kind: kind,
                apiVersion: apiVersion,
                name: name,
                namespace: namespace,
                labels: labels
            )
        )
        return true
    }

    // MARK: Typed decoding

    func stringArray(_ v: TapeView, _ obj: Int, _ key: StaticString, _ ctx: Context, _ path: @autoclosure () -> String) -> [String] {
        guard let m = v.member(obj, static: key) else { return [] }
        let w = v.word(m)
        if Tape.tag(w) == Tape.null { return [] }
        guard Tape.tag(w) == Tape.array else {
            issue(.invalidField, ctx, path(), "\(key) must be an array of strings")
            return []
        }
        var out: [String] = []
        out.reserveCapacity(Tape.count(w))
        var j = m + 1
        for k in 0..<Tape.count(w) {
            if v.isString(j) {
                out.append(str(v, j))
            } else {
                issue(.invalidField, ctx, path() + "/\(k)", "\(key) must contain only strings")
            }
            j += Tape.size(v.word(j))
        }
        return out
    }

    func stringMap(
        _ v: TapeView,
        _ obj: Int,
        _ key: StaticString,
        _ ctx: Context,
        _ path: @autoclosure () -> String,
        skipping skipKey: StaticString? = nil
    ) -> [String: String] {
        guard let m = v.member(obj, static: key) else { return [:] }
        let w = v.word(m)
        if Tape.tag(w) == Tape.null { return [:] }
        guard Tape.tag(w) == Tape.object else {
            issue(.invalidField, ctx, path(), "\(key) must be an object of strings")
            return [:]
        }
        var out: [String: String] = [:]
        out.reserveCapacity(Tape.count(w))
        var j = m + 1
        for _ in 0..<Tape.count(w) {
            let k = j
            j += 1
            if let skipKey, v.stringEquals(k, static: skipKey) {
                j += Tape.size(v.word(j))
                continue
            }
            if v.isString(j) {
                out[str(v, k)] = str(v, j)
            } else if Tape.tag(v.word(j)) != Tape.null {
                issue(.invalidField, ctx, path() + "/" + snapshotPointerToken(v.decodeString(k)), "\(key) values must be strings")
            }
            j += Tape.size(v.word(j))
        }
        return out
    }

    /// Elements of an array member that must be objects ([] when absent or null).
    func objectElements(_ v: TapeView, _ obj: Int, _ key: StaticString, _ ctx: Context, _ path: @autoclosure () -> String) -> [Int] {
        guard let m = v.member(obj, static: key) else { return [] }
        let w = v.word(m)
        if Tape.tag(w) == Tape.null { return [] }
        guard Tape.tag(w) == Tape.array else {
            issue(.invalidField, ctx, path(), "\(key) must be an array")
            return []
        }
        var out: [Int] = []
        var j = m + 1
        for k in 0..<Tape.count(w) {
            if Tape.tag(v.word(j)) == Tape.object {
                out.append(j)
            } else {
                issue(.invalidField, ctx, path() + "/\(k)", "\(key) elements must be objects")
            }
            j += Tape.size(v.word(j))
        }
        return out
    }

    func rules(_ v: TapeView, _ root: Int, _ ctx: Context) -> [PolicyRule] {
        guard let m = v.member(root, static: "rules") else { return [] }
        let elems = objectElements(v, root, "rules", ctx, "/rules")
        var out: [PolicyRule] = []
        out.reserveCapacity(elems.count)
        for (k, r) in v.elements(m).enumerated() where Tape.tag(v.word(r)) == Tape.object {
            let p = "/rules/\(k)"
            out.append(
                PolicyRule(
                    verbs: stringArray(v, r, "verbs", ctx, p + "/verbs"),
                    apiGroups: stringArray(v, r, "apiGroups", ctx, p + "/apiGroups"),
                    resources: stringArray(v, r, "resources", ctx, p + "/resources"),
                    resourceNames: stringArray(v, r, "resourceNames", ctx, p + "/resourceNames"),
                    nonResourceURLs: stringArray(v, r, "nonResourceURLs", ctx, p + "/nonResourceURLs")
                )
            )
        }
        return out
    }

    func subjects(_ v: TapeView, _ root: Int, _ ctx: Context) -> [Subject] {
        guard let m = v.member(root, static: "subjects") else { return [] }
        _ = objectElements(v, root, "subjects", ctx, "/subjects")
        var out: [Subject] = []
        for (k, s) in v.elements(m).enumerated() where Tape.tag(v.word(s)) == Tape.object {
            let p = "/subjects/\(k)"
            let kind = stringMember(v, s, "kind", ctx, p + "/kind")
            let name = stringMember(v, s, "name", ctx, p + "/name")
            let apiGroup = stringMember(v, s, "apiGroup", ctx, p + "/apiGroup") ?? ""
            let namespace = stringMember(v, s, "namespace", ctx, p + "/namespace") ?? ""
            guard let kind, !kind.isEmpty else {
                issue(.missingField, ctx, p + "/kind", "subject kind is required")
                continue
            }
            guard let name, !name.isEmpty else {
                issue(.missingField, ctx, p + "/name", "subject name is required")
                continue
            }
            out.append(Subject(kind: kind, apiGroup: apiGroup, name: name, namespace: namespace))
        }
        return out
    }

    func roleRef(_ v: TapeView, _ root: Int, _ ctx: Context) -> RoleRef? {
        guard let m = v.member(root, static: "roleRef"), Tape.tag(v.word(m)) == Tape.object else {
            issue(.missingField, ctx, "/roleRef", "roleRef is required")
            return nil
        }
        let kind = stringMember(v, m, "kind", ctx, "/roleRef/kind")
        let name = stringMember(v, m, "name", ctx, "/roleRef/name")
        let apiGroup = stringMember(v, m, "apiGroup", ctx, "/roleRef/apiGroup") ?? ""
        guard let kind, !kind.isEmpty else {
            issue(.missingField, ctx, "/roleRef/kind", "roleRef.kind is required")
            return nil
        }
        guard let name, !name.isEmpty else {
            issue(.missingField, ctx, "/roleRef/name", "roleRef.name is required")
            return nil
        }
        return RoleRef(apiGroup: apiGroup, kind: kind, name: name)
    }

    func aggregationRule(_ v: TapeView, _ root: Int, _ ctx: Context) -> AggregationRule? {
        guard let m = v.member(root, static: "aggregationRule") else { return nil }
        if Tape.tag(v.word(m)) == Tape.null { return nil }
        guard Tape.tag(v.word(m)) == Tape.object else {
            issue(.invalidField, ctx, "/aggregationRule", "aggregationRule must be an object")
            return nil
        }
        var selectors: [LabelSelector] = []
        let p0 = "/aggregationRule/clusterRoleSelectors"
        for (k, s) in objectElements(v, m, "clusterRoleSelectors", ctx, p0).enumerated() {
            let p = p0 + "/\(k)"
            let labels = stringMap(v, s, "matchLabels", ctx, p + "/matchLabels")
            var exprs: [LabelSelectorRequirement] = []
            for (e, x) in objectElements(v, s, "matchExpressions", ctx, p + "/matchExpressions").enumerated() {
                let pe = p + "/matchExpressions/\(e)"
                let key = stringMember(v, x, "key", ctx, pe + "/key") ?? ""
                let op = stringMember(v, x, "operator", ctx, pe + "/operator") ?? ""
                exprs.append(
                    LabelSelectorRequirement(
                        key: key,
                        operator: op,
                        values: stringArray(v, x, "values", ctx, pe + "/values")
                    )
                )
            }
            selectors.append(LabelSelector(matchLabels: labels, matchExpressions: exprs))
        }
        return AggregationRule(clusterRoleSelectors: selectors)
    }

    static let lastApplied: StaticString = "kubectl.kubernetes.io/last-applied-configuration"

    func decodeRBAC(_ v: TapeView, root: Int, meta: Int, kind: String, name: String, namespace: String, ctx: Context) {
        let before = issues.count
        let labels = stringMap(v, meta, "labels", ctx, "/metadata/labels")
        let annotations = stringMap(v, meta, "annotations", ctx, "/metadata/annotations", skipping: Self.lastApplied)
        switch kind {
        case "Role":
            let r = rules(v, root, ctx)
            if issues.count == before {
                rbac.roles.append(RBACRole(name: name, namespace: namespace, labels: labels, annotations: annotations, rules: r))
            }
        case "ClusterRole":
            let r = rules(v, root, ctx)
            let agg = aggregationRule(v, root, ctx)
            if issues.count == before {
                rbac.clusterRoles.append(
                    ClusterRole(
                        name: name,
                        labels: labels,
                        annotations: annotations,
                        rules: r,
                        aggregationRule: agg
                    )
                )
            }
        case "RoleBinding":
            let s = subjects(v, root, ctx)
            if let ref = roleRef(v, root, ctx), issues.count == before {
                rbac.roleBindings.append(
                    RoleBinding(
                        name: name,
                        namespace: namespace,
                        labels: labels,
                        annotations: annotations,
                        subjects: s,
                        roleRef: ref
                    )
                )
            }
        default:
            let s = subjects(v, root, ctx)
            if let ref = roleRef(v, root, ctx), issues.count == before {
                rbac.clusterRoleBindings.append(
                    ClusterRoleBinding(
                        name: name,
                        labels: labels,
                        annotations: annotations,
                        subjects: s,
                        roleRef: ref
                    )
                )
            }
        }
    }
}
