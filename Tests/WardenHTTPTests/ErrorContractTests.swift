import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing
import WardenTestSupport

/// Every client mistake is a precise 4xx problem+json that changes nothing.
@Suite("Errors are RFC 9457 problems")
struct ErrorContractTests {
    @Test func wrongTypeInPathIsA400NamingTheParameter() async throws {
        try await withLiveServer { server, client in
            let problem = expectProblem(try await client.call(.get, "/v1/agents/abc", token: server.tokens.admin), status: 400)
            #expect(pointers(problem) == ["id"])
            #expect((problem["detail"] as? String)?.contains("abc") == true)
        }
    }

    @Test func malformedBodiesAreRefusedAndChangeNothing() async throws {
        try await withLiveServer { server, client in
            let before = try await rowCounts(server)
            let malformed = expectProblem(
                try await client.call(.post, "/v1/agents", token: server.tokens.admin, json: #"{"name": "x", "#),
                status: 400
            )
            #expect((malformed["detail"] as? String)?.isEmpty == false)

            let missing = expectProblem(
                try await client.call(.post, "/v1/agents", token: server.tokens.admin, json: #"{"name":"x"}"#),
                status: 400
            )
            #expect(pointers(missing).contains { $0.hasPrefix("/") })

            let wrongType = expectProblem(
                try await client.call(
                    .post,
                    "/v1/agents",
                    token: server.tokens.admin,
                    json: agentJSON().replacingOccurrences(of: #""owner":"team-a""#, with: #""owner":42"#)
                ),
                status: 400
            )
            #expect(pointers(wrongType) == ["/owner"])

            let badEnum = try await client.call(
                .post,
                "/v1/agents",
                token: server.tokens.admin,
                json: agentJSON(riskTier: "extreme")
            )
            #expect(pointers(expectProblem(badEnum, status: 400)) == ["/riskTier"])

            let unknownField = try await client.call(
                .post,
                "/v1/agents",
                token: server.tokens.admin,
                json: agentJSON().replacingOccurrences(of: "{\"name\"", with: "{\"admin\":true,\"name\"")
            )
            expectProblem(unknownField, status: 400)

            let wrongContentType = try await client.call(
                .post,
                "/v1/agents",
                token: server.tokens.admin,
                json: agentJSON(),
                contentType: "text/plain"
            )
            expectProblem(wrongContentType, status: 415)

            #expect(try await rowCounts(server) == before)
        }
    }

    @Test func oversizedBodiesAre413() async throws {
        try await withLiveServer { server, client in
            let before = try await rowCounts(server)
            let huge = agentJSON().replacingOccurrences(of: "writes code", with: String(repeating: "x", count: 11 << 20))
            let problem = expectProblem(try await client.call(.post, "/v1/agents", token: server.tokens.admin, json: huge), status: 413)
            #expect((problem["detail"] as? String)?.contains("10485760") == true)
            #expect(try await rowCounts(server) == before)
        }
    }

    @Test func unknownPathsAreProblemsToo() async throws {
        try await withLiveServer { server, client in
            expectProblem(try await client.call(.get, "/v1/nothing-here", token: server.tokens.admin), status: 404)
        }
    }

    @Test func requestIDsAreReturnedAndEchoed() async throws {
        try await withLiveServer { server, client in
            let generated = try await client.call(.get, "/healthz", token: nil)
            #expect((generated.headers[HTTPField.Name("X-Request-Id")!] ?? "").count >= 12)
            let echoed = try await client.call(.get, "/v1/agents/abc", token: server.tokens.admin, headers: ["X-Request-Id": "trace-123"])
            #expect(echoed.headers[HTTPField.Name("X-Request-Id")!] == "trace-123")
            #expect(echoed.json?["requestId"] as? String == "trace-123")
        }
    }
}

@Suite("Text PostgreSQL cannot store")
struct NulTextTests {
    @Test func nulCharactersAre400sNot500s() async throws {
        try await withLiveServer { server, client in
            let before = try await rowCounts(server)
            expectProblem(try await client.call(.get, "/v1/agents?owner=a%00b", token: server.tokens.admin), status: 400)
            let id = try #require(
                (try await client.call(.post, "/v1/agents", token: server.tokens.admin, json: agentJSON())).json?["id"] as? Int
            )
            let after = try await rowCounts(server)
            let nul = baselineJSON(namespace: "agents", extra: "").replacingOccurrences(of: "reads its own pods", with: #"reads\u0000pods"#)
            expectProblem(try await client.call(.post, "/v1/agents/\(id)/baselines", token: server.tokens.admin, json: nul), status: 400)
            #expect(try await rowCounts(server) == after)
            #expect(after["agents"] == (before["agents"] ?? 0) + 1)
        }
    }
}
