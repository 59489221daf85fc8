import Foundation
import WardenCore

/// Opaque cursors: the last id of a page, base64url-encoded so clients do not build them by hand.
enum Cursor {
    static func encode(_ id: Int64) -> String {
        Base64URL.encode(Array("c1:\(id)".utf8))
    }

    /// The id inside a cursor; a cursor Warden did not make is a 400.
    static func decode(_ text: String?) throws -> Int64? {
        guard let text else { return nil }
        guard let bytes = Base64URL.decode(text), let plain = String(bytes: bytes, encoding: .utf8),
            plain.hasPrefix("c1:"), let id = Int64(plain.dropFirst(3)), id >= 0
        else {
            throw Problem.invalidParameter("cursor", "is not a cursor this server issued; pass nextCursor from the previous page")
        }
        return id
    }

    /// A page from rows fetched with one row more than the limit: the extra row says a next page exists.
    static func page<Row>(_ rows: [Row], limit: Int, id: (Row) -> Int64) -> (items: [Row], next: String?) {
        let items = Array(rows.prefix(limit))
        return (items, rows.count > limit ? items.last.map { encode(id($0)) } : nil)
    }

    static func limit(_ value: Int?) throws -> Int {
        let limit = value ?? 50
        guard (1...500).contains(limit) else { throw Problem.invalidParameter("limit", "must be between 1 and 500") }
        return limit
    }
}
