import Foundation
import HummingbirdTesting
import Testing
import WardenApp
import WardenCore
import WardenStore
import WardenTestSupport

/// Answers for names no DNS knows (`.test` is reserved, RFC 6761), so a delivery that reaches
/// such a name's receiver can only have connected to the address Warden looked up and checked.
struct FixedResolver: HostResolver {
    var answers: [String: [String]]

    func addresses(of host: String) async throws -> [IPAddress] {
        guard let found = answers[host.lowercased()] else { throw SystemHostResolver.Failed() }
        return found.map { IPAddress($0)! }
    }
}

@Suite("Where webhooks may go")
struct WebhookDestinationAPITests {
    static let opened = #"["review.opened"]"#

    static func create(_ client: any TestClientProtocol, _ server: TestServer, url: String) async throws -> TestResponse {
        try await client.call(
            .post,
            "/v1/notification-channels",
            token: server.tokens.admin,
            json: #"{"name":"hook","url":"\#(url)","secret":"0123456789abcdef-secret","events":\#(opened)}"#
        )
    }

    /// Opens a review, so every channel has a review.opened delivery, and sends what is due once.
    static func deliverOnce(_ client: any TestClientProtocol, _ server: TestServer, agent name: String = "hooked") async throws {
        let agent = try await ReviewAPITests.approvedAgent(client, server, name: name, tier: "high")
        let opened = try await client.call(.post, "/v1/agents/\(agent)/reviews", token: server.tokens.admin)
        #expect(opened.status == .created, "\(opened.text)")
        _ = try await server.scheduler.runPass()
    }

    static func deliveries(_ client: any TestClientProtocol, _ server: TestServer) async throws -> [[String: Any]] {
        let list = try await client.call(.get, "/v1/deliveries", token: server.tokens.admin)
        return try #require(list.json?["items"] as? [[String: Any]], "\(list.text)")
    }

    /// A channel made before this check existed, or while the allow list was wider: straight into the store.
    static func storedChannel(_ server: TestServer, url: String) async throws {
        _ = try await server.app.stores.notifications.createChannel(
            name: "older",
            url: url,
            secret: "0123456789abcdef-secret",
            events: [.reviewOpened],
            context: ChangeContext(actor: "test-setup", tokenID: nil, requestID: "setup")
        )
    }

    @Test func channelsToThisMachineItsNetworksOrTheClusterAreRefused() async throws {
        try await withLiveServer(webhooks: WebhookDestinations()) { server, client in
            let before = try await rowCounts(server)
            for (url, why) in [
                ("http://127.0.0.1:\(server.db.url.port)/", "loopback"),
                ("http://169.254.169.254/latest/meta-data/", "link-local"),
                ("http://[::1]:8080/hook", "loopback"),
                ("http://[::ffff:169.254.169.254]/latest/meta-data/", "link-local"),
                ("http://2130706433/", "loopback"),
                ("http://127.1:5432/", "loopback"),
                ("http://0.0.0.0:5432/", "this network"),
                ("http://10.0.0.5/hook", "private"),
                ("http://192.168.1.1/", "private"),
                ("http://100.100.100.200/latest/meta-data/", "carrier-grade NAT"),
                ("http://[fd00:ec2::254]/latest/meta-data/", "unique-local"),
                ("https://localhost./hook", "this machine"),
                ("http://kubernetes.default.svc/api", "cluster"),
                ("http://hooks.monitoring.svc.cluster.local/", "cluster"),
                ("http://metadata/computeMetadata/v1/", "single-label"),
            ] {
                let problem = expectProblem(try await Self.create(client, server, url: url), status: 400)
                #expect(pointers(problem) == ["/url"], "\(url)")
                let detail = ((problem["errors"] as? [[String: Any]])?.first?["detail"] as? String) ?? ""
                #expect(detail.contains(why) && detail.contains("WARDEN_WEBHOOK_ALLOW"), "\(url): \(detail)")
            }
            // Nothing was stored or audited.
            #expect(try await rowCounts(server) == before)
            let channels = try await client.call(.get, "/v1/notification-channels", token: server.tokens.admin)
            #expect((channels.json?["items"] as? [Any])?.isEmpty == true, "\(channels.text)")
            // A public name is taken; what it resolves to is checked at each delivery.
            #expect(try await Self.create(client, server, url: "https://hooks.example.com/warden").status == .created)
        }
    }

    @Test func anOperatorsAllowListLetsItsReceiversThrough() async throws {
        let allow = try WebhookDestinations(allowing: "127.0.0.1,hooks.monitoring.svc.cluster.local,10.0.0.0/8")
        try await withLiveServer(webhooks: allow) { server, client in
            for url in ["http://127.0.0.1:9/hook", "http://hooks.monitoring.svc.cluster.local/", "http://10.1.2.3/", "http://[::ffff:127.0.0.1]/"] {
                let created = try await Self.create(client, server, url: url)
                #expect(created.status == .created, "\(url): \(created.text)")
            }
            for url in ["http://127.0.0.2/", "http://169.254.169.254/", "http://other.monitoring.svc.cluster.local/", "http://localhost/"] {
                expectProblem(try await Self.create(client, server, url: url), status: 400)
            }
        }
    }

    /// The name passes as written; the addresses it resolves to do not, and one internal address
    /// among public ones is enough to refuse. Nothing is sent.
    @Test func aNameThatResolvesInsideIsRefusedWhenDelivering() async throws {
        let receiver = try await WebhookReceiver.start()
        defer { receiver.stop() }
        let resolver = FixedResolver(answers: ["hooks.warden.test": ["127.0.0.1"], "mixed.warden.test": ["93.184.216.34", "::ffff:127.0.0.1"]])
        try await withLiveServer(webhooks: WebhookDestinations(), resolver: resolver) { server, client in
            for host in ["hooks.warden.test", "mixed.warden.test"] {
                _ = try await ReviewAPITests.addChannel(client, server, url: "http://\(host):\(receiver.port)/hook", events: Self.opened)
            }
            try await Self.deliverOnce(client, server)
            let deliveries = try await Self.deliveries(client, server)
            #expect(deliveries.count == 2)
            for delivery in deliveries {
                #expect(delivery["lastError"] as? String == "refused: address not allowed", "\(delivery)")
                #expect(delivery["lastStatus"] == nil)
                #expect(delivery["status"] as? String == "pending")
            }
            #expect(await receiver.received().isEmpty)
        }
    }

    /// `hooks.warden.test` resolves only through Warden's own lookup: the receiver hears from it only
    /// if the connection went to the address that was looked up and checked, with the name in Host.
    /// Of two addresses, the one that cannot be reached is passed over.
    @Test func aDeliveryConnectsToTheAddressItChecked() async throws {
        let receiver = try await WebhookReceiver.start()
        defer { receiver.stop() }
        let resolver = FixedResolver(answers: ["hooks.warden.test": ["127.0.0.1"], "dual.warden.test": ["::1", "127.0.0.1"]])
        let allow = try WebhookDestinations(allowing: "127.0.0.1,::1")
        try await withLiveServer(webhooks: allow, resolver: resolver) { server, client in
            for host in ["hooks.warden.test", "dual.warden.test"] {
                _ = try await ReviewAPITests.addChannel(client, server, url: "http://\(host):\(receiver.port)/hook", events: Self.opened)
            }
            try await Self.deliverOnce(client, server)
            let deliveries = try await Self.deliveries(client, server)
            #expect(deliveries.map { $0["status"] as? String } == ["delivered", "delivered"], "\(deliveries)")
            let hosts = Set(await receiver.received().map { $0.headers["host"] ?? "" })
            #expect(hosts == ["hooks.warden.test:\(receiver.port)", "dual.warden.test:\(receiver.port)"])
        }
    }

    /// With the system's resolver: `localhost` (from /etc/hosts) and 127.0.0.1 in channels stored
    /// before the check, refused when delivering; allowed by name, delivered.
    @Test func storedChannelsToThisMachineAreRefusedUnlessAllowed() async throws {
        let receiver = try await WebhookReceiver.start()
        defer { receiver.stop() }
        try await withLiveServer(webhooks: WebhookDestinations()) { server, client in
            try await Self.storedChannel(server, url: "http://localhost:\(receiver.port)/hook")
            try await Self.storedChannel(server, url: "http://127.0.0.1:\(receiver.port)/hook")
            try await Self.deliverOnce(client, server)
            let deliveries = try await Self.deliveries(client, server)
            #expect(deliveries.count == 2)
            #expect(deliveries.allSatisfy { $0["lastError"] as? String == "refused: address not allowed" }, "\(deliveries)")
            #expect(await receiver.received().isEmpty)
        }
        try await withLiveServer(webhooks: try WebhookDestinations(allowing: "localhost")) { server, client in
            _ = try await ReviewAPITests.addChannel(client, server, url: "http://localhost:\(receiver.port)/hook", events: Self.opened)
            try await Self.deliverOnce(client, server)
            let deliveries = try await Self.deliveries(client, server)
            #expect(deliveries.first?["status"] as? String == "delivered", "\(deliveries)")
            #expect(await receiver.received().count == 1)
        }
    }

    /// What a failed delivery records is a class: never the receiver's answer, and never what the
    /// connection's error said about the other end.
    @Test func failuresRecordAClassNotTheReceiversWords() async throws {
        let secret = "SELECT usename, passwd FROM pg_shadow -- internal answer"
        let talkative = try await WebhookReceiver.start(failFirst: 100, failureBody: secret)
        defer { talkative.stop() }
        let gone = try await WebhookReceiver.start()
        gone.stop()
        try await Task.sleep(for: .milliseconds(200))
        try await withLiveServer { server, client in
            let urls = [
                "http://127.0.0.1:\(talkative.port)/hook": ("http 5xx", 500),
                "https://127.0.0.1:\(talkative.port)/hook": ("tls failed", nil),
                "http://127.0.0.1:\(gone.port)/hook": ("connect failed", nil),
            ]
            for url in urls.keys {
                _ = try await ReviewAPITests.addChannel(client, server, url: url, events: Self.opened)
            }
            try await Self.deliverOnce(client, server)
            let channels = try #require(
                try await client.call(.get, "/v1/notification-channels", token: server.tokens.admin).json?["items"] as? [[String: Any]]
            )
            let urlOf = Dictionary(uniqueKeysWithValues: channels.map { ($0["id"] as? Int ?? 0, $0["url"] as? String ?? "") })
            let deliveries = try await Self.deliveries(client, server)
            #expect(deliveries.count == 3)
            for delivery in deliveries {
                let url = urlOf[delivery["channelId"] as? Int ?? 0] ?? ""
                let (error, status) = try #require(urls[url], "\(delivery)")
                #expect(delivery["lastError"] as? String == error, "\(url): \(delivery)")
                #expect(delivery["lastStatus"] as? Int == status, "\(url): \(delivery)")
            }
            let listed = try await client.call(.get, "/v1/deliveries", token: server.tokens.admin).text
            #expect(!listed.contains("pg_shadow"))
            #expect(!listed.contains("refused (errno") && !listed.contains("NIOSSL") && !listed.contains("127.0.0.1"))
        }
    }
}
