import Foundation
import Testing
import WardenApp
import WardenCore
import WardenStore
import WardenTestSupport

/// Snapshots do not grow without bound: an unchanged cluster adds nothing, and old snapshots
/// that nothing refers to are pruned by the scheduler's pass.
@Suite struct SnapshotRetentionTests {
    static let setup = ChangeContext(actor: "alice", tokenID: nil, requestID: "test")
    static let admin = Principal(tokenID: 0, name: "alice", role: .admin, clusters: [])

    /// The fixture cluster with one more namespace, so each upload has its own digest.
    static func cluster(_ n: Int) -> [UInt8] {
        Array(
            SnapshotFixtures.cluster.replacingOccurrences(
                of: #""items": ["#,
                with: #""items": [{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"extra-\#(n)"}},"#
            ).utf8
        )
    }

    @Test func theNewestSnapshotAgainIsReturnedNotStored() async throws {
        let test = try await TestApp.make()
        try await test.app.run { app in
            let upload = Snapshots.Upload(cluster: "prod", mediaType: .json, gzipped: false)
            let first = try await app.snapshots.upload(upload, body: Self.cluster(1), by: Self.admin, context: Self.setup)
            let again = try await app.snapshots.upload(upload, body: Self.cluster(1), by: Self.admin, context: Self.setup)
            #expect(first.created && !again.created && again.record.id == first.record.id)
            let other = try await app.snapshots.upload(upload, body: Self.cluster(2), by: Self.admin, context: Self.setup)
            // The cluster went back to its first state: that is its newest state now, so it is stored.
            let back = try await app.snapshots.upload(upload, body: Self.cluster(1), by: Self.admin, context: Self.setup)
            #expect(other.created && back.created && back.record.id > other.record.id)
            let elsewhere = try await app.snapshots.upload(
                .init(cluster: "staging", mediaType: .json, gzipped: false),
                body: Self.cluster(1),
                by: Self.admin,
                context: Self.setup
            )
            #expect(elsewhere.created)
        }
    }

    @Test func pruningKeepsTheNewestAndWhatReportsAndReviewsName() async throws {
        var scheduler = SchedulerSettings()
        scheduler.snapshotsKept = 2
        let test = try await TestApp.make(scheduler: scheduler)
        try await test.app.run { app in
            let upload = Snapshots.Upload(cluster: "prod", mediaType: .json, gzipped: false)
            var ids: [Int64] = []
            for n in 1...5 {
                ids.append(try await app.snapshots.upload(upload, body: Self.cluster(n), by: Self.admin, context: Self.setup).record.id)
                if n == 1 { _ = try await app.attestations.issue(cluster: "prod", snapshotID: ids[0], context: Self.setup) }
            }
            let report = try await app.scheduler.runPass()
            #expect(report.snapshotsPruned == 2, "\(report)")
            let left = try await app.snapshots.list(cluster: "prod", beforeID: nil, limit: 10).map(\.id)
            #expect(left == [ids[4], ids[3], ids[0]])
            let trail = try await app.auditTrail.list(.init(actor: "warden-scheduler"), afterID: 0, limit: 10)
            #expect(trail.map(\.action) == ["snapshot.prune", "snapshot.prune"])
            #expect(try await app.auditTrail.verify().isValid)
        }
    }
}
