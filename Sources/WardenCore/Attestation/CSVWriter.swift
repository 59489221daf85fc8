import Foundation

// The generic RFC 4180 writer is `CSV` in Common/CSV.swift (CRLF record ends; a field holding a
// comma, a double quote, CR or LF is quoted with its quotes doubled; a cell starting with `=`,
// `+`, `-`, `@`, tab or CR gets a leading `'` so spreadsheets show it as text instead of running
// it as a formula). This file adds what the attestation exports need on top of it: a whole
// document, and the two halves of `field` (plain RFC 4180 quoting, formula neutralising) for
// callers that want only one.

extension CSV {
    public static let recordSeparator = "\r\n"

    /// First characters that make Excel, LibreOffice or Google Sheets evaluate a cell.
    public static let formulaTriggers: Set<Unicode.Scalar> = ["=", "+", "-", "@", "\t", "\r"]

    /// `value` with a leading `'` when it starts with a formula trigger.
    public static func neutralizeFormula(_ value: String) -> String {
        guard let first = value.unicodeScalars.first, formulaTriggers.contains(first) else { return value }
        return "'" + value
    }

    /// RFC 4180 quoting only (no formula protection).
    public static func quoted(_ value: String) -> String {
        guard value.utf8.contains(where: { $0 == UInt8(ascii: ",") || $0 == UInt8(ascii: "\"") || $0 == 0x0D || $0 == 0x0A }) else {
            return value
        }
        return "\"" + value.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    /// One RFC 4180 record without formula protection, CRLF included (for trusted data).
    public static func plainRow(_ fields: [String]) -> String {
        fields.map(quoted).joined(separator: ",") + recordSeparator
    }

    /// A header record and the data records (`row`, so formula-protected).
    public static func document(header: [String], rows: [[String]]) -> String {
        var out = row(header)
        for r in rows { out += row(r) }
        return out
    }
}
