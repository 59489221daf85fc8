import Foundation
import HummingbirdTesting
import Testing
import WardenTestSupport

@Suite("Audit trail")
struct AuditTrailTests {
    @Test func everyChangeIsRecordedAndChained() async throws {
        try await withLiveServer { server, client in
            let created = try await client.call(
                .post,
                "/v1/agents",
                token: server.tokens.admin,
                json: agentJSON(),
                headers: ["X-Request-Id": "req-create"]
            )
            let id = try #require(created.json?["id"] as? Int)
            _ = try await client.call(
                .patch,
                "/v1/agents/\(id)",
                token: server.tokens.admin,
                json: #"{"owner":"x"}"#,
                contentType: "application/merge-patch+json",
                headers: ["If-Match": "*"]
            )
            _ = try await client.call(.delete, "/v1/agents/\(id)", token: server.tokens.admin)

            let events = try await client.call(.get, "/v1/audit-events?target=agent/\(id)", token: server.tokens.auditor)
            #expect(events.status == .ok)
            let items = try #require(events.json?["items"] as? [[String: Any]])
            #expect(items.compactMap { $0["action"] as? String } == ["agent.create", "agent.update", "agent.retire"])
            #expect(items.first?["actor"] as? String == "alice")
            #expect(items.first?["requestId"] as? String == "req-create")
            #expect((items.first?["stateDigest"] as? String)?.hasPrefix("sha256:") == true)

            let byActor = try await client.call(.get, "/v1/audit-events?actor=alice", token: server.tokens.admin)
            #expect(((byActor.json?["items"] as? [[String: Any]]) ?? []).count == 3)
            let since = try await client.call(.get, "/v1/audit-events?since=2999-01-01T00:00:00Z", token: server.tokens.admin)
            #expect(((since.json?["items"] as? [[String: Any]]) ?? []).isEmpty)
            expectProblem(try await client.call(.get, "/v1/audit-events?since=yesterday", token: server.tokens.admin), status: 400)

            let verify = try await client.call(.get, "/v1/audit-events/verify", token: server.tokens.auditor)
            #expect(verify.json?["valid"] as? Bool == true)
            // Five setup tokens, then three agent changes.
            #expect(verify.json?["events"] as? Int == 8)
        }
    }

    @Test func editingAStoredEventIsDetected() async throws {
        try await withLiveServer { server, client in
            _ = try await client.call(.post, "/v1/agents", token: server.tokens.admin, json: agentJSON())
            // The table refuses changes outright...
            await #expect(throws: (any Error).self) {
                try await server.db.execute("UPDATE audit_events SET actor = 'mallory' WHERE id = 3")
            }
            // ...so someone with the power to disable that does so.
            try await server.db.execute("ALTER TABLE audit_events DISABLE TRIGGER audit_events_no_update")
            try await server.db.execute("UPDATE audit_events SET actor = 'mallory' WHERE id = 3")
            let verify = try await client.call(.get, "/v1/audit-events/verify", token: server.tokens.admin)
            #expect(verify.json?["valid"] as? Bool == false)
            #expect(verify.json?["firstBrokenId"] as? Int == 3)
        }
    }

    @Test func deletingEventsIsDetected() async throws {
        try await withLiveServer { server, client in
            _ = try await client.call(.post, "/v1/agents", token: server.tokens.admin, json: agentJSON())
            try await server.db.execute("ALTER TABLE audit_events DISABLE TRIGGER audit_events_no_update")
            try await server.db.execute("DELETE FROM audit_events WHERE id = 2")
            let middle = try await client.call(.get, "/v1/audit-events/verify", token: server.tokens.admin)
            #expect(middle.json?["valid"] as? Bool == false)
            #expect(middle.json?["firstBrokenId"] as? Int == 2)
        }
        try await withLiveServer { server, client in
            _ = try await client.call(.post, "/v1/agents", token: server.tokens.admin, json: agentJSON())
            try await server.db.execute("ALTER TABLE audit_events DISABLE TRIGGER audit_events_no_update")
            try await server.db.execute("DELETE FROM audit_events WHERE id = (SELECT max(id) FROM audit_events)")
            let newest = try await client.call(.get, "/v1/audit-events/verify", token: server.tokens.admin)
            #expect(newest.json?["valid"] as? Bool == false)
            #expect(newest.json?["firstBrokenId"] as? Int == 6)
        }
    }
}
