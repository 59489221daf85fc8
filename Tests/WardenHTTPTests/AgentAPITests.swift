import Foundation
import HummingbirdTesting
import Testing
import WardenTestSupport

@Suite("Agent registry over HTTP")
struct AgentAPITests {
    @Test func createReturnsLocationETagAndTheAgent() async throws {
        try await withLiveServer { server, client in
            let response = try await client.call(.post, "/v1/agents", token: server.tokens.admin, json: agentJSON())
            #expect(response.status == .created, "\(response.text)")
            let body = try #require(response.json)
            let id = try #require(body["id"] as? Int)
            #expect(response.headers[.location] == "/v1/agents/\(id)")
            #expect(response.headers[.eTag] == "\"\(id)-1\"")
            #expect(body["status"] as? String == "active")
            #expect(body["version"] as? Int == 1)
            #expect((body["labels"] as? [String: String]) == ["team": "a"])
            let created = try #require(body["createdAt"] as? String)
            #expect(created.hasSuffix("Z"))
            // Compact JSON: no newlines or indentation.
            #expect(!response.text.contains("\n"))

            let fetched = try await client.call(.get, "/v1/agents/\(id)", token: server.tokens.auditor)
            #expect(fetched.status == .ok)
            #expect(fetched.headers[.eTag] == "\"\(id)-1\"")
            #expect(fetched.json?["name"] as? String == "coder")
        }
    }

    @Test func invalidNamesArePointedAtAndNothingIsStored() async throws {
        try await withLiveServer { server, client in
            let before = try await rowCounts(server)
            let response = try await client.call(
                .post,
                "/v1/agents",
                token: server.tokens.admin,
                json: agentJSON(name: "Coder_1", namespace: "-bad", serviceAccount: "UPPER", labels: #"{"bad key!":"x"}"#)
            )
            let problem = expectProblem(response, status: 400)
            let found = Set(pointers(problem))
            #expect(found.isSuperset(of: ["/name", "/namespace", "/serviceAccount", "/labels/bad key!"]))
            #expect(try await rowCounts(server) == before)
        }
    }

    @Test func duplicateServiceAccountIsAConflictUntilRetired() async throws {
        try await withLiveServer { server, client in
            let first = try await client.call(.post, "/v1/agents", token: server.tokens.admin, json: agentJSON())
            let id = try #require(first.json?["id"] as? Int)
            let duplicate = try await client.call(.post, "/v1/agents", token: server.tokens.admin, json: agentJSON(name: "other"))
            expectProblem(duplicate, status: 409)
            // Another cluster is another ServiceAccount.
            let elsewhere = try await client.call(.post, "/v1/agents", token: server.tokens.admin, json: agentJSON(cluster: "staging"))
            #expect(elsewhere.status == .created)

            let retired = try await client.call(.delete, "/v1/agents/\(id)", token: server.tokens.admin)
            #expect(retired.status == .ok)
            #expect(retired.json?["status"] as? String == "retired")
            let again = try await client.call(.post, "/v1/agents", token: server.tokens.admin, json: agentJSON())
            #expect(again.status == .created)
            // The retired one is still there, for history.
            let old = try await client.call(.get, "/v1/agents/\(id)", token: server.tokens.admin)
            #expect(old.json?["status"] as? String == "retired")
        }
    }

    @Test func listFiltersAndPaginates() async throws {
        try await withLiveServer { server, client in
            for i in 0..<7 {
                let tier = i % 2 == 0 ? "high" : "low"
                let labels = i < 3 ? #"{"team":"a","env":"prod"}"# : #"{"team":"b"}"#
                let response = try await client.call(
                    .post,
                    "/v1/agents",
                    token: server.tokens.admin,
                    json: agentJSON(
                        name: "a\(i)",
                        namespace: i < 4 ? "ns1" : "ns2",
                        serviceAccount: "sa\(i)",
                        owner: "o\(i % 3)",
                        riskTier: tier,
                        labels: labels
                    )
                )
                #expect(response.status == .created)
            }
            var names: [String] = []
            var cursor: String?
            repeat {
                let path = "/v1/agents?limit=3" + (cursor.map { "&cursor=\($0)" } ?? "")
                let page = try await client.call(.get, path, token: server.tokens.reviewer)
                #expect(page.status == .ok)
                let body = try #require(page.json)
                let items = try #require(body["items"] as? [[String: Any]])
                #expect(items.count <= 3)
                names += items.compactMap { $0["name"] as? String }
                cursor = body["nextCursor"] as? String
            } while cursor != nil
            #expect(names == (0..<7).map { "a\($0)" })

            func query(_ query: String) async throws -> [String] {
                let response = try await client.call(.get, "/v1/agents?\(query)", token: server.tokens.auditor)
                #expect(response.status == .ok, "\(response.text)")
                return ((response.json?["items"] as? [[String: Any]]) ?? []).compactMap { $0["name"] as? String }
            }
            #expect(try await query("riskTier=low") == ["a1", "a3", "a5"])
            #expect(try await query("namespace=ns2&riskTier=high") == ["a4", "a6"])
            #expect(try await query("owner=o0") == ["a0", "a3", "a6"])
            #expect(try await query("label=team=a&label=env=prod") == ["a0", "a1", "a2"])
            #expect(try await query("label=team=b&status=active") == ["a3", "a4", "a5", "a6"])
            #expect(try await query("cluster=nowhere") == [])

            expectProblem(try await client.call(.get, "/v1/agents?limit=0", token: server.tokens.admin), status: 400)
            expectProblem(try await client.call(.get, "/v1/agents?limit=501", token: server.tokens.admin), status: 400)
            expectProblem(try await client.call(.get, "/v1/agents?cursor=nonsense", token: server.tokens.admin), status: 400)
            expectProblem(try await client.call(.get, "/v1/agents?label=novalue", token: server.tokens.admin), status: 400)
            expectProblem(try await client.call(.get, "/v1/agents?riskTier=extreme", token: server.tokens.admin), status: 400)
        }
    }

    @Test func patchNeedsIfMatchAndAppliesAMergePatch() async throws {
        try await withLiveServer { server, client in
            let created = try await client.call(
                .post,
                "/v1/agents",
                token: server.tokens.admin,
                json: agentJSON(labels: #"{"team":"a","env":"prod"}"#)
            )
            let id = try #require(created.json?["id"] as? Int)
            let etag = try #require(created.headers[.eTag])
            let patch = #"{"owner":"team-b","labels":{"env":null,"tier":"gold"}}"#
            let merge = "application/merge-patch+json"

            let missing = try await client.call(.patch, "/v1/agents/\(id)", token: server.tokens.admin, json: patch, contentType: merge)
            expectProblem(missing, status: 428)

            let stale = try await client.call(
                .patch,
                "/v1/agents/\(id)",
                token: server.tokens.admin,
                json: patch,
                contentType: merge,
                headers: ["If-Match": "\"\(id)-7\""]
            )
            expectProblem(stale, status: 412)

            let ok = try await client.call(
                .patch,
                "/v1/agents/\(id)",
                token: server.tokens.admin,
                json: patch,
                contentType: merge,
                headers: ["If-Match": etag]
            )
            #expect(ok.status == .ok, "\(ok.text)")
            #expect(ok.json?["owner"] as? String == "team-b")
            #expect((ok.json?["labels"] as? [String: String]) == ["team": "a", "tier": "gold"])
            #expect(ok.json?["version"] as? Int == 2)
            #expect(ok.headers[.eTag] == "\"\(id)-2\"")

            // The old tag is now stale.
            let reused = try await client.call(
                .patch,
                "/v1/agents/\(id)",
                token: server.tokens.admin,
                json: #"{"purpose":"x"}"#,
                contentType: merge,
                headers: ["If-Match": etag]
            )
            expectProblem(reused, status: 412)

            // Unknown fields, wrong types and invalid values are refused with pointers, and change nothing.
            let before = try await rowCounts(server)
            let bad = try await client.call(
                .patch,
                "/v1/agents/\(id)",
                token: server.tokens.admin,
                json: #"{"color":"red","riskTier":7,"namespace":"Bad!"}"#,
                contentType: merge,
                headers: ["If-Match": "\"\(id)-2\""]
            )
            let problem = expectProblem(bad, status: 400)
            #expect(Set(pointers(problem)).isSuperset(of: ["/color", "/riskTier"]))
            let invalid = try await client.call(
                .patch,
                "/v1/agents/\(id)",
                token: server.tokens.admin,
                json: #"{"namespace":"Bad!"}"#,
                contentType: merge,
                headers: ["If-Match": "\"\(id)-2\""]
            )
            #expect(pointers(expectProblem(invalid, status: 400)) == ["/namespace"])
            #expect(try await rowCounts(server) == before)
            let unchanged = try await client.call(.get, "/v1/agents/\(id)", token: server.tokens.admin)
            #expect(unchanged.json?["version"] as? Int == 2)
        }
    }

    @Test func concurrentPatchesWithTheSameETagLetExactlyOneWin() async throws {
        try await withLiveServer { server, client in
            let created = try await client.call(.post, "/v1/agents", token: server.tokens.admin, json: agentJSON())
            let id = try #require(created.json?["id"] as? Int)
            let etag = try #require(created.headers[.eTag])
            let statuses = try await withThrowingTaskGroup(of: Int.self) { group in
                for i in 0..<8 {
                    group.addTask {
                        try await client.call(
                            .patch,
                            "/v1/agents/\(id)",
                            token: server.tokens.admin,
                            json: #"{"purpose":"writer \#(i)"}"#,
                            contentType: "application/merge-patch+json",
                            headers: ["If-Match": etag]
                        ).status.code
                    }
                }
                return try await group.reduce(into: [Int]()) { $0.append($1) }
            }
            #expect(statuses.filter { $0 == 200 }.count == 1, "\(statuses)")
            #expect(statuses.filter { $0 == 412 }.count == 7, "\(statuses)")
            let final = try await client.call(.get, "/v1/agents/\(id)", token: server.tokens.admin)
            #expect(final.json?["version"] as? Int == 2)
        }
    }

    /// Reads under load share queries; none may answer with a version older than one the same
    /// client has already been told about.
    @Test func readsUnderLoadNeverGoBackInTime() async throws {
        try await withLiveServer { server, client in
            var ids: [Int] = []
            for n in 0..<3 {
                let created = try await client.call(
                    .post,
                    "/v1/agents",
                    token: server.tokens.admin,
                    json: agentJSON(name: "busy-\(n)", serviceAccount: "busy-\(n)")
                )
                ids.append(try #require(created.json?["id"] as? Int))
            }
            let (target, agents) = (ids[0], ids)
            try await withThrowingTaskGroup(of: Void.self) { group in
                // Background readers keep queries in flight so later reads have to wait and batch.
                for reader in 0..<12 {
                    group.addTask {
                        for _ in 0..<25 {
                            let id = agents[reader % agents.count]
                            let got = try await client.call(.get, "/v1/agents/\(id)", token: server.tokens.auditor)
                            #expect(got.status == .ok && got.json?["id"] as? Int == id)
                        }
                    }
                }
                group.addTask {
                    var etag = try #require(try await client.call(.get, "/v1/agents/\(target)", token: server.tokens.admin).headers[.eTag])
                    for round in 1...15 {
                        let patched = try await client.call(
                            .patch,
                            "/v1/agents/\(target)",
                            token: server.tokens.admin,
                            json: #"{"purpose":"round \#(round)"}"#,
                            contentType: "application/merge-patch+json",
                            headers: ["If-Match": etag]
                        )
                        #expect(patched.status == .ok, "\(patched.text)")
                        etag = try #require(patched.headers[.eTag])
                        let read = try await client.call(.get, "/v1/agents/\(target)", token: server.tokens.auditor)
                        #expect(read.json?["purpose"] as? String == "round \(round)")
                        #expect(read.headers[.eTag] == etag)
                    }
                }
                try await group.waitForAll()
            }
            expectProblem(try await client.call(.get, "/v1/agents/\(ids.max()! + 1000)", token: server.tokens.auditor), status: 404)
        }
    }

    @Test func unknownAgentsAreNotFound() async throws {
        try await withLiveServer { server, client in
            expectProblem(try await client.call(.get, "/v1/agents/999999", token: server.tokens.admin), status: 404)
            expectProblem(
                try await client.call(
                    .patch,
                    "/v1/agents/999999",
                    token: server.tokens.admin,
                    json: "{}",
                    contentType: "application/merge-patch+json",
                    headers: ["If-Match": "*"]
                ),
                status: 404
            )
            expectProblem(try await client.call(.delete, "/v1/agents/999999", token: server.tokens.admin), status: 404)
        }
    }
}
