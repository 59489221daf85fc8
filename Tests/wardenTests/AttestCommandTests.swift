import Foundation
import Logging
import Testing
import WardenApp
import WardenCore
import WardenStore
import WardenTestSupport

/// `warden attest` stores a signed report through the same use case as the API, with no HTTP.
@Suite("warden attest")
struct AttestCommandTests {
    static let sources = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../Sources/warden").standardized

    /// Only `serve` may need the HTTP module: every other command runs a use case directly.
    @Test func onlyServeImportsWardenHTTP() throws {
        let files = try FileManager.default.contentsOfDirectory(atPath: Self.sources.path).filter { $0.hasSuffix(".swift") }
        #expect(files.contains("AttestCommand.swift") && files.contains("ReviewsCommand.swift"))
        let importing = try files.filter { file in
            let text = try String(contentsOf: Self.sources.appendingPathComponent(file), encoding: .utf8)
            return text.split(separator: "\n").contains { $0.trimmingCharacters(in: .whitespaces) == "import WardenHTTP" }
        }
        #expect(Set(importing) == ["Serve.swift", "ServeEnvironment.swift"])
    }

    @Test(.timeLimit(.minutes(2))) func issuesStoresAndPrintsASignedReport() async throws {
        let db = try await TestDatabase.make()
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("warden-attest-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let seed = (0..<32).map { String(format: "%02x", ($0 * 7 + 3) & 0xff) }.joined()
        let key = try SigningKey(seedHex: seed)
        try seed.write(toFile: dir + "/signing.key", atomically: true, encoding: .utf8)
        let app = Warden(database: db.database, logger: Logger(label: "test"))
        let setup = ChangeContext(actor: "alice", tokenID: nil, requestID: "setup")
        try await app.run { app in
            _ = try await app.snapshots.upload(
                .init(cluster: "prod", mediaType: .json, gzipped: false),
                body: Array(SnapshotFixtures.cluster.utf8),
                by: Principal(tokenID: 0, name: "alice", role: .admin, clusters: []),
                context: setup
            )
        }
        let env = [
            "WARDEN_DATABASE_URL":
                "postgres://\(db.url.username):\(db.url.password ?? "")@\(db.url.host):\(db.url.port)/\(db.url.database)?sslmode=disable",
            "WARDEN_SIGNING_KEY_FILE": dir + "/signing.key",
        ]
        let sarif = try WardenCLI.run(["attest", "--cluster", "prod", "--format", "sarif", "--output", dir + "/report.sarif"], environment: env)
        #expect(sarif.status == 0, "\(sarif.output)")
        #expect(sarif.output.contains("warden attest: report 1 of cluster prod, verdict "))
        let document = try String(contentsOfFile: dir + "/report.sarif", encoding: .utf8)
        #expect(document.contains("\"version\":\"2.1.0\"") || document.contains("\"version\" : \"2.1.0\""))

        let json = try WardenCLI.run(["attest", "--cluster", "prod"], environment: env)
        #expect(json.status == 0)
        try await Warden(database: db.database, logger: Logger(label: "test")).run { app in
            let stored = try await app.attestations.list(cluster: "prod", beforeID: nil, limit: 10)
            #expect(stored.map(\.id) == [2, 1])
            #expect(stored.allSatisfy { $0.createdBy == "warden-cli" })
            let bytes = try await app.attestations.reportBytes(id: 2)
            #expect(json.output.hasPrefix(String(decoding: bytes, as: UTF8.self)))
            let envelope = try DSSEEnvelope.decode(json: try await app.attestations.envelope(id: 2))
            #expect(AttestationKeyRing(signingKey: key).verify(envelope: envelope).verified)
        }

        let noKey = try WardenCLI.run(["attest", "--cluster", "prod"], environment: ["WARDEN_DATABASE_URL": env["WARDEN_DATABASE_URL"]!])
        #expect(noKey.status != 0 && noKey.output.contains("signing key"), "\(noKey.output)")
        let badCluster = try WardenCLI.run(["attest", "--cluster", "Not A Cluster"], environment: env)
        #expect(badCluster.status != 0)
    }
}
