import Foundation
import HummingbirdTesting
import Testing
import WardenTestSupport

@Suite("API tokens")
struct TokenAPITests {
    @Test func secretIsShownOnceAndStoredOnlyAsAHash() async throws {
        try await withLiveServer { server, client in
            let created = try await client.call(
                .post,
                "/v1/tokens",
                token: server.tokens.admin,
                json: #"{"name":"snapshot-job","role":"collector","clusters":["prod"]}"#
            )
            #expect(created.status == .created, "\(created.text)")
            let secret = try #require(created.json?["token"] as? String)
            #expect(secret.hasPrefix("wdn_") && secret.count == 47)
            let info = try #require(created.json?["tokenInfo"] as? [String: Any])
            #expect(info["role"] as? String == "collector")
            #expect(info["createdBy"] as? String == "alice")
            #expect(created.headers[.location] == "/v1/tokens/\(info["id"] as? Int ?? -1)")

            let list = try await client.call(.get, "/v1/tokens", token: server.tokens.admin)
            #expect(list.status == .ok)
            #expect(!list.text.contains(secret))
            #expect(((list.json?["items"] as? [[String: Any]]) ?? []).count == 6)

            let stored = try await server.db.database.client.query("SELECT encode(secret_hash, 'hex') FROM api_tokens").collect()
            for row in stored { #expect(!secret.contains(try row.decode(String.self))) }

            let whoami = try await client.call(.get, "/v1/whoami", token: secret)
            #expect(whoami.json?["name"] as? String == "snapshot-job")
            #expect((whoami.json?["clusters"] as? [String]) == ["prod"])
        }
    }

    @Test func tokenRequestsAreValidated() async throws {
        try await withLiveServer { server, client in
            let before = try await rowCounts(server)
            let collector = try await client.call(.post, "/v1/tokens", token: server.tokens.admin, json: #"{"name":"c","role":"collector"}"#)
            #expect(pointers(expectProblem(collector, status: 400)) == ["/clusters"])
            let expiry = try await client.call(
                .post,
                "/v1/tokens",
                token: server.tokens.admin,
                json: #"{"name":"c","role":"admin","expiresInDays":0}"#
            )
            #expect(pointers(expectProblem(expiry, status: 400)) == ["/expiresInDays"])
            let role = try await client.call(.post, "/v1/tokens", token: server.tokens.admin, json: #"{"name":"c","role":"root"}"#)
            #expect(pointers(expectProblem(role, status: 400)) == ["/role"])
            let blank = try await client.call(.post, "/v1/tokens", token: server.tokens.admin, json: #"{"name":" ","role":"admin"}"#)
            #expect(pointers(expectProblem(blank, status: 400)) == ["/name"])
            expectProblem(try await client.call(.delete, "/v1/tokens/424242", token: server.tokens.admin), status: 404)
            expectProblem(try await client.call(.delete, "/v1/tokens/xyz", token: server.tokens.admin), status: 400)
            #expect(try await rowCounts(server) == before)
        }
    }

    @Test func listingPagesNewestFirst() async throws {
        try await withLiveServer { server, client in
            var ids: [Int] = []
            var cursor: String?
            repeat {
                let page = try await client.call(.get, "/v1/tokens?limit=2" + (cursor.map { "&cursor=\($0)" } ?? ""), token: server.tokens.admin)
                ids += ((page.json?["items"] as? [[String: Any]]) ?? []).compactMap { $0["id"] as? Int }
                cursor = page.json?["nextCursor"] as? String
            } while cursor != nil
            #expect(ids.count == 5)
            #expect(ids == ids.sorted(by: >))
        }
    }
}

@Suite("Token lookups are cached briefly")
struct TokenCacheTests {
    @Test func aRevocationElsewhereTakesEffectWithinTheCacheLifetime() async throws {
        try await withLiveServer { server, client in
            #expect(try await client.call(.get, "/v1/whoami", token: server.tokens.auditor).status == .ok)
            // Revoked behind this server's back (another replica, or `warden token revoke`).
            try await server.db.execute("UPDATE api_tokens SET revoked_at = now() WHERE name = 'otto'")
            server.clock.advance(by: 3)
            expectProblem(try await client.call(.get, "/v1/whoami", token: server.tokens.auditor), status: 401)
        }
    }
}
