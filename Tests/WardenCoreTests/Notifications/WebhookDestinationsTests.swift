import Foundation
import Testing
import WardenCore

@Suite struct IPAddressTests {
    @Test(arguments: [
        ("127.0.0.1", "127.0.0.1"),
        ("0.0.0.0", "0.0.0.0"),
        ("255.255.255.255", "255.255.255.255"),
        ("::", "::"),
        ("::1", "::1"),
        ("[::1]", "::1"),
        ("fe80::1%eth0", "fe80::1"),
        ("2001:DB8:0:0:8:800:200C:417A", "2001:db8::8:800:200c:417a"),
        ("2001:db8:0:0:1:0:0:1", "2001:db8::1:0:0:1"),
        ("2001:db8::0:1", "2001:db8::1"),
        ("1:0:0:0:0:0:0:0", "1::"),
        ("1:2:3:4:5:6:7::", "1:2:3:4:5:6:7:0"),
        ("2001:db8:0:1:1:1:1:1", "2001:db8:0:1:1:1:1:1"),
        ("::ffff:127.0.0.1", "::ffff:127.0.0.1"),
        ("::ffff:7f00:1", "::ffff:127.0.0.1"),
        ("64:ff9b::10.0.0.1", "64:ff9b::a00:1"),
    ])
    func parsesAndPrints(text: String, printed: String) throws {
        #expect(try #require(IPAddress(text)).description == printed)
    }

    @Test(arguments: [
        "", "1.2.3", "1.2.3.4.5", "256.1.1.1", "01.2.3.4", "1.2.3.-4", "+1.2.3.4", "1.2.3.4 ", "example.com", "1::2::3", ":::",
        ":1::", "1:2:3:4:5:6:7:8:9", "1:2:3:4:5:6:7", "12345::", "g::1", "::1.2.3", "::1.2.3.4:5", "fe80::1%", "１.2.3.4",
    ])
    func refusesWhatInetPtonRefuses(text: String) {
        #expect(IPAddress(text) == nil, "\(text)")
    }

    /// The same answer as the C library's inet_pton, which AsyncHTTPClient asks whether a URL's host is an address.
    @Test func agreesWithInetPton() {
        var samples = [
            "1.2.3.4", "01.2.3.4", "1.2.3", "1.2.3.4.", "::", "::1", ":::", "1::", "::1:2:3:4:5:6:7", "::1:2:3:4:5:6:7:8", "1:2:3:4:5:6:7:8",
            "1:2:3:4:5:6:7:8:9", "1::2::3", "::ffff:1.2.3.4", "::ffff:1.2.3", "1:2:3:4:5:6:1.2.3.4", "1:2:3:4:5:6:7:1.2.3.4",
            "fe80::", "FE80::A", "12345::", "0:0:0:0:0:0:0:0", "1.2.3.256", "256.0.0.0", "::1.2.3.4", "1.2.3.4::", "a:b:c:d:e:f:0:1",
            ":1:2:3:4:5:6:7", "1:2:3:4:5:6:7:", "g::", "00000::", "0000::", "::0.0.0.0", "1:2:3:4:5::1.2.3.4", "1:2:3:4:5:6::1.2.3.4",
        ]
        for a in [0, 1, 9, 10, 99, 100, 255, 256] { samples.append("\(a).0.\(a).1") }
        for sample in samples {
            var v4 = in_addr()
            var v6 = in6_addr()
            let c = inet_pton(AF_INET, sample, &v4) == 1 || inet_pton(AF_INET6, sample, &v6) == 1
            #expect((IPAddress(sample) != nil) == c, "\(sample): inet_pton \(c)")
        }
    }

    /// What getaddrinfo (inet_aton) and browsers read as IPv4, and so must be judged as an address.
    @Test(arguments: [
        ("127.1", "127.0.0.1"),
        ("2130706433", "127.0.0.1"),
        ("0x7f000001", "127.0.0.1"),
        ("0x7f.0.0.1", "127.0.0.1"),
        ("0177.0.0.1", "127.0.0.1"),
        ("10.0x100", "10.0.1.0"),
        ("169.254.43518", "169.254.169.254"),
        ("127.0.0.1.", "127.0.0.1"),
        ("0", "0.0.0.0"),
    ])
    func readsLegacyIPv4(text: String, address: String) throws {
        #expect(try #require(IPAddress.legacyIPv4(text)).description == address)
    }

    @Test(arguments: ["example.com", "1.2.3.4.5", "256.1", "1.16777216", "4294967296", "08.1.1.1", "1..1", "0x1g", "+1", "a.1", ""])
    func legacyIPv4RefusesNames(text: String) {
        #expect(IPAddress.legacyIPv4(text) == nil, "\(text)")
    }

    @Test(arguments: [
        ("10.0.0.0/8", "10.255.1.2", true),
        ("10.0.0.0/8", "11.0.0.0", false),
        ("172.16.0.0/12", "172.31.255.255", true),
        ("172.16.0.0/12", "172.32.0.0", false),
        ("100.64.0.0/10", "100.127.0.1", true),
        ("100.64.0.0/10", "100.128.0.1", false),
        ("0.0.0.0/0", "8.8.8.8", true),
        ("127.0.0.1", "127.0.0.1", true),
        ("127.0.0.1", "127.0.0.2", false),
        ("fe80::/10", "febf::1", true),
        ("fe80::/10", "fec0::1", false),
        ("fc00::/7", "fd12:3456::1", true),
        ("::1", "::1", true),
        ("::/0", "10.0.0.1", false),
    ])
    func cidrMatching(network: String, address: String, contained: Bool) throws {
        let net = try #require(IPNetwork(network))
        let parsed = try #require(IPAddress(address))
        #expect(net.contains(parsed) == contained)
    }

    @Test(arguments: ["10.0.0.1/8", "10.0.0.0/33", "::1/129", "10.0.0.0/", "10.0.0.0/-1", "10.0.0.0/+8", "example.com/8", "/8"])
    func refusesBadNetworks(text: String) {
        #expect(IPNetwork(text) == nil, "\(text)")
    }
}

@Suite struct WebhookDestinationsTests {
    static let none = WebhookDestinations()

    /// Every blocked range, at its edges and inside, and public addresses beside them.
    @Test(arguments: [
        ("0.0.0.0", "this network"), ("0.255.255.255", "this network"),
        ("127.0.0.1", "loopback"), ("127.255.255.254", "loopback"),
        ("10.0.0.1", "private"), ("172.16.0.1", "private"), ("172.31.255.255", "private"), ("192.168.1.1", "private"),
        ("169.254.169.254", "link-local"),
        ("100.64.0.1", "carrier-grade NAT"), ("100.127.255.255", "carrier-grade NAT"),
        ("192.0.0.1", "IETF"), ("198.18.0.1", "benchmarking"), ("198.19.255.255", "benchmarking"),
        ("224.0.0.1", "multicast"), ("239.255.255.250", "multicast"),
        ("240.0.0.1", "reserved"), ("255.255.255.255", "reserved"),
        ("::", "unspecified"), ("::1", "loopback"),
        ("fe80::1", "link-local"), ("febf:ffff::1", "link-local"),
        ("fc00::1", "unique-local"), ("fd00:ec2::254", "unique-local"),
        ("ff02::1", "multicast"),
        ("::ffff:127.0.0.1", "loopback"), ("::ffff:169.254.169.254", "link-local"), ("::ffff:10.1.2.3", "private"),
    ])
    func blocksInternalAddresses(address: String, kind: String) throws {
        let parsed = try #require(IPAddress(address))
        let refusal = try #require(Self.none.refusal(address: parsed), "\(address)")
        #expect(refusal.description.contains(kind), "\(address): \(refusal)")
    }

    @Test(arguments: [
        "8.8.8.8", "1.1.1.1", "9.255.255.255", "11.0.0.0", "100.63.255.255", "100.128.0.0", "172.15.255.255", "172.32.0.0",
        "192.167.255.255", "192.169.0.0", "169.253.255.255", "169.255.0.0", "192.0.1.0", "198.17.255.255", "198.20.0.0",
        "223.255.255.255", "93.184.216.34", "2606:4700:4700::1111", "2001:db8::1", "fec0::1", "::2", "::ffff:8.8.8.8",
    ])
    func allowsPublicAddresses(address: String) throws {
        let parsed = try #require(IPAddress(address))
        #expect(Self.none.refusal(address: parsed) == nil, "\(address)")
    }

    /// The host of a URL as written: addresses in every form getaddrinfo reads, and names of this machine or the cluster.
    @Test(arguments: [
        ("127.0.0.1", "loopback"), ("[::1]", "loopback"), ("[::ffff:127.0.0.1]", "loopback"), ("169.254.169.254", "link-local"),
        ("127.1", "loopback"), ("2130706433", "loopback"), ("0x7f000001", "loopback"), ("0177.0.0.1", "loopback"),
        ("0", "this network"), ("127.0.0.1.", "loopback"),
        ("localhost", "this machine"), ("LOCALHOST.", "this machine"), ("api.localhost", "this machine"),
        ("kubernetes.default.svc", "cluster"), ("hooks.monitoring.svc.cluster.local", "cluster"),
        ("hooks.monitoring.svc.cluster.local.", "cluster"), ("node.cluster.local", "cluster"),
        ("metadata", "single-label"), ("postgres", "single-label"), ("kubernetes", "single-label"),
    ])
    func refusesHostsAsWritten(host: String, kind: String) throws {
        let refusal = try #require(Self.none.refusal(host: host), "\(host)")
        #expect(refusal.description.contains(kind), "\(host): \(refusal)")
    }

    @Test(arguments: [
        "hooks.example.com", "example.com", "8.8.8.8", "[2606:4700:4700::1111]", "svc.example.com", "my-svc.com", "localhost.example.com",
    ])
    func passesPublicHostsAsWritten(host: String) {
        #expect(Self.none.refusal(host: host) == nil, "\(host)")
    }

    @Test(arguments: ["", ".", "a..", "example.com.."])
    func emptyOrBrokenHostsAreNotHosts(host: String) {
        #expect(Self.none.refusal(host: host) == .notAHost(host))
    }

    @Test func anOperatorAllowsHostsAndNetworks() throws {
        let allowed = try WebhookDestinations(
            allowing: " hooks.monitoring.svc.cluster.local, 10.20.0.0/16,127.0.0.1 ,,fd00::/8, LocalHost., receiver "
        )
        #expect(allowed.hosts == ["hooks.monitoring.svc.cluster.local", "localhost", "receiver"])
        #expect(allowed.networks.map(\.description) == ["10.20.0.0/16", "127.0.0.1/32", "fd00::/8"])
        for host in [
            "hooks.monitoring.svc.cluster.local", "HOOKS.monitoring.svc.cluster.local.", "localhost", "receiver", "127.0.0.1",
            "[::ffff:127.0.0.1]", "10.20.3.4", "[fd00::1]",
        ] {
            #expect(allowed.refusal(host: host) == nil, "\(host)")
        }
        for host in ["127.0.0.2", "10.21.0.1", "other.monitoring.svc.cluster.local", "api.localhost", "[fc00::1]", "[::1]"] {
            #expect(allowed.refusal(host: host) != nil, "\(host)")
        }
        // A name allowed is allowed whatever it resolves to; an address, only within its network.
        #expect(allowed.allowsByName("Receiver."))
        #expect(!allowed.allowsByName("127.0.0.1"))
        #expect(allowed.refusal(address: IPAddress("10.20.255.255")!) == nil)
        #expect(allowed.refusal(address: IPAddress("::ffff:10.20.0.1")!) == nil)
        #expect(allowed.refusal(address: IPAddress("10.30.0.1")!) != nil)
        #expect(try WebhookDestinations(allowing: "") == WebhookDestinations())
        #expect(try WebhookDestinations(allowing: " , ") == WebhookDestinations())
    }

    @Test(arguments: [
        ("10.0.0.1/8", "host bits"), ("10.0.0.0/33", "CIDR"), ("127.1", "four decimal numbers"), ("http://hooks.example.com", "neither"),
        ("hooks.example.com:8080", "neither"), ("*.svc.cluster.local", "neither"), ("-bad.example.com", "neither"), ("a..b", "neither"),
        ("fd00::/", "CIDR"),
    ])
    func badAllowEntriesAreNamed(entry: String, problem: String) {
        let error = #expect(throws: WebhookDestinations.InvalidEntry.self) {
            _ = try WebhookDestinations(allowing: "hooks.example.com, \(entry)")
        }
        #expect(error?.entry == entry)
        #expect(error?.description.contains(problem) == true, "\(String(describing: error))")
    }
}

@Suite struct DeliveryFailureTests {
    @Test func classesAreCoarse() {
        #expect(DeliveryFailure.http(status: 503).description == "http 5xx")
        #expect(DeliveryFailure.http(status: 404).description == "http 4xx")
        #expect(DeliveryFailure.http(status: 302).description == "http 3xx")
        #expect(DeliveryFailure.refused.description == "refused: address not allowed")
    }
}
