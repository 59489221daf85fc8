import Foundation
import PostgresNIO
import Testing
import WardenCore
import WardenTestSupport

@testable import WardenStore

/// AgentStore.get shares queries between concurrent reads; one agent whose row cannot be read
/// must fail only its own reads, never the reads it happened to share a query with.
@Suite struct AgentReadTests {
    @Test func aCorruptRowFailsOnlyItsOwnReads() async throws {
        let db = try await TestDatabase.make()
        let clock = SystemWallClock()
        let agents = Stores(database: db.database, clock: clock).agents
        let context = ChangeContext(actor: "test", tokenID: nil, requestID: "test")
        var ids: [Int64] = []
        for n in 0..<3 {
            let agent = try await agents.create(
                AgentFields(
                    name: "a\(n)",
                    cluster: "prod",
                    namespace: "agents",
                    serviceAccount: "a\(n)",
                    owner: "team-a",
                    purpose: "test",
                    riskTier: .low
                ),
                context: context
            )
            ids.append(agent.id)
        }
        let broken = ids[0]
        // Labels that are not a string map: the row no longer decodes as an agent.
        try await db.database.withConnection { connection in
            _ = try await connection.query("UPDATE agents SET labels = '{\"n\": 1}'::jsonb WHERE id = \(broken)", logger: db.database.logger)
        }
        let results = try await withThrowingTaskGroup(of: (Int64, Bool).self) { group in
            for n in 0..<150 {
                let id = ids[n % ids.count]
                group.addTask {
                    do {
                        _ = try await agents.get(id: id)
                        return (id, true)
                    } catch StoreError.corruptRow {
                        return (id, false)
                    }
                }
            }
            return try await group.reduce(into: [(Int64, Bool)]()) { $0.append($1) }
        }
        #expect(results.count == 150)
        for (id, ok) in results {
            #expect(ok == (id != broken), "agent \(id): \(ok ? "read" : "failed")")
        }
        await #expect(throws: StoreError.self) { try await agents.get(id: ids.max()! + 1) }
    }
}
