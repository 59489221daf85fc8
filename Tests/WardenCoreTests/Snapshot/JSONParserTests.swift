import Testing

@testable import WardenCore

@Suite("Strict JSON parser")
struct JSONParserTests {
    static func parse(_ s: String) throws(JSONParseError) -> JSONValue {
        try JSONDocument(parsing: s).root.value
    }

    @Test func values() throws {
        let v = try Self.parse(#" {"a": [1, -2, 3.5, 1e3, -0, 12345678901234567890, true, false, null], "b": {"c": "d"}, "e": ""} "#)
        #expect(v["a"] == [1, -2, 3.5, 1000.0, 0, .double(12_345_678_901_234_567_168), true, false, nil])
        #expect(v["b"]?["c"] == "d")
        #expect(v["e"] == "")
        #expect(try Self.parse("[]") == [])
        #expect(try Self.parse("{}") == [:])
        #expect(try Self.parse("\"x\"") == "x")
        #expect(try Self.parse("0") == 0)
        #expect(try Self.parse("\u{FEFF}[1]") == [1])  // UTF-8 BOM is skipped
        #expect(try Self.parse("-123456789012345678").intValue == -123_456_789_012_345_678)
    }

    @Test func escapesAndUnicode() throws {
        #expect(try Self.parse(#""a\"b\\c\/d\b\f\n\r\t""#) == .string("a\"b\\c/d\u{8}\u{C}\n\r\t"))
        #expect(try Self.parse(#""\u00e9\u4e2d\ud83d\ude00""#) == .string("é中😀"))
        #expect(try Self.parse(#""\ud800x""#) == .string("\u{FFFD}x"))  // lone surrogate -> U+FFFD like Go
        #expect(try Self.parse("\"é中😀\"") == .string("é中😀"))
        let long = String(repeating: "abcdefgh", count: 100) + "é" + String(repeating: "z", count: 13)
        #expect(try Self.parse("\"\(long)\"") == .string(long))
        // Keys with escapes are looked up decoded.
        let doc = try JSONDocument(parsing: #"{"k\u0065y": 1}"#)
        #expect(doc.root["key"]?.int == 1)
    }

    struct Bad: Sendable, CustomTestStringConvertible {
        var text: [UInt8]
        var offset: Int
        var fragment: String
        var testDescription: String { "\(fragment) @\(offset)" }
        init(_ s: String, _ offset: Int, _ fragment: String) { self.init(Array(s.utf8), offset, fragment) }
        init(_ b: [UInt8], _ offset: Int, _ fragment: String) { (text, self.offset, self.fragment) = (b, offset, fragment) }
    }

    static let bad: [Bad] = [
        Bad("[1,2,]", 5, "trailing comma"),
        Bad(#"{"a":1,}"#, 7, "trailing comma"),
        Bad(#"{"a":1 "b":2}"#, 7, "expected ','"),
        Bad(#"["\x"]"#, 2, "invalid escape"),
        Bad(#"["\u12G4"]"#, 2, "invalid \u{5C}u escape"),
        Bad("[\"a\u{01}b\"]", 3, "control character"),
        Bad("[\"tab\there\"]", 5, "control character"),
        Bad([0x5B, 0x22, 0xC0, 0xAF, 0x22, 0x5D], 2, "invalid UTF-8"),  // overlong
        Bad([0x5B, 0x22, 0xED, 0xA0, 0x80, 0x22, 0x5D], 2, "invalid UTF-8"),  // encoded surrogate
        Bad([0x5B, 0x22, 0xF4, 0x90, 0x80, 0x80, 0x22, 0x5D], 2, "invalid UTF-8"),  // > U+10FFFF
        Bad([0x5B, 0x22, 0xE4, 0xB8, 0x22, 0x5D], 2, "invalid UTF-8"),  // truncated
        Bad([0x5B, 0x22, 0x80, 0x22, 0x5D], 2, "invalid UTF-8"),  // stray continuation
        Bad("[01]", 1, "leading zero"),
        Bad("[1.]", 3, "digits after"),
        Bad("[1e]", 3, "exponent"),
        Bad("[-]", 1, "invalid number"),
        Bad("[+1]", 1, "unexpected character '+'"),
        Bad("[.5]", 1, "unexpected character '.'"),
        Bad("[NaN]", 1, "unexpected character 'N'"),
        Bad("[tru]", 1, "invalid literal"),
        Bad("[nul", 1, "invalid literal"),
        Bad("{\"a\" 1}", 5, "expected ':'"),
        Bad("{a:1}", 1, "expected a string key"),
        Bad("[1] x", 4, "unexpected data after"),
        Bad("[1][2]", 3, "unexpected data after"),
        Bad("", 0, "unexpected end"),
        Bad("   ", 3, "unexpected end"),
        Bad("[1,2", 4, "unexpected end"),
        Bad("\"abc", 0, "unterminated string"),
        Bad("['a']", 1, "unexpected character"),
        Bad(#"{"a":1,"b":2,"a":3}"#, 14, "duplicate object key \"a\""),
        Bad(#"{"a":1,"\u0061":2}"#, 8, "duplicate object key \"a\""),
    ]

    @Test(arguments: bad)
    func rejects(_ c: Bad) {
        do {
            _ = try JSONDocument(parsing: c.text)
            Issue.record("accepted invalid JSON")
        } catch {
            #expect(error.message.contains(c.fragment), "\(error)")
            #expect(error.offset == c.offset, "\(error)")
        }
    }

    @Test func duplicateKeysInLargeObjects() throws {
        let many = (0..<40).map { "\"k\($0)\": \($0)" }.joined(separator: ",")
        #expect(throws: JSONParseError.self) { try JSONDocument(parsing: "{\(many), \"k7\": 1}") }
        #expect(try JSONDocument(parsing: "{\(many)}").root.count == 40)
        // Allowed when asked.
        let lenient = try JSONDocument(parsing: #"{"a":1,"a":2}"#, options: .init(rejectDuplicateKeys: false))
        #expect(lenient.root.count == 2)
    }

    @Test func depthLimit() throws {
        let deep = String(repeating: "[", count: 600) + String(repeating: "]", count: 600)
        #expect(throws: JSONParseError.self) { try JSONDocument(parsing: deep) }
        let ok = String(repeating: "[", count: 100) + String(repeating: "]", count: 100)
        #expect(try JSONDocument(parsing: ok).root.count == 1)
    }

    @Test func nodeNavigation() throws {
        let doc = try JSONDocument(
            parsing: #"{"spec":{"containers":[{"name":"a","securityContext":{"privileged":true,"runAsUser":0}},{"name":"b"}]}}"#
        )
        let containers = try #require(doc.root["spec"]?["containers"])
        #expect(containers.type == .array)
        #expect(containers.count == 2)
        #expect(containers[1]?["name"]?.string == "b")
        #expect(containers[2]?.type == nil)
        #expect(doc.root.node(at: ["spec", "containers", 0, "securityContext", "privileged"])?.bool == true)
        #expect(doc.root.node(at: ["spec", "containers", 0, "securityContext", "runAsUser"])?.int == 0)
        #expect(doc.root["spec"]?.keys == ["containers"])
        #expect(doc.root["nope"]?.type == nil)
        #expect(doc.root.description == #"{"spec":{"containers":[{"name":"a","securityContext":{"privileged":true,"runAsUser":0}},{"name":"b"}]}}"#)
    }

    @Test func serializationRoundTrip() throws {
        let v: JSONValue = ["s": "a\"b\n\u{1}", "n": 1.5, "i": -3, "b": false, "z": nil, "a": [1, "x", [:]], "d": 2.0]
        let back = try JSONDocument(parsing: v.jsonBytes()).root.value
        #expect(back == v)
        #expect(v.jsonString == #"{"a":[1,"x",{}],"b":false,"d":2.0,"i":-3,"n":1.5,"s":"a\"b\n\u0001","z":null}"#)
    }
}
