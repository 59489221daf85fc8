import Foundation
import OpenAPIRuntime
import WardenCore

/// Writes times as RFC 3339 UTC with milliseconds; reads them with or without fractional seconds.
struct RFC3339DateTranscoder: DateTranscoder {
    func encode(_ date: Date) throws -> String {
        RFC3339.string(from: date)
    }

    func decode(_ text: String) throws -> Date {
        if let date = RFC3339.date(from: text) { return date }
        throw DecodingError.dataCorrupted(
            .init(codingPath: [], debugDescription: "'\(text.prefix(64))' is not an RFC 3339 time such as 2026-11-27T10:00:00Z")
        )
    }
}
