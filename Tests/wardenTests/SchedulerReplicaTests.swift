import Foundation
import Testing
import WardenCore
import WardenStore
import WardenTestSupport

/// Two `warden serve` processes on one database, one killed with SIGKILL in the middle of
/// deliveries: every reminder still arrives, nothing is opened or queued twice, and a delivery
/// id arrives twice only where the kill made it unavoidable — the killed process had sent it
/// and died before recording the receiver's answer, so its lease ran out and the survivor sent it again.
@Suite("Scheduler with several replicas")
struct SchedulerReplicaTests {
    static let binary = WardenCLI.url

    static func freePort() -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        addr.sin_port = 0
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, len) } }
        _ = withUnsafeMutablePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &len) } }
        return Int(UInt16(bigEndian: addr.sin_port))
    }

    static func serve(_ db: TestDatabase, log: String, environment extra: [String: String] = [:]) throws -> Process {
        let process = Process()
        process.executableURL = binary
        process.arguments = ["serve", "--no-migrate"]
        process.environment = [
            "WARDEN_DATABASE_URL":
                "postgres://\(db.url.username):\(db.url.password ?? "")@\(db.url.host):\(db.url.port)/\(db.url.database)?sslmode=disable",
            "WARDEN_PORT": String(freePort()),
            "WARDEN_SCHEDULER_INTERVAL_SECONDS": "1",
            "WARDEN_DELIVERY_INTERVAL_SECONDS": "1",
            "WARDEN_DELIVERY_LEASE_SECONDS": "3",
            "WARDEN_LOG_LEVEL": "warning",
        ].merging(extra) { $1 }
        FileManager.default.createFile(atPath: log, contents: nil)
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: log))
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
        return process
    }

    @Test(.timeLimit(.minutes(3))) func everyReminderArrivesAfterAReplicaIsKilled() async throws {
        let receiver = try await WebhookReceiver.start(delay: .milliseconds(400))
        defer { receiver.stop() }
        let db = try await TestDatabase.make()
        let clock = SystemWallClock()
        let stores = Stores(database: db.database, clock: clock)
        let context = ChangeContext(actor: "test-setup", tokenID: nil, requestID: "setup")
        let agents = stores.agents
        let agentCount = 30
        for n in 0..<agentCount {
            _ = try await agents.create(
                AgentFields(
                    name: "agent-\(n)",
                    cluster: "prod",
                    namespace: "agents",
                    serviceAccount: "agent-\(n)",
                    owner: "team-a",
                    purpose: "test",
                    riskTier: .high,
                    nextReviewDue: clock.now().addingTimeInterval(-1.5 * 86_400)
                ),
                context: context
            )
        }
        _ = try await stores.notifications.createChannel(
            name: "hook",
            url: receiver.url,
            secret: "0123456789abcdef-secret",
            events: NotificationEvent.allCases,
            context: context
        )
        // Each agent's review opens, with its day-0 reminder and its first overdue notice: three deliveries each.
        let expected = agentCount * 3

        let logDir = FileManager.default.temporaryDirectory.appendingPathComponent("warden-replicas-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: logDir, withIntermediateDirectories: true)
        let a = try Self.serve(db, log: logDir + "/a.log")
        let b = try Self.serve(db, log: logDir + "/b.log")
        defer {
            for p in [a, b] where p.isRunning { p.terminate() }
        }
        // Kill one replica while deliveries are in flight.
        let deadline = Date().addingTimeInterval(60)
        while await receiver.received().count < 10 && Date() < deadline { try await Task.sleep(for: .milliseconds(20)) }
        kill(a.processIdentifier, SIGKILL)
        let killedAt = Date()
        a.waitUntilExit()
        #expect(a.terminationReason == .uncaughtSignal)

        // The survivor finishes everything, including what the dead one had claimed.
        var delivered = 0
        while Date() < deadline {
            let rows = try await db.database.client.query("SELECT count(*)::int8 FROM deliveries WHERE status = 'delivered'").collect()
            delivered = Int(try rows.first!.decode(Int64.self))
            if delivered == expected { break }
            try await Task.sleep(for: .milliseconds(200))
        }
        b.terminate()
        b.waitUntilExit()
        #expect(delivered == expected, "logs in \(logDir)")

        let rows = try await db.database.client.query("SELECT id FROM deliveries").collect()
        let ids = Set(try rows.map { try $0.decode(UUID.self).uuidString.lowercased() })
        #expect(ids.count == expected)
        let reviews = try await db.database.client.query("SELECT count(*)::int8, count(DISTINCT agent_id)::int8 FROM reviews").collect()
        let (reviewCount, distinctAgents) = try reviews.first!.decode((Int64, Int64).self)
        #expect(reviewCount == Int64(agentCount) && distinctAgents == Int64(agentCount), "no review opened twice")

        let received = await receiver.received()
        let arrivals = Dictionary(grouping: received, by: \.deliveryID)
        // Every reminder arrived.
        #expect(Set(arrivals.keys) == ids)
        // A second arrival only for deliveries the killed replica had in flight: first sent before the kill.
        let duplicated = arrivals.filter { $0.value.count > 1 }
        for (id, copies) in duplicated {
            let first = copies.map(\.arrivedAt).min()!
            // Bytes the killed process wrote before dying can reach the receiver a moment later; the
            // survivor could only have sent a first copy after the 3 s lease, so a second is the margin.
            #expect(first <= killedAt.addingTimeInterval(1), "delivery \(id) arrived twice, first at \(first), after the kill at \(killedAt)")
            #expect(Set(copies.map(\.body)).count == 1, "a retry sends the same body")
        }
        #expect(duplicated.count <= 20, "at most one claimed batch was in flight")
    }
}
