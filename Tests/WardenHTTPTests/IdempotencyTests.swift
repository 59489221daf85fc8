import Foundation
import HummingbirdTesting
import PostgresNIO
import Testing
import WardenTestSupport

@Suite("Idempotency-Key")
struct IdempotencyTests {
    @Test func aRetryGetsTheFirstResponseAndCreatesNothingNew() async throws {
        try await withLiveServer { server, client in
            let key = ["Idempotency-Key": "create-coder-1"]
            let first = try await client.call(.post, "/v1/agents", token: server.tokens.admin, json: agentJSON(), headers: key)
            #expect(first.status == .created)
            let second = try await client.call(.post, "/v1/agents", token: server.tokens.admin, json: agentJSON(), headers: key)
            #expect(second.status == .created)
            #expect(second.text == first.text)
            #expect(second.headers[.location] == first.headers[.location])
            #expect(second.headers[.eTag] == first.headers[.eTag])
            #expect(second.headers[.init("Idempotent-Replayed")!] == "true")
            #expect(try await rowCounts(server)["agents"] == 1)

            let different = try await client.call(
                .post,
                "/v1/agents",
                token: server.tokens.admin,
                json: agentJSON(name: "other", serviceAccount: "other"),
                headers: key
            )
            expectProblem(different, status: 422)
            #expect(try await rowCounts(server)["agents"] == 1)

            // Keys belong to a principal: another admin may use the same key for its own request.
            let bob = try await client.call(
                .post,
                "/v1/agents",
                token: server.tokens.secondAdmin,
                json: agentJSON(name: "b", serviceAccount: "b"),
                headers: key
            )
            #expect(bob.status == .created)
        }
    }

    @Test func clientErrorsAreReplayedToo() async throws {
        try await withLiveServer { server, client in
            let key = ["Idempotency-Key": "dup"]
            _ = try await client.call(.post, "/v1/agents", token: server.tokens.admin, json: agentJSON())
            let conflict = try await client.call(.post, "/v1/agents", token: server.tokens.admin, json: agentJSON(), headers: key)
            expectProblem(conflict, status: 409)
            let replay = try await client.call(.post, "/v1/agents", token: server.tokens.admin, json: agentJSON(), headers: key)
            expectProblem(replay, status: 409)
            expectProblem(
                try await client.call(
                    .post,
                    "/v1/agents",
                    token: server.tokens.admin,
                    json: agentJSON(),
                    headers: ["Idempotency-Key": String(repeating: "k", count: 300)]
                ),
                status: 400
            )
        }
    }

    /// A token's secret is shown once: the stored response has none, and a replay says so.
    @Test func aTokenSecretNeverReachesTheIdempotencyTable() async throws {
        try await withLiveServer { server, client in
            let key = ["Idempotency-Key": "new-reviewer"]
            let body = #"{"name":"rev@example.com","role":"reviewer"}"#
            let first = try await client.call(.post, "/v1/tokens", token: server.tokens.admin, json: body, headers: key)
            #expect(first.status == .created)
            let secret = try #require(first.json?["token"] as? String)
            #expect(secret.hasPrefix("wdn_"))
            let stored = try await server.db.database.client.query("SELECT body FROM idempotency_keys").collect()
            let storedBody = try #require(stored.first).decode(Data.self)
            #expect(!String(decoding: storedBody, as: UTF8.self).contains(secret))

            let replay = try await client.call(.post, "/v1/tokens", token: server.tokens.admin, json: body, headers: key)
            #expect(replay.status == .created)
            #expect(replay.headers[.init("Idempotent-Replayed")!] == "true")
            #expect(replay.json?["token"] == nil)
            #expect(replay.json?["secretWithheld"] as? Bool == true)
            #expect((replay.json?["tokenInfo"] as? [String: Any])?["id"] as? Int == (first.json?["tokenInfo"] as? [String: Any])?["id"] as? Int)
            #expect(!replay.text.contains(secret))
            #expect(replay.headers[.location] == first.headers[.location])
        }
    }

    /// Keys are replayable for 24 hours; the scheduler's pass removes older ones.
    @Test func expiredKeysArePurgedByTheScheduler() async throws {
        try await withLiveServer { server, client in
            _ = try await client.call(
                .post,
                "/v1/agents",
                token: server.tokens.admin,
                json: agentJSON(),
                headers: ["Idempotency-Key": "old"]
            )
            server.clock.advance(by: 23 * 3600)
            _ = try await client.call(
                .post,
                "/v1/agents",
                token: server.tokens.admin,
                json: agentJSON(name: "b", serviceAccount: "b"),
                headers: ["Idempotency-Key": "newer"]
            )
            #expect(try await rowCounts(server)["idempotency_keys"] == 2)
            server.clock.advance(by: 2 * 3600)
            let report = try await server.scheduler.runPass()
            #expect(report.idempotencyKeysPurged == 1)
            #expect(try await rowCounts(server)["idempotency_keys"] == 1)
        }
    }
}
