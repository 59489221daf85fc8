/// An IPv4 or IPv6 address: its 4 or 16 bytes in network order.
public struct IPAddress: Sendable, Hashable, CustomStringConvertible {
    public let bytes: [UInt8]

    public init?(bytes: [UInt8]) {
        guard bytes.count == 4 || bytes.count == 16 else { return nil }
        self.bytes = bytes
    }

    public var isIPv4: Bool { bytes.count == 4 }

    /// An address as `inet_pton` reads it: four decimal octets, or RFC 4291 text (with an IPv4
    /// tail allowed). Brackets around an IPv6 address and a zone after `%` are tolerated.
    public init?(_ text: some StringProtocol) {
        var text = Substring(text)
        if text.first == "[", text.last == "]" { text = text.dropFirst().dropLast() }
        if let bytes = Self.parseIPv4(text) {
            self.bytes = bytes
        } else if let bytes = Self.parseIPv6(text) {
            self.bytes = bytes
        } else {
            return nil
        }
    }

    /// An IPv4 address in any form `inet_aton` (and so `getaddrinfo`) accepts, as browsers do:
    /// one to four parts, each decimal, octal (leading 0) or hex (0x), the last filling the
    /// remaining bytes: `127.1`, `2130706433`, `0x7f.0.0.1`, `0177.0.0.1`. One trailing dot is allowed.
    public static func legacyIPv4(_ text: some StringProtocol) -> IPAddress? {
        var text = Substring(text)
        if text.last == "." { text = text.dropLast() }
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard (1...4).contains(parts.count) else { return nil }
        var values: [UInt64] = []
        for part in parts {
            guard let value = parseLegacyNumber(part) else { return nil }
            values.append(value)
        }
        let last = values.removeLast()
        guard values.allSatisfy({ $0 <= 255 }), last < (UInt64(1) << (8 * (4 - values.count))) else { return nil }
        var bytes = values.map { UInt8($0) }
        for shift in stride(from: 8 * (3 - values.count), through: 0, by: -8) {
            bytes.append(UInt8((last >> UInt64(shift)) & 0xff))
        }
        return IPAddress(bytes: bytes)
    }

    /// The IPv4 address inside an IPv4-mapped IPv6 address (`::ffff:a.b.c.d`), which reaches that
    /// IPv4 address on a dual-stack socket; nil for any other address.
    public var mappedIPv4: IPAddress? {
        guard bytes.count == 16, bytes[0..<10].allSatisfy({ $0 == 0 }), bytes[10] == 0xff, bytes[11] == 0xff else { return nil }
        return IPAddress(bytes: Array(bytes[12..<16]))
    }

    /// Dotted decimal, or RFC 5952 text (`::ffff:a.b.c.d` for a mapped address).
    public var description: String {
        if isIPv4 { return bytes.map(String.init).joined(separator: ".") }
        if let v4 = mappedIPv4 { return "::ffff:\(v4)" }
        let groups = stride(from: 0, to: 16, by: 2).map { UInt16(bytes[$0]) << 8 | UInt16(bytes[$0 + 1]) }
        // The longest run of two or more zero groups becomes "::" (the first, on a tie).
        var best = (start: -1, length: 0)
        var index = 0
        while index < 8 {
            guard groups[index] == 0 else {
                index += 1
                continue
            }
            var end = index
            while end < 8, groups[end] == 0 { end += 1 }
            if end - index > best.length { best = (index, end - index) }
            index = end
        }
        func hex(_ range: Range<Int>) -> String { groups[range].map { String($0, radix: 16) }.joined(separator: ":") }
        guard best.length >= 2 else { return hex(0..<8) }
        return hex(0..<best.start) + "::" + hex((best.start + best.length)..<8)
    }

    private static func parseIPv4(_ text: Substring) -> [UInt8]? {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4 else { return nil }
        var bytes: [UInt8] = []
        for part in parts {
            guard (1...3).contains(part.count), part.allSatisfy({ $0.isASCII && $0.isNumber }),
                part.count == 1 || part.first != "0", let value = UInt8(part)
            else { return nil }
            bytes.append(value)
        }
        return bytes
    }

    private static func parseIPv6(_ text: Substring) -> [UInt8]? {
        var text = text
        if let zone = text.firstIndex(of: "%") {
            guard text.index(after: zone) < text.endIndex else { return nil }
            text = text[..<zone]
        }
        guard text.contains(":") else { return nil }
        let halves = text.split(separator: "::", maxSplits: 2, omittingEmptySubsequences: false)
        guard halves.count <= 2 else { return nil }
        func groups(_ part: Substring, last: Bool) -> [UInt8]? {
            if part.isEmpty { return [] }
            let pieces = part.split(separator: ":", omittingEmptySubsequences: false)
            var out: [UInt8] = []
            for (index, piece) in pieces.enumerated() {
                if last, index == pieces.count - 1, piece.contains(".") {
                    guard let v4 = parseIPv4(piece) else { return nil }
                    out += v4
                } else {
                    guard (1...4).contains(piece.count), let value = UInt16(piece, radix: 16), piece.allSatisfy(\.isHexDigit) else { return nil }
                    out += [UInt8(value >> 8), UInt8(value & 0xff)]
                }
            }
            return out
        }
        if halves.count == 1 {
            guard let all = groups(halves[0], last: true), all.count == 16 else { return nil }
            return all
        }
        guard let head = groups(halves[0], last: false), let tail = groups(halves[1], last: true), head.count + tail.count <= 14 else {
            return nil
        }
        return head + Array(repeating: 0, count: 16 - head.count - tail.count) + tail
    }

    private static func parseLegacyNumber(_ part: Substring) -> UInt64? {
        guard !part.isEmpty, part.count <= 34 else { return nil }
        let lower = part.lowercased()
        let (digits, radix): (Substring, Int) =
            lower.hasPrefix("0x") ? (lower.dropFirst(2), 16) : lower.count > 1 && lower.hasPrefix("0") ? (lower.dropFirst(), 8) : (lower[...], 10)
        if digits.isEmpty { return 0 }  // "0x", as inet_aton reads it
        guard digits.allSatisfy({ $0.isASCII && $0.isHexDigit }) else { return nil }
        return UInt64(digits, radix: radix)
    }
}

/// A network in CIDR notation: an address and how many leading bits of it are the network.
public struct IPNetwork: Sendable, Hashable, CustomStringConvertible {
    public let address: IPAddress
    public let prefixLength: Int

    /// nil unless `prefixLength` fits the address and no host bits are set.
    public init?(address: IPAddress, prefixLength: Int) {
        guard (0...address.bytes.count * 8).contains(prefixLength) else { return nil }
        self.address = address
        self.prefixLength = prefixLength
        guard Self.masked(address.bytes, prefixLength) == address.bytes else { return nil }
    }

    /// `10.0.0.0/8`, `fd00::/8`, or one address (`127.0.0.1`, `::1`) for a network of just that address.
    public init?(_ text: some StringProtocol) {
        let parts = text.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
        guard let address = IPAddress(parts[0]) else { return nil }
        var length = address.bytes.count * 8
        if parts.count == 2 {
            guard !parts[1].isEmpty, parts[1].count <= 3, parts[1].allSatisfy({ $0.isASCII && $0.isNumber }), let value = Int(parts[1]) else {
                return nil
            }
            length = value
        }
        self.init(address: address, prefixLength: length)
    }

    /// Whether `other`, of the same family, is in this network.
    public func contains(_ other: IPAddress) -> Bool {
        other.bytes.count == address.bytes.count && Self.masked(other.bytes, prefixLength) == address.bytes
    }

    public var description: String { "\(address)/\(prefixLength)" }

    private static func masked(_ bytes: [UInt8], _ length: Int) -> [UInt8] {
        bytes.enumerated().map { index, byte in
            let bits = min(max(length - index * 8, 0), 8)
            return bits == 8 ? byte : byte & ~(UInt8(0xff) >> UInt8(bits))
        }
    }
}
