import Foundation
import Testing
import WardenApp
import WardenCore
import WardenStore
import WardenTestSupport

/// Issuing a report through the use case, with no HTTP in between: what `warden attest` and
/// `POST /v1/clusters/{c}/attestations` both run.
@Suite struct AttestationUseCaseTests {
    static let setup = ChangeContext(actor: "alice", tokenID: nil, requestID: "test")

    @Test func theReportsTimeIsThePredicatesAndTheRowsTime() async throws {
        let test = try await TestApp.make()
        let app = test.app
        try await test.app.run { app in
            let admin = Principal(tokenID: 0, name: "alice", role: .admin, clusters: [])
            _ = try await app.snapshots.upload(
                .init(cluster: "prod", mediaType: .json, gzipped: false),
                body: Array(SnapshotFixtures.cluster.utf8),
                by: admin,
                context: Self.setup
            )
            let record = try await app.attestations.issue(cluster: "prod", snapshotID: nil, context: Self.setup)
            let report = try await app.attestations.report(id: record.id)
            let envelope = try DSSEEnvelope.decode(json: try await app.attestations.envelope(id: record.id))
            let statement = try #require(AttestationKeyRing(signingKey: testSigningKey).verify(envelope: envelope).statement)
            #expect(statement.predicate.generatedAt == RFC3339.string(from: report.generatedAt))
            #expect(record.createdAt.timeIntervalSince(report.generatedAt).magnitude < 0.001)
            #expect(statement.predicate.reportId == record.id)
        }
        _ = app
    }

    @Test func aCollectorMayUploadOnlyForItsClusters() async throws {
        let test = try await TestApp.make()
        try await test.app.run { app in
            let collector = Principal(tokenID: 0, name: "cronjob", role: .collector, clusters: ["prod"])
            await #expect(throws: UseCaseError.forbidden("this collector token may upload snapshots only for: prod")) {
                _ = try await app.snapshots.upload(
                    .init(cluster: "staging", mediaType: .json, gzipped: false),
                    body: Array(SnapshotFixtures.cluster.utf8),
                    by: collector,
                    context: Self.setup
                )
            }
            let latest = try await app.snapshots.latest(cluster: "staging")
            #expect(latest == nil)
        }
    }

    @Test func noSnapshotIsAConflictAndStoresNothing() async throws {
        let test = try await TestApp.make()
        try await test.app.run { app in
            await #expect(throws: UseCaseError.conflict("cluster prod has no snapshot yet; POST one to /v1/clusters/prod/snapshots first")) {
                _ = try await app.attestations.issue(cluster: "prod", snapshotID: nil, context: Self.setup)
            }
            let stored = try await app.attestations.list(cluster: nil, beforeID: nil, limit: 10)
            #expect(stored.isEmpty)
        }
    }
}
