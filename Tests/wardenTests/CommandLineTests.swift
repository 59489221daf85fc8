import Foundation
import Testing
import WardenTestSupport

/// The `warden` executable as a user runs it: offline RBAC answers with exit codes.
@Suite("warden command line")
struct CommandLineTests {
    static func run(_ arguments: [String]) throws -> (status: Int32, output: String) {
        try WardenCLI.run(arguments)
    }

    static func snapshotFile() throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("warden-cli-\(UUID().uuidString).json").path
        try SnapshotFixtures.cluster.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test func canIExitsZeroWhenAllowedAndOneWhenNot() throws {
        let file = try Self.snapshotFile()
        defer { try? FileManager.default.removeItem(atPath: file) }
        let allowed = try Self.run(["can-i", "--snapshot", file, "--as", "system:serviceaccount:agents:reader", "get", "secrets", "-n", "agents"])
        #expect(allowed.status == 0, "\(allowed.output)")
        #expect(allowed.output.hasPrefix("yes"))
        #expect(allowed.output.contains("all-agents-read-secrets"))
        let denied = try Self.run(["can-i", "--snapshot", file, "--as", "system:serviceaccount:agents:coder", "delete", "pods", "-n", "agents"])
        #expect(denied.status == 1)
        #expect(denied.output.hasPrefix("no"))
        let log = try Self.run([
            "can-i", "--snapshot", file, "--as", "system:serviceaccount:agents:coder", "get", "pods/coder-0", "--subresource", "log", "-n", "agents",
        ])
        #expect(log.status == 0, "\(log.output)")
        let bad = try Self.run(["can-i", "--snapshot", "/nonexistent.json", "--as", "x", "get", "pods"])
        #expect(bad.status != 0 && bad.status != 1)
    }

    @Test func whoCanListsSubjects() throws {
        let file = try Self.snapshotFile()
        defer { try? FileManager.default.removeItem(atPath: file) }
        let result = try Self.run(["who-can", "--snapshot", file, "get", "secrets", "-n", "agents", "--json"])
        #expect(result.status == 0, "\(result.output)")
        #expect(result.output.contains("system:serviceaccounts:agents"))
        #expect(result.output.contains("\"reader\""))
    }

    @Test func badConfigurationIsOneLine() throws {
        let result = try Self.run(["migrate"])
        #expect(result.status == 78)
        #expect(result.output.split(separator: "\n").count == 1)
        #expect(result.output.contains("WARDEN_DATABASE_URL"))
    }

    /// Every command reads the webhook allow list (`serve` and `reviews run-due` deliver), before it
    /// reaches for the database; a bad entry is named on one line.
    @Test(arguments: [("10.0.0.1/8", "host bits"), ("127.1", "four decimal numbers"), ("https://hooks.example.com", "neither")])
    func aBadWebhookAllowListStopsStartUp(entry: String, problem: String) throws {
        for command in [["serve"], ["reviews", "run-due"]] {
            let result = try WardenCLI.run(
                command,
                environment: [
                    "WARDEN_DATABASE_URL": "postgres://warden@127.0.0.1:1/warden?sslmode=disable",
                    "WARDEN_WEBHOOK_ALLOW": "127.0.0.1, \(entry)",
                ]
            )
            #expect(result.status == 78, "\(command): \(result.output)")
            #expect(result.output.split(separator: "\n").count == 1, "\(result.output)")
            #expect(result.output.contains("WARDEN_WEBHOOK_ALLOW: '\(entry)'") && result.output.contains(problem), "\(result.output)")
        }
    }
}
