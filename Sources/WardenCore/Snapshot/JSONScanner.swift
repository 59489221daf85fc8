#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A JSON syntax error with the byte offset where it was detected.
public struct JSONParseError: Error, Sendable, Hashable, Codable, CustomStringConvertible {
    public var offset: Int
    public var message: String

    public init(offset: Int, message: String) {
        self.offset = offset
        self.message = message
    }

    public var description: String { "invalid JSON at byte \(offset): \(message)" }

    /// 1-based line and column (in bytes) of `offset` in `bytes`.
    public func lineAndColumn(in bytes: [UInt8]) -> (line: Int, column: Int) {
        var line = 1
        var col = 1
        for b in bytes.prefix(offset) {
            if b == 0x0A {
                line += 1
                col = 1
            } else {
                col += 1
            }
        }
        return (line, col)
    }
}

public struct JSONParseOptions: Sendable, Hashable {
    /// Maximum nesting depth of arrays and objects.
    public var maxDepth: Int
    /// Reject objects with the same key twice (RFC 8259 only says SHOULD be unique; ambiguous
    /// keys are a classic way to hide a field from one of two parsers, so the default rejects).
    public var rejectDuplicateKeys: Bool

    public init(maxDepth: Int = 512, rejectDuplicateKeys: Bool = true) {
        self.maxDepth = maxDepth
        self.rejectDuplicateKeys = rejectDuplicateKeys
    }
}

/// Strict RFC 8259 parser producing the tape described in JSONDocument.swift.
/// Rejects: trailing commas, leading zeros, bare control characters in strings, invalid escapes,
/// invalid UTF-8 (overlong, surrogates, > U+10FFFF, truncated), non-whitespace after the value,
/// duplicate keys (by default), excessive depth.
struct JSONScanner {
    let base: UnsafePointer<UInt8>
    let n: Int
    var i: Int = 0
    var tape: UnsafeMutablePointer<UInt64>
    var tapeCount: Int = 0
    var tapeCap: Int
    var longs: [UInt64] = []
    let maxDepth: Int
    let rejectDuplicates: Bool
    /// Scratch space for duplicate-key checks (freed with the scanner by `discard`/`finish`).
    let keyScratch: UnsafeMutablePointer<Int>

    init(base: UnsafePointer<UInt8>, count: Int, options: JSONParseOptions, initialTapeCapacity: Int? = nil) {
        self.base = base
        self.n = count
        self.maxDepth = options.maxDepth
        self.rejectDuplicates = options.rejectDuplicateKeys
        let cap = max(64, initialTapeCapacity ?? (count / 8 + 16))
        self.tapeCap = cap
        self.tape = malloc(cap * 8)!.assumingMemoryBound(to: UInt64.self)
        self.keyScratch = .allocate(capacity: Self.scratchCapacity)
    }

    /// Frees the tape (after an error).
    func discard() {
        free(tape)
        keyScratch.deallocate()
    }

    /// Transfers the tape, shrunk to size, to a storage object.
    mutating func finish() -> TapeStorage {
        keyScratch.deallocate()
        let size = max(tapeCount, 1) * 8
        if let p = realloc(tape, size) { tape = p.assumingMemoryBound(to: UInt64.self) }
        tapeCap = max(tapeCount, 1)
        return TapeStorage(taking: tape, count: tapeCount)
    }

    var view: TapeView { TapeView(words: UnsafePointer(tape), bytes: base, longs: longs) }

    static func parseDocument(_ bytes: [UInt8], options: JSONParseOptions) throws(JSONParseError) -> (TapeStorage, [UInt64]) {
        let result: Result<(TapeStorage, [UInt64]), JSONParseError> = bytes.withUnsafeBufferPointer { buf in
            if buf.count > Tape.maxOffset { return .failure(JSONParseError(offset: 0, message: "input too large")) }
            var s = JSONScanner(base: buf.baseAddress ?? UnsafePointer(bitPattern: 1)!, count: buf.count, options: options)
            do throws(JSONParseError) {
                s.skipBOM()
                try s.parseValue(depth: 0)
                s.skipWS()
                if s.i != s.n { throw s.error("unexpected data after the JSON value") }
                return .success((s.finish(), s.longs))
            } catch {
                s.discard()
                return .failure(error)
            }
        }
        return try result.get()
    }

    // MARK: Helpers

    @inline(__always) func error(_ message: String, at offset: Int? = nil) -> JSONParseError {
        JSONParseError(offset: offset ?? i, message: message)
    }

    @inline(__always) mutating func push(_ w: UInt64) {
        if tapeCount == tapeCap { grow() }
        tape[tapeCount] = w
        tapeCount += 1
    }

    @inline(never) mutating func grow() {
        let newCap = tapeCap + tapeCap / 2 + 1024
        tape = realloc(tape, newCap * 8)!.assumingMemoryBound(to: UInt64.self)
        tapeCap = newCap
    }

    mutating func skipBOM() {
        if n >= 3, base[0] == 0xEF, base[1] == 0xBB, base[2] == 0xBF { i = 3 }
    }

    @inline(__always) mutating func skipWS() {
        while i < n {
            let c = base[i]
            if c == 0x20 || c == 0x0D || c == 0x09 {
                i += 1
            } else if c == 0x0A {
                // Pretty-printed JSON (kubectl indents by 4): skip indentation 8 bytes at a time.
                i += 1
                while i + 8 <= n, UnsafeRawPointer(base + i).loadUnaligned(as: UInt64.self) == 0x2020_2020_2020_2020 {
                    i += 8
                }
            } else {
                return
            }
        }
    }

    @inline(__always) func peek() -> UInt8? { i < n ? base[i] : nil }

    // MARK: Values

    mutating func parseValue(depth: Int) throws(JSONParseError) {
        skipWS()
        guard i < n else { throw error("unexpected end of input, expected a value") }
        switch base[i] {
        case UInt8(ascii: "{"): try parseObject(depth: depth + 1)
        case UInt8(ascii: "["): try parseArray(depth: depth + 1)
        case UInt8(ascii: "\""): try parseString()
        case UInt8(ascii: "t"): try literal("true", Tape.trueTag << 60)
        case UInt8(ascii: "f"): try literal("false", Tape.falseTag << 60)
        case UInt8(ascii: "n"): try literal("null", Tape.null << 60)
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): try parseNumber()
        default: throw error("unexpected character \(Self.describe(base[i])), expected a value")
        }
    }

    static func describe(_ c: UInt8) -> String {
        (0x21..<0x7F).contains(c) ? "'\(Character(Unicode.Scalar(c)))'" : "0x" + String(c, radix: 16)
    }

    @inline(__always) mutating func literal(_ text: StaticString, _ word: UInt64) throws(JSONParseError) {
        let len = text.utf8CodeUnitCount
        guard i + len <= n, memcmp(base + i, text.utf8Start, len) == 0 else {
            throw error("invalid literal, expected '\(text)'")
        }
        i += len
        push(word)
    }

    mutating func parseArray(depth: Int) throws(JSONParseError) {
        if depth > maxDepth { throw error("nesting deeper than \(maxDepth)") }
        let header = tapeCount
        push(0)
        i += 1
        skipWS()
        var count = 0
        if i < n, base[i] == UInt8(ascii: "]") {
            i += 1
        } else {
            while true {
                try parseValue(depth: depth)
                count += 1
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
                    break
                }
                throw error("expected ',' or ']' in array, found \(Self.describe(c))")
            }
        }
        try closeContainer(Tape.array, header: header, count: count)
    }

    @inline(__always) mutating func closeContainer(_ tag: UInt64, header: Int, count: Int) throws(JSONParseError) {
        let skip = tapeCount - header
        guard count <= Tape.maxCount, skip <= Int(UInt32.max) else { throw error("container too large") }
        tape[header] = Tape.container(tag, count: count, skip: skip)
    }

    mutating func parseObject(depth: Int) throws(JSONParseError) {
        if depth > maxDepth { throw error("nesting deeper than \(maxDepth)") }
        let header = tapeCount
        let start = i
        push(0)
        i += 1
        skipWS()
        var count = 0
        if i < n, base[i] == UInt8(ascii: "}") {
            i += 1
        } else {
            while true {
                try parseMember(depth: depth)
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
    }

    /// Parses `"key": value`.
    @inline(__always) mutating func parseMember(depth: Int) throws(JSONParseError) {
        skipWS()
        guard i < n else { throw error("unexpected end of input in object") }
        guard base[i] == UInt8(ascii: "\"") else {
            if base[i] == UInt8(ascii: "}") { throw error("trailing comma in object") }
            throw error("expected a string key, found \(Self.describe(base[i]))")
        }
        try parseString()
        skipWS()
        guard i < n, base[i] == UInt8(ascii: ":") else { throw error("expected ':' after object key") }
        i += 1
        try parseValue(depth: depth)
    }

    mutating func checkDuplicateKeys(header: Int, objectStart: Int) throws(JSONParseError) {
        let count = Tape.count(tape[header])
        if count > Self.scratchCapacity { return try checkDuplicateKeysHashed(header: header) }
        // Key word positions, gathered without allocating.
        var j = header + 1
        for k in 0..<count {
            keyScratch[k] = j
            j += 1
            j += Tape.size(tape[j])
        }
        for a in 1..<count {
            let wa = tape[keyScratch[a]]
            let plainA = Tape.tag(wa) == Tape.string
            for b in 0..<a {
                let wb = tape[keyScratch[b]]
                if plainA && Tape.tag(wb) == Tape.string {
                    // Same length (bits 36..59) and same bytes.
                    if (wa ^ wb) & 0x0FFF_FFF0_0000_0000 != 0 { continue }
                    let len = Tape.length(wa)
                    if len == 0 || memcmp(base + Tape.offset(wa), base + Tape.offset(wb), len) == 0 {
                        throw duplicateKeyError(keyScratch[a])
                    }
                } else if view.decodeString(keyScratch[a]).utf8.elementsEqual(view.decodeString(keyScratch[b]).utf8) {
                    throw duplicateKeyError(keyScratch[a])
                }
            }
        }
    }

    static let scratchCapacity = 24

    func duplicateKeyError(_ k: Int) -> JSONParseError {
        JSONParseError(offset: view.span(k).offset, message: "duplicate object key \"\(view.decodeString(k))\"")
    }

    mutating func checkDuplicateKeysHashed(header: Int) throws(JSONParseError) {
        let v = view
        let count = Tape.count(tape[header])
        // Swift string keys collide for canonically-equivalent spellings, so keep all and compare bytes.
        var seen: [String: [Int]] = [:]
        seen.reserveCapacity(count)
        var j = header + 1
        for _ in 0..<count {
            let k = j
            let s = v.decodeString(k)
            if let prev = seen[s], prev.contains(where: { v.decodeString($0).utf8.elementsEqual(s.utf8) }) {
                throw duplicateKeyError(k)
            }
            seen[s, default: []].append(k)
            j += 1
            j += Tape.size(tape[j])
        }
    }

    // MARK: Strings

    @inline(__always) static func hasByte(_ x: UInt64, _ b: UInt8) -> UInt64 {
        let y = x ^ (0x0101_0101_0101_0101 &* UInt64(b))
        return (y &- 0x0101_0101_0101_0101) & ~y & 0x8080_8080_8080_8080
    }

    /// Parses a string starting at the opening quote and pushes its word.
    mutating func parseString() throws(JSONParseError) {
        let start = i + 1
        var j = start
        var escaped = false
        while true {
            // Fast path: 8 plain ASCII bytes at a time.
            while j + 8 <= n {
                let x = UInt64(littleEndian: UnsafeRawPointer(base + j).loadUnaligned(as: UInt64.self))
                let special =
                    Self.hasByte(x, 0x22) | Self.hasByte(x, 0x5C)
                    | ((x &- 0x2020_2020_2020_2020) & ~x & 0x8080_8080_8080_8080)  // byte < 0x20
                    | (x & 0x8080_8080_8080_8080)  // non-ASCII
                if special != 0 { break }
                j += 8
            }
            guard j < n else { throw error("unterminated string", at: start - 1) }
            let c = base[j]
            if c == UInt8(ascii: "\"") { break }
            if c == UInt8(ascii: "\\") {
                escaped = true
                guard j + 1 < n else { throw error("unterminated string", at: start - 1) }
                switch base[j + 1] {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"), UInt8(ascii: "b"),
                    UInt8(ascii: "f"), UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
                    j += 2
                case UInt8(ascii: "u"):
                    guard j + 6 <= n,
                        JSONStringDecoding.hex(base[j + 2]) != nil, JSONStringDecoding.hex(base[j + 3]) != nil,
                        JSONStringDecoding.hex(base[j + 4]) != nil, JSONStringDecoding.hex(base[j + 5]) != nil
                    else { throw error("invalid \\u escape", at: j) }
                    j += 6
                default:
                    throw error("invalid escape '\\\(Self.describe(base[j + 1]))'", at: j)
                }
            } else if c < 0x20 {
                throw error("unescaped control character 0x\(String(c, radix: 16)) in string", at: j)
            } else if c < 0x80 {
                j += 1
            } else {
                j += try utf8Sequence(at: j)
            }
        }
        let len = j - start
        i = j + 1
        if len <= Tape.maxShortLength {
            push(Tape.span(escaped ? Tape.escapedString : Tape.string, offset: start, length: len))
        } else {
            let k = longs.count / 2
            longs.append(UInt64(start))
            longs.append(UInt64(len))
            push(((escaped ? Tape.longEscapedString : Tape.longString) << 60) | UInt64(k))
        }
    }

    /// Validates one multi-byte UTF-8 sequence at `j`, returns its length.
    @inline(__always) func utf8Sequence(at j: Int) throws(JSONParseError) -> Int {
        let c0 = base[j]
        @inline(__always) func cont(_ k: Int) -> Bool { j + k < n && base[j + k] & 0xC0 == 0x80 }
        switch c0 {
        case 0xC2...0xDF:
            if cont(1) { return 2 }
        case 0xE0:
            if j + 1 < n, (0xA0...0xBF).contains(base[j + 1]), cont(2) { return 3 }
        case 0xE1...0xEC, 0xEE...0xEF:
            if cont(1), cont(2) { return 3 }
        case 0xED:  // excludes UTF-16 surrogates
            if j + 1 < n, (0x80...0x9F).contains(base[j + 1]), cont(2) { return 3 }
        case 0xF0:
            if j + 1 < n, (0x90...0xBF).contains(base[j + 1]), cont(2), cont(3) { return 4 }
        case 0xF1...0xF3:
            if cont(1), cont(2), cont(3) { return 4 }
        case 0xF4:
            if j + 1 < n, (0x80...0x8F).contains(base[j + 1]), cont(2), cont(3) { return 4 }
        default:
            break
        }
        throw error("invalid UTF-8 in string", at: j)
    }

    // MARK: Numbers

    @inline(__always) static func isDigit(_ c: UInt8) -> Bool { c &- UInt8(ascii: "0") < 10 }

    mutating func parseNumber() throws(JSONParseError) {
        let start = i
        var negative = false
        if base[i] == UInt8(ascii: "-") {
            negative = true
            i += 1
        }
        guard i < n, Self.isDigit(base[i]) else { throw error("invalid number", at: start) }
        var value: UInt64 = 0
        var digits = 0
        if base[i] == UInt8(ascii: "0") {
            i += 1
            digits = 1
            if i < n, Self.isDigit(base[i]) { throw error("leading zero in number", at: start) }
        } else {
            while i < n, Self.isDigit(base[i]) {
                if digits < 19 { value = value &* 10 &+ UInt64(base[i] &- UInt8(ascii: "0")) }
                digits += 1
                i += 1
            }
        }
        var integral = true
        if i < n, base[i] == UInt8(ascii: ".") {
            integral = false
            i += 1
            guard i < n, Self.isDigit(base[i]) else { throw error("expected digits after '.'", at: i) }
            while i < n, Self.isDigit(base[i]) { i += 1 }
        }
        if i < n, base[i] == UInt8(ascii: "e") || base[i] == UInt8(ascii: "E") {
            integral = false
            i += 1
            if i < n, base[i] == UInt8(ascii: "+") || base[i] == UInt8(ascii: "-") { i += 1 }
            guard i < n, Self.isDigit(base[i]) else { throw error("expected digits in exponent", at: i) }
            while i < n, Self.isDigit(base[i]) { i += 1 }
        }
        let len = i - start
        if integral && digits <= 17 && !(negative && value == 0) {
            let v = negative ? -Int64(value) : Int64(value)
            push(Tape.int(v))
        } else {
            guard len <= Tape.maxShortLength else { throw error("number too long", at: start) }
            push(Tape.span(Tape.number, offset: start, length: len))
        }
    }
}
