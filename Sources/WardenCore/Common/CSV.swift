/// RFC 4180 text: CRLF line ends; a field with a comma, quote, CR or LF is quoted, its quotes doubled.
///
/// Cells that a spreadsheet would run as a formula (starting with =, +, -, @, tab or CR) get a
/// leading apostrophe: names in these files come from clusters and requests, never trusted.
public enum CSV {
    public static func row(_ fields: [String]) -> String {
        fields.map(field).joined(separator: ",") + "\r\n"
    }

    public static func field(_ value: String) -> String {
        var text = value
        if let first = text.unicodeScalars.first, ["=", "+", "-", "@", "\t", "\r"].contains(first) {
            text = "'" + text
        }
        guard text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\r" || $0 == "\n" || $0 == "\r\n" }) else { return text }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
