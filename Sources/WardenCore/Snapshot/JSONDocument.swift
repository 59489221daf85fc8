#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

// Compact parsed JSON: a "tape" of 64-bit words (one per value, one per object key, one
// header per container) plus the original input bytes, which strings and non-integer numbers
// reference by offset (zero copy). About 8 bytes per JSON token on top of the input.
//
// Word layout: tag in bits 60..63.
//   null/false/true                 no payload
//   int                             60-bit two's complement value
//   number/string/escapedString     length (24 bits, 59..36) | byte offset (36 bits, 35..0)
//   longString/longEscapedString    index into `longs` (offset, length pairs)
//   array/object                    element/member count (28 bits, 59..32) | subtree size in words (32 bits)
// An object's members are laid out as key word, value subtree, key word, value subtree, ...

enum Tape {
    static let null: UInt64 = 0
    static let falseTag: UInt64 = 1
    static let trueTag: UInt64 = 2
    static let int: UInt64 = 3
    static let number: UInt64 = 4
    static let string: UInt64 = 5
    static let escapedString: UInt64 = 6
    static let array: UInt64 = 7
    static let object: UInt64 = 8
    static let longString: UInt64 = 9
    static let longEscapedString: UInt64 = 10

    static let maxShortLength = (1 << 24) - 1
    static let maxOffset = (1 << 36) - 1
    static let maxCount = (1 << 28) - 1
    static let maxInt: Int64 = (1 << 59) - 1
    static let minInt: Int64 = -(1 << 59)

    @inline(__always) static func tag(_ w: UInt64) -> UInt64 { w >> 60 }
    @inline(__always) static func length(_ w: UInt64) -> Int { Int((w >> 36) & 0xFF_FFFF) }
    @inline(__always) static func offset(_ w: UInt64) -> Int { Int(w & 0xF_FFFF_FFFF) }
    @inline(__always) static func count(_ w: UInt64) -> Int { Int((w >> 32) & 0xFFF_FFFF) }
    @inline(__always) static func skip(_ w: UInt64) -> Int { Int(w & 0xFFFF_FFFF) }
    @inline(__always) static func intValue(_ w: UInt64) -> Int64 { Int64(bitPattern: w << 4) >> 4 }

    @inline(__always) static func span(_ tag: UInt64, offset: Int, length: Int) -> UInt64 {
        (tag << 60) | (UInt64(length) << 36) | UInt64(offset)
    }
    @inline(__always) static func container(_ tag: UInt64, count: Int, skip: Int) -> UInt64 {
        (tag << 60) | (UInt64(count) << 32) | UInt64(skip)
    }
    @inline(__always) static func int(_ v: Int64) -> UInt64 {
        (int << 60) | (UInt64(bitPattern: v) & 0x0FFF_FFFF_FFFF_FFFF)
    }

    /// Words taken by the value starting with word `w`.
    @inline(__always) static func size(_ w: UInt64) -> Int {
        let t = tag(w)
        return (t == array || t == object) ? skip(w) : 1
    }
}

/// Owns a malloc'ed tape buffer.
final class TapeStorage: @unchecked Sendable {
    let words: UnsafeMutablePointer<UInt64>
    let count: Int

    init(taking words: UnsafeMutablePointer<UInt64>, count: Int) {
        self.words = words
        self.count = count
    }

    deinit { free(words) }
}

/// Read access to a tape and its bytes (valid while both are alive).
struct TapeView {
    let words: UnsafePointer<UInt64>
    let bytes: UnsafePointer<UInt8>
    let longs: [UInt64]

    @inline(__always) func word(_ i: Int) -> UInt64 { words[i] }

    /// Offset and length of a string or number word.
    @inline(__always) func span(_ i: Int) -> (offset: Int, length: Int) {
        let w = words[i]
        switch Tape.tag(w) {
        case Tape.longString, Tape.longEscapedString:
            let k = Int(w & 0x0FFF_FFFF_FFFF_FFFF) * 2
            return (Int(longs[k]), Int(longs[k + 1]))
        default:
            return (Tape.offset(w), Tape.length(w))
        }
    }

    @inline(__always) func isString(_ i: Int) -> Bool {
        let t = Tape.tag(words[i])
        return t == Tape.string || t == Tape.escapedString || t == Tape.longString || t == Tape.longEscapedString
    }

    @inline(__always) func isEscaped(_ i: Int) -> Bool {
        let t = Tape.tag(words[i])
        return t == Tape.escapedString || t == Tape.longEscapedString
    }

    /// Does the string at `i` equal `key` (given as UTF-8 bytes)?
    @inline(__always) func stringEquals(_ i: Int, _ key: UnsafeBufferPointer<UInt8>) -> Bool {
        let (off, len) = span(i)
        if isEscaped(i) {
            return decodeString(i).utf8.elementsEqual(key)
        }
        guard len == key.count else { return false }
        return len == 0 || memcmp(bytes + off, key.baseAddress!, len) == 0
    }

    func stringEquals(_ i: Int, _ key: String) -> Bool {
        var key = key
        return key.withUTF8 { stringEquals(i, $0) }
    }

    /// The member value index for `key` in the object at `i`, nil if absent or not an object.
    func member(_ i: Int, _ key: UnsafeBufferPointer<UInt8>) -> Int? {
        let w = words[i]
        guard Tape.tag(w) == Tape.object else { return nil }
        var j = i + 1
        for _ in 0..<Tape.count(w) {
            if stringEquals(j, key) { return j + 1 }
            j += 1
            j += Tape.size(words[j])
        }
        return nil
    }

    func member(_ i: Int, _ key: String) -> Int? {
        var key = key
        return key.withUTF8 { member(i, $0) }
    }

    @inline(__always) func member(_ i: Int, static key: StaticString) -> Int? {
        member(i, UnsafeBufferPointer(start: key.utf8Start, count: key.utf8CodeUnitCount))
    }

    @inline(__always) func stringEquals(_ i: Int, static key: StaticString) -> Bool {
        stringEquals(i, UnsafeBufferPointer(start: key.utf8Start, count: key.utf8CodeUnitCount))
    }

    /// Decodes the string at `i` (escapes resolved).
    func decodeString(_ i: Int) -> String {
        let (off, len) = span(i)
        let raw = UnsafeBufferPointer(start: bytes + off, count: len)
        if !isEscaped(i) { return String(decoding: raw, as: UTF8.self) }
        return JSONStringDecoding.unescape(raw)
    }

    /// Element indexes of the array at `i`.
    func elements(_ i: Int) -> [Int] {
        let w = words[i]
        guard Tape.tag(w) == Tape.array else { return [] }
        var out: [Int] = []
        out.reserveCapacity(Tape.count(w))
        var j = i + 1
        for _ in 0..<Tape.count(w) {
            out.append(j)
            j += Tape.size(words[j])
        }
        return out
    }

    /// (key index, value index) of the object at `i`.
    func members(_ i: Int) -> [(key: Int, value: Int)] {
        let w = words[i]
        guard Tape.tag(w) == Tape.object else { return [] }
        var out: [(key: Int, value: Int)] = []
        out.reserveCapacity(Tape.count(w))
        var j = i + 1
        for _ in 0..<Tape.count(w) {
            out.append((j, j + 1))
            j += 1
            j += Tape.size(words[j])
        }
        return out
    }

    func number(_ i: Int) -> JSONValue {
        let w = words[i]
        if Tape.tag(w) == Tape.int { return .int(Tape.intValue(w)) }
        let (off, len) = span(i)
        let text = String(decoding: UnsafeBufferPointer(start: bytes + off, count: len), as: UTF8.self)
        let isInteger = !text.utf8.contains { $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "e") || $0 == UInt8(ascii: "E") }
        if isInteger, let v = Int64(text) { return .int(v) }
        return .double(Double(text) ?? .nan)
    }

    /// Materializes the subtree at `i`.
    func value(_ i: Int) -> JSONValue {
        let w = words[i]
        switch Tape.tag(w) {
        case Tape.null: return .null
        case Tape.falseTag: return .bool(false)
        case Tape.trueTag: return .bool(true)
        case Tape.int, Tape.number: return number(i)
        case Tape.array: return .array(elements(i).map { value($0) })
        case Tape.object:
            var d: [String: JSONValue] = [:]
            d.reserveCapacity(Tape.count(w))
            for (k, v) in members(i) { d[decodeString(k)] = value(v) }
            return .object(d)
        default: return .string(decodeString(i))
        }
    }
}

enum JSONStringDecoding {
    @inline(__always) static func hex(_ c: UInt8) -> UInt32? {
        switch c {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return UInt32(c - UInt8(ascii: "0"))
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return UInt32(c - UInt8(ascii: "a") + 10)
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return UInt32(c - UInt8(ascii: "A") + 10)
        default: return nil
        }
    }

    /// Decodes the raw (already validated) contents of a JSON string. Unpaired surrogates
    /// become U+FFFD, like Go's encoding/json.
    static func unescape(_ raw: UnsafeBufferPointer<UInt8>) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(raw.count)
        var i = 0
        let n = raw.count
        func appendScalar(_ v: UInt32) {
            let s = Unicode.Scalar(v) ?? "\u{FFFD}"
            out.append(contentsOf: UTF8.encode(s)!)
        }
        func hex4(_ at: Int) -> UInt32? {
            guard at + 4 <= n, let a = hex(raw[at]), let b = hex(raw[at + 1]),
                let c = hex(raw[at + 2]), let d = hex(raw[at + 3])
            else { return nil }
            return (a << 12) | (b << 8) | (c << 4) | d
        }
        while i < n {
            let c = raw[i]
            if c != UInt8(ascii: "\\") {
                out.append(c)
                i += 1
                continue
            }
            guard i + 1 < n else { break }
            let e = raw[i + 1]
            i += 2
            switch e {
            case UInt8(ascii: "\""): out.append(UInt8(ascii: "\""))
            case UInt8(ascii: "\\"): out.append(UInt8(ascii: "\\"))
            case UInt8(ascii: "/"): out.append(UInt8(ascii: "/"))
            case UInt8(ascii: "b"): out.append(0x08)
            case UInt8(ascii: "f"): out.append(0x0C)
            case UInt8(ascii: "n"): out.append(0x0A)
            case UInt8(ascii: "r"): out.append(0x0D)
            case UInt8(ascii: "t"): out.append(0x09)
            case UInt8(ascii: "u"):
                guard let u = hex4(i) else { return String(decoding: out, as: UTF8.self) }
                i += 4
                if (0xD800..<0xDC00).contains(u) {
                    if i + 6 <= n, raw[i] == UInt8(ascii: "\\"), raw[i + 1] == UInt8(ascii: "u"),
                        let lo = hex4(i + 2), (0xDC00..<0xE000).contains(lo)
                    {
                        i += 6
                        appendScalar(0x10000 + ((u - 0xD800) << 10) + (lo - 0xDC00))
                    } else {
                        appendScalar(0xFFFD)
                    }
                } else if (0xDC00..<0xE000).contains(u) {
                    appendScalar(0xFFFD)
                } else {
                    appendScalar(u)
                }
            default:
                break
            }
        }
        return String(decoding: out, as: UTF8.self)
    }
}

/// A parsed JSON text kept compactly (see the file comment). Immutable; share freely.
public final class JSONDocument: @unchecked Sendable {
    /// The input text. Strings are slices of it, so it is retained as long as the document.
    public let bytes: [UInt8]
    let storage: TapeStorage
    let longs: [UInt64]

    init(bytes: [UInt8], storage: TapeStorage, longs: [UInt64]) {
        self.bytes = bytes
        self.storage = storage
        self.longs = longs
    }

    /// Parses a complete JSON text (RFC 8259, strict). Throws `JSONParseError` with the byte offset.
    public convenience init(parsing bytes: [UInt8], options: JSONParseOptions = .init()) throws(JSONParseError) {
        let (storage, longs) = try JSONScanner.parseDocument(bytes, options: options)
        self.init(bytes: bytes, storage: storage, longs: longs)
    }

    public convenience init(parsing text: String, options: JSONParseOptions = .init()) throws(JSONParseError) {
        try self.init(parsing: Array(text.utf8), options: options)
    }

    /// The root value.
    public var root: JSONNode { JSONNode(document: self, index: 0) }

    /// Number of tape words (memory is about 8 bytes per word plus the input).
    public var tapeWordCount: Int { storage.count }

    @inline(__always)
    func withView<R>(_ body: (TapeView) throws -> R) rethrows -> R {
        try bytes.withUnsafeBufferPointer { b in
            try body(TapeView(words: UnsafePointer(storage.words), bytes: b.baseAddress ?? UnsafePointer(bitPattern: 1)!, longs: longs))
        }
    }
}

public enum JSONType: String, Sendable, Hashable, Codable {
    case null, bool, number, string, array, object
}

/// A cheap reference to a value inside a `JSONDocument` (no copying until you ask for values).
public struct JSONNode: Sendable, CustomStringConvertible {
    public let document: JSONDocument
    let index: Int

    init(document: JSONDocument, index: Int) {
        self.document = document
        self.index = index
    }

    public var type: JSONType {
        let w = document.storage.words[index]
        switch Tape.tag(w) {
        case Tape.null: return .null
        case Tape.falseTag, Tape.trueTag: return .bool
        case Tape.int, Tape.number: return .number
        case Tape.array: return .array
        case Tape.object: return .object
        default: return .string
        }
    }

    public var isNull: Bool { type == .null }

    /// Member of an object.
    public subscript(key: String) -> JSONNode? {
        document.withView { v in v.member(index, key).map { JSONNode(document: document, index: $0) } }
    }

    /// Element of an array.
    public subscript(position: Int) -> JSONNode? {
        let e = elements
        return e.indices.contains(position) ? e[position] : nil
    }

    /// Follows a path of keys (String) and indexes (Int).
    public func node(at path: [any JSONPathComponent]) -> JSONNode? {
        var cur: JSONNode? = self
        for c in path { cur = cur.flatMap { c.step($0) } }
        return cur
    }

    /// Element or member count (0 for scalars).
    public var count: Int {
        let w = document.storage.words[index]
        let t = Tape.tag(w)
        return (t == Tape.array || t == Tape.object) ? Tape.count(w) : 0
    }

    public var elements: [JSONNode] {
        document.withView { v in v.elements(index).map { JSONNode(document: document, index: $0) } }
    }

    /// Object members in document order.
    public var members: [(key: String, value: JSONNode)] {
        document.withView { v in
            v.members(index).map { (v.decodeString($0.key), JSONNode(document: document, index: $0.value)) }
        }
    }

    public var keys: [String] { members.map(\.key) }

    public var string: String? {
        guard type == .string else { return nil }
        return document.withView { $0.decodeString(index) }
    }

    public var bool: Bool? {
        switch Tape.tag(document.storage.words[index]) {
        case Tape.trueTag: return true
        case Tape.falseTag: return false
        default: return nil
        }
    }

    public var int: Int64? {
        guard type == .number else { return nil }
        return document.withView { $0.number(index) }.intValue
    }

    public var double: Double? {
        guard type == .number else { return nil }
        return document.withView { $0.number(index) }.doubleValue
    }

    /// The subtree as an owned `JSONValue`.
    public var value: JSONValue { document.withView { $0.value(index) } }

    /// Compact JSON text of the subtree (keys sorted).
    public var description: String { value.jsonString }
}
