import CYaml
import Yams

// YAML input: documents are checked for alias expansion with libyaml's event stream (so a
// "billion laughs" document is refused before anything expands), composed with Yams, converted
// to `JSONValue` (YAML 1.1 scalars as Kubernetes' YAML reader resolves them: null, bool incl.
// yes/no/on/off, int incl. 0x/0o/0b, float; timestamps stay strings; merge keys `<<` applied),
// flattened (List documents contribute their items) and then parsed by the JSON path, so JSON
// and YAML inputs give identical snapshots.

extension SnapshotParser {
    func parseYAML(_ bytes: [UInt8]) throws(SnapshotError) -> Snapshot {
        let (json, origins) = try yamlAsJSONList(bytes)
        return try parseJSON(json, origins: origins)
    }

    /// The YAML documents as one JSON `List`, with where each item came from.
    func yamlAsJSONList(_ bytes: [UInt8]) throws(SnapshotError) -> ([UInt8], [ItemOrigin]) {
        guard let text = String(validating: bytes, as: UTF8.self) else {
            let offset = Self.firstInvalidUTF8(bytes)
            throw SnapshotError(SnapshotIssue(code: .invalidYAML, byteOffset: offset, message: "input is not valid UTF-8"))
        }
        let limit = options.maxYAMLNodes ?? (bytes.count * 10 + 100_000)
        try YAMLExpansionCheck.check(bytes, maxNodes: limit)

        var documents: [Node] = []
        do {
            let parser = try Parser(yaml: text)
            while let node = try parser.nextRoot() { documents.append(node) }
        } catch let e as YamlError {
            throw SnapshotError(SnapshotIssue(code: .invalidYAML, line: Self.line(of: e), message: "\(e)"))
        } catch {
            throw SnapshotError(SnapshotIssue(code: .invalidYAML, message: "\(error)"))
        }

        var items: [JSONValue] = []
        var origins: [ItemOrigin] = []
        var issues: [SnapshotIssue] = []
        for (d, node) in documents.enumerated() {
            let value: JSONValue
            do {
                value = try YAMLToJSON.convert(node, path: "")
            } catch {
                issues.append(
                    SnapshotIssue(
                        code: .invalidYAML,
                        itemIndex: items.count,
                        document: d,
                        pointer: error.pointer,
                        line: error.line,
                        message: error.message
                    )
                )
                continue
            }
            let line = node.mark.map { $0.line }
            switch value {
            case .null:
                continue  // empty document
            case .object(let o):
                if let kind = o["kind"]?.stringValue, bytesHasSuffix(kind, "List"), case .array(let list)? = o["items"] {
                    let itemKind = kind == "List" ? nil : String(kind.dropLast(4))
                    for (j, var item) in list.enumerated() {
                        if let itemKind, case .object(var io) = item {
                            if io["kind"] == nil { io["kind"] = .string(itemKind) }
                            if io["apiVersion"] == nil, let av = o["apiVersion"] { io["apiVersion"] = av }
                            item = .object(io)
                        }
                        items.append(item)
                        origins.append(
                            ItemOrigin(
                                document: d,
                                pointerPrefix: "/items/\(j)",
                                line: Self.itemLine(node, j) ?? line
                            )
                        )
                    }
                } else {
                    items.append(value)
                    origins.append(ItemOrigin(document: d, pointerPrefix: "", line: line))
                }
            default:
                issues.append(
                    SnapshotIssue(
                        code: .notAnObject,
                        itemIndex: items.count,
                        document: d,
                        pointer: "",
                        line: line,
                        message: "YAML document is not a mapping"
                    )
                )
            }
        }
        if !issues.isEmpty { throw SnapshotError(issues: Array(issues.prefix(options.maxIssues))) }

        var json: [UInt8] = []
        json += #"{"apiVersion":"v1","items":["#.utf8
        for (k, item) in items.enumerated() {
            if k > 0 { json.append(UInt8(ascii: ",")) }
            item.write(to: &json)
        }
        json += #"],"kind":"List"}"#.utf8
        return (json, origins)
    }

    static func itemLine(_ doc: Node, _ j: Int) -> Int? {
        guard case .mapping(let m) = doc, let items = m["items"], case .sequence(let s) = items, j < s.count else { return nil }
        return s[j].mark?.line
    }

    static func line(of error: YamlError) -> Int? {
        switch error {
        case .scanner(_, _, let mark, _), .parser(_, _, let mark, _), .composer(_, _, let mark, _):
            return mark.line
        default:
            return nil
        }
    }

    static func firstInvalidUTF8(_ bytes: [UInt8]) -> Int {
        var i = 0
        var it = bytes.makeIterator()
        var decoder = UTF8()
        var offset = 0
        while true {
            switch decoder.decode(&it) {
            case .scalarValue(let s):
                offset += UTF8.width(s)
                i = offset
            case .emptyInput:
                return i
            case .error:
                return i
            }
        }
    }
}

/// Counts YAML nodes with aliases expanded, using libyaml events (no tree is built).
enum YAMLExpansionCheck {
    static func check(_ bytes: [UInt8], maxNodes: Int) throws(SnapshotError) {
        let result: SnapshotIssue? = bytes.withUnsafeBufferPointer { buf in
            var parser = yaml_parser_t()
            guard yaml_parser_initialize(&parser) == 1 else {
                return SnapshotIssue(code: .invalidYAML, message: "cannot initialize the YAML parser")
            }
            defer { yaml_parser_delete(&parser) }
            yaml_parser_set_encoding(&parser, YAML_UTF8_ENCODING)
            yaml_parser_set_input_string(&parser, buf.baseAddress, buf.count)

            var anchors: [String: Int] = [:]
            var frames: [(anchor: String?, size: Int)] = []
            var total = 0
            var aliases = 0
            var document = -1

            func anchorName(_ p: UnsafeMutablePointer<yaml_char_t>?) -> String? {
                guard let p else { return nil }
                return String(cString: UnsafeRawPointer(p).assumingMemoryBound(to: CChar.self))
            }
            func add(_ size: Int) {
                if frames.isEmpty { return }
                let s = frames[frames.count - 1].size
                frames[frames.count - 1].size = s > Int.max / 4 ? s : s + size
            }

            while true {
                var event = yaml_event_t()
                guard yaml_parser_parse(&parser, &event) == 1 else {
                    // Syntax errors are reported by the composer with a better message; stop here.
                    return nil
                }
                defer { yaml_event_delete(&event) }
                switch event.type {
                case YAML_STREAM_END_EVENT:
                    return nil
                case YAML_DOCUMENT_START_EVENT:
                    document += 1
                    anchors = [:]
                case YAML_SCALAR_EVENT:
                    total += 1
                    add(1)
                    if let a = anchorName(event.data.scalar.anchor) { anchors[a] = 1 }
                case YAML_ALIAS_EVENT:
                    aliases += 1
                    let size = anchorName(event.data.alias.anchor).flatMap { anchors[$0] } ?? 1
                    total = total > Int.max / 4 ? total : total + size
                    add(size)
                case YAML_SEQUENCE_START_EVENT:
                    total += 1
                    frames.append((anchorName(event.data.sequence_start.anchor), 1))
                case YAML_MAPPING_START_EVENT:
                    total += 1
                    frames.append((anchorName(event.data.mapping_start.anchor), 1))
                case YAML_SEQUENCE_END_EVENT, YAML_MAPPING_END_EVENT:
                    if let f = frames.popLast() {
                        if let a = f.anchor { anchors[a] = f.size }
                        add(f.size)
                    }
                default:
                    break
                }
                if total > maxNodes {
                    return SnapshotIssue(
                        code: .yamlTooComplex,
                        document: max(document, 0),
                        line: Int(parser.mark.line) + 1,
                        message: "YAML expands to more than \(maxNodes) nodes (\(aliases) aliases so far); refusing (billion laughs?)"
                    )
                }
            }
        }
        if let result { throw SnapshotError(result) }
    }
}

struct YAMLConversionError: Error {
    var pointer: String
    var line: Int?
    var message: String
}

enum YAMLToJSON {
    static func convert(_ node: Node, path: String) throws(YAMLConversionError) -> JSONValue {
        switch node {
        case .scalar(let s):
            return try scalar(s, path: path)
        case .sequence(let seq):
            var out: [JSONValue] = []
            out.reserveCapacity(seq.count)
            for (k, n) in seq.enumerated() { out.append(try convert(n, path: path + "/\(k)")) }
            return .array(out)
        case .mapping(let m):
            var out: [String: JSONValue] = [:]
            var merged: [String: JSONValue] = [:]
            for (k, v) in m {
                guard case .scalar(let ks) = k else {
                    throw YAMLConversionError(pointer: path, line: k.mark?.line, message: "mapping keys must be scalars")
                }
                if ks.style == .plain || ks.style == .any, k.tag.description == Tag.Name.merge.rawValue {
                    try merge(v, into: &merged, path: path)
                    continue
                }
                let key = ks.string
                if out[key] != nil {
                    throw YAMLConversionError(
                        pointer: path + "/" + snapshotPointerToken(key),
                        line: k.mark?.line,
                        message: "duplicate mapping key \"\(key)\""
                    )
                }
                out[key] = try convert(v, path: path + "/" + snapshotPointerToken(key))
            }
            for (k, v) in merged where out[k] == nil { out[k] = v }
            return .object(out)
        case .alias:
            throw YAMLConversionError(pointer: path, line: node.mark?.line, message: "unresolved alias")
        }
    }

    /// `<<: *a` or `<<: [*a, *b]`; earlier mappings win over later ones, explicit keys over all.
    static func merge(_ v: Node, into merged: inout [String: JSONValue], path: String) throws(YAMLConversionError) {
        switch v {
        case .mapping:
            guard case .object(let o) = try convert(v, path: path) else { return }
            for (k, x) in o where merged[k] == nil { merged[k] = x }
        case .sequence(let seq):
            for n in seq {
                guard case .mapping = n else {
                    throw YAMLConversionError(pointer: path, line: n.mark?.line, message: "merge key values must be mappings")
                }
                try merge(n, into: &merged, path: path)
            }
        default:
            throw YAMLConversionError(pointer: path, line: v.mark?.line, message: "merge key value must be a mapping")
        }
    }

    static func scalar(_ s: Node.Scalar, path: String) throws(YAMLConversionError) -> JSONValue {
        let tag = Node.scalar(s).tag.description
        switch tag {
        case Tag.Name.null.rawValue:
            return .null
        case Tag.Name.bool.rawValue:
            if let b = Bool.construct(from: s) { return .bool(b) }
        case Tag.Name.int.rawValue:
            if let i = Int64.construct(from: s) { return .int(i) }
            if let d = Double.construct(from: s), d.isFinite { return .double(d) }
        case Tag.Name.float.rawValue:
            if let d = Double.construct(from: s) {
                guard d.isFinite else {
                    throw YAMLConversionError(
                        pointer: path,
                        line: s.mark?.line,
                        message: "\(s.string) cannot be represented in JSON"
                    )
                }
                return .double(d)
            }
        default:
            break
        }
        return .string(s.string)
    }
}
