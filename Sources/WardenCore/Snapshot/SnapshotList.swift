extension SnapshotParser {
    /// Every object of a snapshot document, of every kind, as one compact JSON `List`: what
    /// `GET /v1/snapshots/{id}/content` returns whatever the upload's format was.
    public func listJSON(_ bytes: [UInt8]) throws(SnapshotError) -> [UInt8] {
        guard let first = bytes.first(where: { !($0 == 0x20 || $0 == 0x0a || $0 == 0x0d || $0 == 0x09) }) else {
            return Array(#"{"apiVersion":"v1","items":[],"kind":"List"}"#.utf8)
        }
        guard first == UInt8(ascii: "{") || first == UInt8(ascii: "[") else {
            return try yamlAsJSONList(bytes).0
        }
        let value: JSONValue
        do {
            value = try JSONDocument(parsing: bytes).root.value
        } catch {
            throw SnapshotError(SnapshotIssue(code: .invalidJSON, message: "\(error)"))
        }
        let items: [JSONValue]
        switch value {
        case .array(let array):
            items = array
        case .object(let object):
            if case .array(let list)? = object["items"], let kind = object["kind"]?.stringValue, kind.hasSuffix("List") {
                items = list
            } else {
                items = [value]
            }
        default:
            items = []
        }
        return JSONValue.object(["apiVersion": "v1", "kind": "List", "items": .array(items)]).jsonBytes()
    }
}
