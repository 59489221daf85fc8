import Foundation

/// Where webhooks may go. Addresses inside the machine, the cloud's metadata service, private
/// networks and the cluster's own services are refused, unless an operator allows them by host
/// name or by network. Both the host as written in a channel's URL and every address it resolves
/// to are checked.
public struct WebhookDestinations: Sendable, Hashable {
    /// A range refused by default, and why.
    public struct BlockedRange: Sendable, Hashable {
        public var network: IPNetwork
        public var name: String
    }

    /// Why a destination is refused.
    public enum Refusal: Sendable, Hashable, CustomStringConvertible {
        case address(IPAddress, BlockedRange)
        /// A name that stands for this machine or for a service inside the cluster.
        case name(String, because: String)
        /// An allow list entry matches a host only if it is a host name or network address.
        case notAHost(String)

        public var description: String {
            switch self {
            case let .address(address, range): "\(address) is \(range.name) (\(range.network))"
            case let .name(host, because): "\(host) \(because)"
            case let .notAHost(host): "'\(host)' is not a host name or an IP address"
            }
        }
    }

    public static let blockedRanges: [BlockedRange] = [
        ("0.0.0.0/8", "in 'this network', which reaches this machine"),
        ("127.0.0.0/8", "a loopback address"),
        ("10.0.0.0/8", "a private address"),
        ("172.16.0.0/12", "a private address"),
        ("192.168.0.0/16", "a private address"),
        ("169.254.0.0/16", "a link-local address (where cloud metadata services answer)"),
        ("100.64.0.0/10", "a carrier-grade NAT address"),
        ("192.0.0.0/24", "an IETF protocol assignment"),
        ("198.18.0.0/15", "a benchmarking address"),
        ("224.0.0.0/4", "a multicast address"),
        ("240.0.0.0/4", "a reserved address"),
        ("255.255.255.255/32", "the broadcast address"),
        ("::/128", "the unspecified address"),
        ("::1/128", "the loopback address"),
        ("fe80::/10", "a link-local address"),
        ("fc00::/7", "a unique-local address"),
        ("ff00::/8", "a multicast address"),
    ].map { BlockedRange(network: IPNetwork($0.0)!, name: $0.1) }

    /// Host names allowed whatever they resolve to, lowercased, without a trailing dot.
    public private(set) var hosts: Set<String>
    /// Networks whose addresses are allowed.
    public private(set) var networks: [IPNetwork]

    /// Nothing allowed beyond public addresses.
    public init() {
        hosts = []
        networks = []
    }

    public init(hosts: [String], networks: [IPNetwork]) {
        self.hosts = Set(hosts.map(Self.normalized))
        self.networks = networks
    }

    /// A comma-separated list of host names, addresses and CIDR networks, as an operator writes it:
    /// `hooks.monitoring.svc.cluster.local, 10.20.0.0/16, 127.0.0.1`. Blank entries are skipped.
    public init(allowing list: String) throws(InvalidEntry) {
        self.init()
        for raw in list.split(separator: ",") {
            let entry = raw.trimmingCharacters(in: .whitespaces)
            if entry.isEmpty { continue }
            let address = entry.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)[0]
            if IPAddress(address) != nil {
                guard let network = IPNetwork(entry) else {
                    throw InvalidEntry(entry: entry, problem: "is not an address or a CIDR network with no host bits set (10.0.0.0/8, fd00::/8)")
                }
                networks.append(network)
            } else if IPAddress.legacyIPv4(entry) != nil {
                throw InvalidEntry(entry: entry, problem: "write an IPv4 address as four decimal numbers (127.0.0.1)")
            } else if Self.isHostName(entry) {
                hosts.insert(Self.normalized(entry))
            } else {
                throw InvalidEntry(entry: entry, problem: "is neither a host name nor an address or CIDR network")
            }
        }
    }

    public struct InvalidEntry: Error, Sendable, Hashable, CustomStringConvertible {
        public var entry: String
        public var problem: String
        public var description: String { "'\(entry)' \(problem)" }
    }

    /// Why the host of a URL, as written (a name or an address literal), is refused; nil when it may be used.
    /// A name that passes still has its addresses checked when it is resolved.
    public func refusal(host: String) -> Refusal? {
        let name = Self.normalized(host)
        if name.isEmpty || name.hasSuffix(".") { return .notAHost(host) }
        if hosts.contains(name) { return nil }
        if let address = IPAddress(name) ?? IPAddress.legacyIPv4(name) { return refusal(address: address) }
        if name == "localhost" || name.hasSuffix(".localhost") { return .name(host, because: "names this machine") }
        for suffix in [".svc", ".svc.cluster.local", ".cluster.local"] where name.hasSuffix(suffix) {
            return .name(host, because: "names a service inside the cluster (\(suffix))")
        }
        if !name.contains(".") {
            return .name(host, because: "is a single-label name, which the resolver completes with the local search domains")
        }
        return nil
    }

    /// Whether `host` is allowed by name, so that whatever it resolves to is allowed too.
    public func allowsByName(_ host: String) -> Bool {
        hosts.contains(Self.normalized(host))
    }

    /// Why an address is refused; nil when it is public or allowed. An IPv4-mapped IPv6 address
    /// is judged as the IPv4 address it reaches.
    public func refusal(address: IPAddress) -> Refusal? {
        let effective = address.mappedIPv4 ?? address
        if networks.contains(where: { $0.contains(effective) || $0.contains(address) }) { return nil }
        guard let range = Self.blockedRanges.first(where: { $0.network.contains(effective) }) else { return nil }
        return .address(effective, range)
    }

    /// Lowercased, without one trailing dot (`localhost.` is `localhost`).
    static func normalized(_ host: String) -> String {
        var name = host.lowercased()
        if name.last == "." { name.removeLast() }
        if name.first == "[", name.last == "]" { name = String(name.dropFirst().dropLast()) }
        return name
    }

    /// RFC 1123 labels: letters, digits and hyphens, 1 to 63 each, not starting or ending with a hyphen.
    static func isHostName(_ text: String) -> Bool {
        let name = normalized(text)
        guard !name.isEmpty, name.count <= 253 else { return false }
        return name.split(separator: ".", omittingEmptySubsequences: false).allSatisfy { label in
            (1...63).contains(label.count) && label.first != "-" && label.last != "-"
                && label.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") }
        }
    }
}
