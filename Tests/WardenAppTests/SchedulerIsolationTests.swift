import Foundation
import PostgresNIO
import Testing
import WardenApp
import WardenCore
import WardenStore
import WardenTestSupport

/// One agent the scheduler cannot handle stops nothing else, and is tried again after a backoff.
@Suite struct SchedulerIsolationTests {
    static let setup = ChangeContext(actor: "alice", tokenID: nil, requestID: "test")

    @Test func aBrokenAgentFailsAloneAndIsRetriedLater() async throws {
        let test = try await TestApp.make()
        try await test.app.run { app in
            var ids: [Int64] = []
            for name in ["broken", "healthy"] {
                let agent = try await app.agents.register(
                    AgentFields(
                        name: name,
                        cluster: "prod",
                        namespace: "agents",
                        serviceAccount: name,
                        owner: "team-a",
                        purpose: "test",
                        riskTier: .high,
                        nextReviewDue: test.clock.now().addingTimeInterval(-86_400)
                    ),
                    context: Self.setup
                )
                ids.append(agent.id)
            }
            // Labels that are not a string map: the row no longer decodes as an agent.
            try await test.db.execute("UPDATE agents SET labels = '{\"n\": 1}'::jsonb WHERE id = \(ids[0])")

            let first = try await app.scheduler.runPass()
            #expect(first.opened == 1 && first.failed == 1, "\(first)")
            let open = try await app.reviews.list(.init(status: .open), afterID: 0, limit: 10)
            #expect(open.map(\.agentID) == [ids[1]])

            let again = try await app.scheduler.runPass()
            #expect(again.opened == 0 && again.failed == 0, "backed off, not retried at once: \(again)")

            try await test.db.execute("UPDATE agents SET labels = '{}'::jsonb WHERE id = \(ids[0])")
            test.clock.advance(by: 3600)
            let later = try await app.scheduler.runPass()
            #expect(later.opened == 1 && later.failed == 0, "\(later)")
        }
    }
}
