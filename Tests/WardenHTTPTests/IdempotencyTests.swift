import Foundation
import HummingbirdTesting
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
}
