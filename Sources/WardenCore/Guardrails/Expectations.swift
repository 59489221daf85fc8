/// What the guardrail checks expect of an agent's workloads and network.
public struct GuardrailExpectations: Sendable, Hashable, Codable {
    public var podSecurity: PodSecurityExpectation
    /// Allowed egress destinations (CIDR and ports).
    public var egress: [EgressDestination]

    public init(podSecurity: PodSecurityExpectation = .init(), egress: [EgressDestination]) {
        self.podSecurity = podSecurity
        self.egress = egress
    }

    /// Restricted Pod Security, read-only root filesystem, resources; egress to DNS (53/UDP, 53/TCP)
    /// and HTTPS (443/TCP) anywhere, IPv4 and IPv6.
    public static let `default` = GuardrailExpectations(
        podSecurity: .init(),
        egress: ["0.0.0.0/0", "::/0"].map {
            EgressDestination(
                cidr: $0,
                ports: [
                    .init(protocol: "UDP", port: 53), .init(protocol: "TCP", port: 53),
                    .init(protocol: "TCP", port: 443),
                ]
            )
        }
    )

    enum CodingKeys: String, CodingKey { case podSecurity, egress }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        podSecurity = try c.decodeIfPresent(PodSecurityExpectation.self, forKey: .podSecurity) ?? .init()
        egress = try c.decodeIfPresent([EgressDestination].self, forKey: .egress) ?? Self.default.egress
    }

    /// Checks every field; issues name the field with a JSON pointer.
    public func validate() throws(ValidationError) {
        var issues = IssueCollector()
        if !PodSecurityExpectation.profiles.contains(podSecurity.profile) {
            issues.add(
                "/podSecurity/profile",
                "must be one of \(PodSecurityExpectation.profiles.joined(separator: ", ")), not '\(podSecurity.profile)'"
            )
        }
        if let rc = podSecurity.runtimeClassName, let problem = KubernetesName.subdomainProblem(rc) {
            issues.add("/podSecurity/runtimeClassName", problem)
        }
        for (i, d) in egress.enumerated() {
            if CIDR(d.cidr) == nil {
                issues.add("/egress/\(i)/cidr", "'\(d.cidr)' is not a CIDR such as 10.0.0.0/8 or ::/0")
            }
            for (j, p) in d.ports.enumerated() {
                if !NetworkPort.protocols.contains(p.protocol) {
                    issues.add("/egress/\(i)/ports/\(j)/protocol", "must be TCP, UDP or SCTP, not '\(p.protocol)'")
                }
                if !(1...65535).contains(p.port) {
                    issues.add("/egress/\(i)/ports/\(j)/port", "must be between 1 and 65535, not \(p.port)")
                }
            }
        }
        try issues.throwIfAny()
    }
}

public struct PodSecurityExpectation: Sendable, Hashable, Codable {
    static let profiles = ["restricted", "baseline"]

    /// "restricted" (default) or "baseline" (skips the restricted-only checks).
    public var profile: String
    public var readOnlyRootFilesystem: Bool
    public var requireResources: Bool
    /// When set, every pod must use this RuntimeClass (for example "gvisor").
    public var runtimeClassName: String?

    public init(
        profile: String = "restricted",
        readOnlyRootFilesystem: Bool = true,
        requireResources: Bool = true,
        runtimeClassName: String? = nil
    ) {
        self.profile = profile
        self.readOnlyRootFilesystem = readOnlyRootFilesystem
        self.requireResources = requireResources
        self.runtimeClassName = runtimeClassName
    }

    enum CodingKeys: String, CodingKey { case profile, readOnlyRootFilesystem, requireResources, runtimeClassName }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        profile = try c.decodeIfPresent(String.self, forKey: .profile) ?? "restricted"
        readOnlyRootFilesystem = try c.decodeIfPresent(Bool.self, forKey: .readOnlyRootFilesystem) ?? true
        requireResources = try c.decodeIfPresent(Bool.self, forKey: .requireResources) ?? true
        runtimeClassName = try c.decodeIfPresent(String.self, forKey: .runtimeClassName)
    }

    public var isRestricted: Bool { profile == "restricted" }
}

public struct EgressDestination: Sendable, Hashable, Codable {
    public var cidr: String
    public var ports: [NetworkPort]

    public init(cidr: String, ports: [NetworkPort]) {
        self.cidr = cidr
        self.ports = ports
    }
}

public struct NetworkPort: Sendable, Hashable, Codable, CustomStringConvertible {
    static let protocols = ["TCP", "UDP", "SCTP"]

    public var `protocol`: String
    public var port: Int

    public init(protocol: String, port: Int) {
        self.protocol = `protocol`
        self.port = port
    }

    public var description: String { "\(port)/\(`protocol`)" }
}

/// An IPv4 or IPv6 network.
public struct CIDR: Sendable, Hashable, CustomStringConvertible {
    public var isIPv6: Bool
    /// The address as 128 bits (IPv4 in the low 32 bits of `low`), masked to the prefix.
    var high: UInt64
    var low: UInt64
    public var prefixLength: Int

    public var bitCount: Int { isIPv6 ? 128 : 32 }

    public init?(_ text: String) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let len = Int(parts[1]), parts[1].allSatisfy(\.isASCII) else { return nil }
        if parts[0].contains(":") {
            guard let (h, l) = Self.parseIPv6(String(parts[0])), (0...128).contains(len) else { return nil }
            self.init(isIPv6: true, high: h, low: l, prefixLength: len)
        } else {
            guard let v = Self.parseIPv4(String(parts[0])), (0...32).contains(len) else { return nil }
            self.init(isIPv6: false, high: 0, low: UInt64(v), prefixLength: len)
        }
    }

    init(isIPv6: Bool, high: UInt64, low: UInt64, prefixLength: Int) {
        self.isIPv6 = isIPv6
        self.prefixLength = prefixLength
        let (mh, ml) = Self.mask(isIPv6: isIPv6, prefix: prefixLength)
        self.high = high & mh
        self.low = low & ml
    }

    static func mask(isIPv6: Bool, prefix: Int) -> (UInt64, UInt64) {
        if !isIPv6 {
            let m: UInt64 = prefix == 0 ? 0 : (UInt64(0xFFFF_FFFF) << UInt64(32 - prefix)) & 0xFFFF_FFFF
            return (0, m)
        }
        func part(_ bits: Int) -> UInt64 {
            if bits <= 0 { return 0 }
            if bits >= 64 { return ~0 }
            return ~UInt64(0) << UInt64(64 - bits)
        }
        return (part(prefix), part(prefix - 64))
    }

    static func parseIPv4(_ s: String) -> UInt32? {
        let octets = s.split(separator: ".", omittingEmptySubsequences: false)
        guard octets.count == 4 else { return nil }
        var v: UInt32 = 0
        for o in octets {
            guard !o.isEmpty, o.count <= 3, o.allSatisfy({ $0.isASCII && $0.isNumber }), let n = UInt32(o), n <= 255 else { return nil }
            v = v << 8 | n
        }
        return v
    }

    static func parseIPv6(_ s: String) -> (UInt64, UInt64)? {
        var groups: [UInt16] = []
        var tail: [UInt16] = []
        var sawGap = false
        let halves = s.components(separatedBy: "::")
        guard halves.count <= 2 else { return nil }
        func parseGroups(_ part: String, allowIPv4: Bool) -> [UInt16]? {
            if part.isEmpty { return [] }
            var out: [UInt16] = []
            let items = part.split(separator: ":", omittingEmptySubsequences: false)
            for (i, item) in items.enumerated() {
                if allowIPv4, i == items.count - 1, item.contains(".") {
                    guard let v4 = parseIPv4(String(item)) else { return nil }
                    out.append(UInt16(v4 >> 16))
                    out.append(UInt16(v4 & 0xFFFF))
                    continue
                }
                guard !item.isEmpty, item.count <= 4, let g = UInt16(item, radix: 16) else { return nil }
                out.append(g)
            }
            return out
        }
        if halves.count == 2 {
            sawGap = true
            guard let a = parseGroups(halves[0], allowIPv4: false), let b = parseGroups(halves[1], allowIPv4: true) else { return nil }
            groups = a
            tail = b
            guard groups.count + tail.count <= 7 else { return nil }
        } else {
            guard let a = parseGroups(halves[0], allowIPv4: true), a.count == 8 else { return nil }
            groups = a
        }
        let all = sawGap ? groups + Array(repeating: 0, count: 8 - groups.count - tail.count) + tail : groups
        var h: UInt64 = 0
        var l: UInt64 = 0
        for i in 0..<4 { h = h << 16 | UInt64(all[i]) }
        for i in 4..<8 { l = l << 16 | UInt64(all[i]) }
        return (h, l)
    }

    /// Whether `other` lies entirely inside this network.
    public func contains(_ other: CIDR) -> Bool {
        guard isIPv6 == other.isIPv6, prefixLength <= other.prefixLength else { return false }
        let (mh, ml) = Self.mask(isIPv6: isIPv6, prefix: prefixLength)
        return other.high & mh == high && other.low & ml == low
    }

    /// The two halves of this network (nil at full length).
    func split() -> (CIDR, CIDR)? {
        guard prefixLength < bitCount else { return nil }
        let bit = prefixLength  // index of the next bit from the top
        var h2 = high
        var l2 = low
        if isIPv6 {
            if bit < 64 { h2 |= UInt64(1) << UInt64(63 - bit) } else { l2 |= UInt64(1) << UInt64(127 - bit) }
        } else {
            l2 |= UInt64(1) << UInt64(31 - bit)
        }
        return (
            CIDR(isIPv6: isIPv6, high: high, low: low, prefixLength: bit + 1),
            CIDR(isIPv6: isIPv6, high: h2, low: l2, prefixLength: bit + 1)
        )
    }

    /// The whole IPv4 or IPv6 address space.
    public static let allIPv4 = CIDR("0.0.0.0/0")!
    public static let allIPv6 = CIDR("::/0")!

    /// Whether `block` minus `excluded` lies inside the union of `allowed`.
    public static func covered(_ block: CIDR, excluding excluded: [CIDR], by allowed: [CIDR]) -> Bool {
        if allowed.contains(where: { $0.contains(block) }) { return true }
        if excluded.contains(where: { $0.contains(block) }) { return true }
        // Only worth splitting when something smaller lies inside the block.
        let inside = (allowed + excluded).contains { block.contains($0) && $0.prefixLength > block.prefixLength }
        guard inside, let (a, b) = block.split() else { return false }
        return covered(a, excluding: excluded, by: allowed) && covered(b, excluding: excluded, by: allowed)
    }

    public var description: String {
        if !isIPv6 {
            let v = UInt32(truncatingIfNeeded: low)
            return "\(v >> 24).\(v >> 16 & 0xFF).\(v >> 8 & 0xFF).\(v & 0xFF)/\(prefixLength)"
        }
        var gs: [String] = []
        for i in 0..<4 { gs.append(String(UInt16(truncatingIfNeeded: high >> UInt64(48 - 16 * i)), radix: 16)) }
        for i in 0..<4 { gs.append(String(UInt16(truncatingIfNeeded: low >> UInt64(48 - 16 * i)), radix: 16)) }
        return gs.joined(separator: ":") + "/\(prefixLength)"
    }
}
