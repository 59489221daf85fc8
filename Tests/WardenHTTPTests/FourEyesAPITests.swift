import Foundation
import HummingbirdTesting
import Testing
import WardenApp
import WardenCore
import WardenStore
import WardenTestSupport

/// Four eyes between two people, not two strings, over HTTP. The test server's tokens were made
/// from the command line: alice and bob (admins), rita (reviewer), otto (auditor). Every refusal
/// is a problem naming its rule, and leaves every stored row as it was.
@Suite("Four eyes between people")
struct FourEyesAPITests {
    /// A token made from the command line (no creator), as an operator makes one for a person.
    static func independentToken(_ server: TestServer, _ name: String, _ role: TokenRole) async throws -> String {
        let request = try TokenRequest(name: name, role: role, clusters: [], expiresInDays: nil)
        return try await server.app.access.issue(request, context: .commandLine(requestID: "setup")).secret.value
    }

    /// A token `creator` makes through the API.
    static func token(_ client: any TestClientProtocol, by creator: String, name: String, role: String = "reviewer") async throws -> String {
        let created = try await client.call(.post, "/v1/tokens", token: creator, json: #"{"name":"\#(name)","role":"\#(role)"}"#)
        #expect(created.status == .created, "\(created.text)")
        return try #require(created.json?["token"] as? String)
    }

    /// Calls, expects a 403 four-eyes problem whose detail contains each of `mentions`, and that nothing changed.
    static func refused(
        _ server: TestServer,
        status: Int = 403,
        slug: String = "four-eyes",
        mentions: [String],
        sourceLocation: SourceLocation = #_sourceLocation,
        _ call: () async throws -> TestResponse
    ) async throws {
        let before = try await storedState(server)
        let problem = expectProblem(try await call(), status: status, sourceLocation: sourceLocation)
        #expect(problem["type"] as? String == "https://warden.dev/problems/\(slug)", sourceLocation: sourceLocation)
        let detail = problem["detail"] as? String ?? ""
        for text in mentions { #expect(detail.contains(text), "\(detail)", sourceLocation: sourceLocation) }
        #expect(try await storedState(server) == before, sourceLocation: sourceLocation)
    }

    static func patch(_ client: any TestClientProtocol, _ id: Int, token: String, _ json: String) async throws -> TestResponse {
        try await client.call(
            .patch,
            "/v1/agents/\(id)",
            token: token,
            json: json,
            contentType: "application/merge-patch+json",
            headers: ["If-Match": "*"]
        )
    }

    @Test func tokenNamesBelongToOnePerson() async throws {
        try await withLiveServer { server, client in
            // rita's name, however it is written, is rita's.
            for name in ["Rita", "ＲＩＴＡ", "ri\\u200bta", "RiTa"] {
                try await Self.refused(server, status: 409, slug: "name-taken", mentions: ["rita", "token 2"]) {
                    try await client.call(.post, "/v1/tokens", token: server.tokens.admin, json: #"{"name":"\#(name)","role":"reviewer"}"#)
                }
            }
            // A token in one's own name is allowed; it counts as its maker anyway.
            let own = try await client.call(.post, "/v1/tokens", token: server.tokens.admin, json: #"{"name":"ALICE","role":"auditor"}"#)
            #expect(own.status == .created, "\(own.text)")
            #expect((own.json?["tokenInfo"] as? [String: Any])?["createdBy"] as? String == "alice")
            // A job's token is rotated by whoever made it, and by no one else (not even a token that maker made).
            _ = try await Self.token(client, by: server.tokens.admin, name: "ci-job", role: "auditor")
            _ = try await Self.token(client, by: server.tokens.admin, name: "CI-job", role: "auditor")
            let deputy = try await Self.token(client, by: server.tokens.admin, name: "deputy", role: "admin")
            for other in [server.tokens.secondAdmin, deputy] {
                try await Self.refused(server, status: 409, slug: "name-taken", mentions: ["is called 'ci-job'", "or whoever made that token"]) {
                    try await client.call(.post, "/v1/tokens", token: other, json: #"{"name":"ci-job","role":"auditor"}"#)
                }
            }
            // Once rita's token is revoked, the name is free again.
            #expect(try await client.call(.delete, "/v1/tokens/2", token: server.tokens.admin).status == .ok)
            let freed = try await client.call(.post, "/v1/tokens", token: server.tokens.admin, json: #"{"name":"Rita","role":"reviewer"}"#)
            #expect(freed.status == .created, "\(freed.text)")
        }
    }

    @Test func theProposerMayNotApproveUnderAnotherNameOrToken() async throws {
        try await withLiveServer { server, client in
            let id = try await BaselineAPITests.makeAgent(client, server)
            func propose(_ token: String) async throws -> Int {
                let proposed = try await client.call(.post, "/v1/agents/\(id)/baselines", token: token, json: baselineJSON(namespace: "ai-agents"))
                #expect(proposed.status == .created, "\(proposed.text)")
                return try #require(proposed.json?["version"] as? Int)
            }
            func approve(_ version: Int, _ token: String) async throws -> TestResponse {
                try await client.call(.post, "/v1/agents/\(id)/baselines/\(version)/approve", token: token, json: "{}")
            }
            let version = try await propose(server.tokens.admin)

            // The issue's attack: alice proposes, makes a reviewer token called "Admin"... or "ALICE", and approves with it.
            let capitals = try await Self.token(client, by: server.tokens.admin, name: "ALICE")
            try await Self.refused(server, mentions: ["alice proposed this version", "same name once Unicode-normalised"]) {
                try await approve(version, capitals)
            }
            let puppet = try await Self.token(client, by: server.tokens.admin, name: "mallory")
            try await Self.refused(server, mentions: ["alice proposed", "the token of 'mallory' was created by 'alice'"]) {
                try await approve(version, puppet)
            }
            // Through a chain: alice makes an admin, which makes a reviewer.
            let deputy = try await Self.token(client, by: server.tokens.admin, name: "deputy", role: "admin")
            let grandchild = try await Self.token(client, by: deputy, name: "grandchild")
            try await Self.refused(server, mentions: ["the token of 'grandchild' was created by 'alice' through the token of 'deputy'"]) {
                try await approve(version, grandchild)
            }
            // Rejecting is deciding too.
            try await Self.refused(server, mentions: ["alice proposed"]) {
                try await client.call(.post, "/v1/agents/\(id)/baselines/\(version)/reject", token: puppet, json: #"{"reason":"mine"}"#)
            }
            // The other way round: the puppet proposes, its maker approves.
            let second = try await propose(deputy)
            try await Self.refused(server, mentions: ["deputy proposed", "the token of 'deputy' was created by 'alice'"]) {
                try await approve(second, server.tokens.admin)
            }
            // And two puppets of one maker.
            try await Self.refused(server, mentions: ["both tokens were created by 'alice', or by tokens 'alice' created"]) {
                try await approve(second, puppet)
            }

            // Someone else entirely may.
            let approved = try await approve(version, server.tokens.reviewer)
            #expect(approved.status == .ok, "\(approved.text)")
            #expect(approved.json?["decidedBy"] as? String == "rita")
        }
    }

    @Test func theProposersOwnExceptionsDoNotClearCriticalFindings() async throws {
        try await withLiveServer { server, client in
            let id = try await BaselineAPITests.makeAgent(client, server)
            let risky = baselineJSON(
                namespace: "ai-agents",
                rules: #"[{"apiGroups":["rbac.authorization.k8s.io"],"resources":["roles"],"verbs":["escalate"]}]"#
            )
            let proposed = try await client.call(.post, "/v1/agents/\(id)/baselines", token: server.tokens.admin, json: risky)
            #expect(proposed.status == .created, "\(proposed.text)")
            let critical = ((proposed.json?["findings"] as? [[String: Any]]) ?? []).filter { $0["severity"] as? String == "critical" }
            #expect(critical.compactMap { $0["ruleId"] as? String } == ["WDN-RBAC-014"])
            let expires = ISO8601DateFormatter().string(from: server.clock.now().addingTimeInterval(30 * 86_400))
            let exception = #"{"ruleId":"WDN-RBAC-014","justification":"break glass","expiresAt":"\#(expires)"}"#
            // alice excepts her own critical finding, directly and through a token she made.
            let own = try await client.call(.post, "/v1/agents/\(id)/exceptions", token: server.tokens.admin, json: exception)
            #expect(own.status == .created, "\(own.text)")
            let ownID = try #require(own.json?["id"] as? Int)
            let helper = try await Self.token(client, by: server.tokens.admin, name: "helper")
            let viaHelper = try await client.call(.post, "/v1/agents/\(id)/exceptions", token: helper, json: exception)
            let helperID = try #require(viaHelper.json?["id"] as? Int)
            // The version's findings show them as excepted, but approval does not count them.
            let seen = try await client.call(.get, "/v1/agents/\(id)/baselines/1", token: server.tokens.auditor)
            #expect((seen.json?["findings"] as? [[String: Any]])?.first { $0["ruleId"] as? String == "WDN-RBAC-014" }?["excepted"] as? Bool == true)
            try await Self.refused(
                server,
                status: 409,
                slug: "critical-findings",
                mentions: ["WDN-RBAC-014", "made by the proposer", "\(ownID) (WDN-RBAC-014)", "\(helperID) (WDN-RBAC-014)"]
            ) {
                try await client.call(.post, "/v1/agents/\(id)/baselines/1/approve", token: server.tokens.reviewer, json: "{}")
            }
            // Someone else's exception clears it.
            let bobs = try await client.call(.post, "/v1/agents/\(id)/exceptions", token: server.tokens.secondAdmin, json: exception)
            #expect(bobs.status == .created, "\(bobs.text)")
            let approved = try await client.call(.post, "/v1/agents/\(id)/baselines/1/approve", token: server.tokens.reviewer, json: "{}")
            #expect(approved.status == .ok, "\(approved.text)")
            #expect(approved.json?["acceptedRisk"] as? Bool == false)
        }
    }

    @Test func theOwnerMayNotReviewUnderAnotherNameOrToken() async throws {
        try await withLiveServer { server, client in
            // Owned by "Rita ": rita may not review it.
            let ritas = try await ReviewAPITests.approvedAgent(client, server, name: "ritas", tier: "high", owner: "Rita ")
            let opened = try await client.call(.post, "/v1/agents/\(ritas)/reviews", token: server.tokens.admin)
            let ritasReview = try #require(opened.json?["id"] as? Int)
            try await Self.refused(server, mentions: ["Rita  owns this agent", "same name once Unicode-normalised"]) {
                try await client.call(.post, "/v1/reviews/\(ritasReview)/decision", token: server.tokens.reviewer, json: #"{"decision":"certify"}"#)
            }
            // Owned by bob: a reviewer token bob made may not review it.
            let bobs = try await ReviewAPITests.approvedAgent(client, server, name: "bobs", tier: "high", owner: "BOB")
            let bobsReview = try #require(try await client.call(.post, "/v1/agents/\(bobs)/reviews", token: server.tokens.admin).json?["id"] as? Int)
            let helper = try await Self.token(client, by: server.tokens.secondAdmin, name: "bobs-helper")
            try await Self.refused(server, mentions: ["BOB owns this agent", "was created by 'BOB'"]) {
                try await client.call(.post, "/v1/reviews/\(bobsReview)/decision", token: helper, json: #"{"decision":"certify"}"#)
            }
            let certified = try await client.call(
                .post,
                "/v1/reviews/\(bobsReview)/decision",
                token: server.tokens.reviewer,
                json: #"{"decision":"certify"}"#
            )
            #expect(certified.status == .ok, "\(certified.text)")
        }
    }

    @Test func movingTheAgentTakesItsBaselineBackToNeedingApproval() async throws {
        try await withLiveServer { server, client in
            let id = try await ReviewAPITests.approvedAgent(client, server, name: "mover", tier: "high")
            // Changes that keep the ServiceAccount keep the approval.
            #expect(try await Self.patch(client, id, token: server.tokens.admin, #"{"owner":"team-b","purpose":"reads code"}"#).status == .ok)
            #expect(try await client.call(.get, "/v1/agents/\(id)/baseline", token: server.tokens.auditor).status == .ok)

            for (n, change) in [#"{"namespace":"elsewhere"}"#, #"{"serviceAccount":"other"}"#, #"{"cluster":"staging"}"#].enumerated() {
                let moved = try await Self.patch(client, id, token: server.tokens.admin, change)
                #expect(moved.status == .ok, "\(moved.text)")
                let version = n + 1
                expectProblem(try await client.call(.get, "/v1/agents/\(id)/baseline", token: server.tokens.auditor), status: 404)
                expectProblem(try await client.call(.get, "/v1/agents/\(id)/manifests", token: server.tokens.auditor), status: 404)
                let old = try await client.call(.get, "/v1/agents/\(id)/baselines/\(version)", token: server.tokens.auditor)
                #expect(old.json?["status"] as? String == "superseded")
                #expect(old.json?["supersededAt"] is String)
                // In the audit trail, in the same request as the change.
                let events = try await client.call(.get, "/v1/audit-events?target=baseline/\(id)/\(version)", token: server.tokens.auditor)
                let last = try #require((events.json?["items"] as? [[String: Any]])?.last)
                #expect(last["action"] as? String == "baseline.supersede.agent-moved")
                #expect(last["actor"] as? String == "alice")
                let agentEvents = try await client.call(.get, "/v1/audit-events?target=agent/\(id)", token: server.tokens.auditor)
                let update = try #require((agentEvents.json?["items"] as? [[String: Any]])?.last)
                #expect(update["action"] as? String == "agent.update")
                #expect(update["requestId"] as? String == last["requestId"] as? String)
                // It needs approving again, by two people.
                _ = try await client.call(.post, "/v1/agents/\(id)/baselines", token: server.tokens.admin, json: baselineJSON())
                let again = try await client.call(
                    .post,
                    "/v1/agents/\(id)/baselines/\(version + 1)/approve",
                    token: server.tokens.reviewer,
                    json: "{}"
                )
                #expect(again.status == .ok, "\(again.text)")
            }
        }
    }

    @Test func reactivatingAfterARevokeNeedsSomeoneButTheOwnerAndTheReviewer() async throws {
        try await withLiveServer { server, client in
            let id = try await ReviewAPITests.approvedAgent(client, server, name: "revoked", tier: "high", owner: "alice")
            let review = try #require(try await client.call(.post, "/v1/agents/\(id)/reviews", token: server.tokens.admin).json?["id"] as? Int)
            let revoked = try await client.call(
                .post,
                "/v1/reviews/\(review)/decision",
                token: server.tokens.secondAdmin,
                json: #"{"decision":"revoke","notes":"unused"}"#
            )
            #expect(revoked.status == .ok, "\(revoked.text)")
            #expect(try await ReviewAPITests.agent(client, server, id)["status"] as? String == "suspended")

            try await Self.refused(server, mentions: ["review \(review) suspended this agent when bob revoked it", "its owner, alice"]) {
                try await Self.patch(client, id, token: server.tokens.admin, #"{"status":"active"}"#)
            }
            try await Self.refused(server, mentions: ["the reviewer who revoked it, bob"]) {
                try await Self.patch(client, id, token: server.tokens.secondAdmin, #"{"status":"active"}"#)
            }
            // Handing the agent to someone else in the same change does not help.
            try await Self.refused(server, mentions: ["its owner, alice"]) {
                try await Self.patch(client, id, token: server.tokens.admin, #"{"status":"active","owner":"team-z"}"#)
            }
            // Nor does a token either of them made.
            let deputy = try await Self.token(client, by: server.tokens.secondAdmin, name: "deputy", role: "admin")
            try await Self.refused(server, mentions: ["the reviewer who revoked it, bob", "was created by 'bob'"]) {
                try await Self.patch(client, id, token: deputy, #"{"status":"active"}"#)
            }
            // Other changes while suspended are not reactivation.
            #expect(try await Self.patch(client, id, token: server.tokens.admin, #"{"purpose":"waits"}"#).status == .ok)

            let carol = try await Self.independentToken(server, "carol", .admin)
            let reactivated = try await Self.patch(client, id, token: carol, #"{"status":"active"}"#)
            #expect(reactivated.status == .ok, "\(reactivated.text)")
            #expect(reactivated.json?["status"] as? String == "active")
            // A suspension by hand is undone by any admin, the owner too.
            #expect(try await Self.patch(client, id, token: server.tokens.admin, #"{"status":"suspended"}"#).status == .ok)
            #expect(try await Self.patch(client, id, token: server.tokens.admin, #"{"status":"active"}"#).status == .ok)
        }
    }

    @Test func reactivatingAfterNoResponseNeedsSomeoneButTheOwner() async throws {
        try await withLiveServer { server, client in
            let policy =
                #"{"intervalDays":{"critical":10,"high":20,"medium":30,"low":40},"reminderOffsetsDays":[2,0],"overdueRepeatDays":2,"escalateAfterDays":3,"noResponse":"suspend"}"#
            #expect(try await client.call(.put, "/v1/review-policy", token: server.tokens.admin, json: policy).status == .ok)
            let id = try await ReviewAPITests.approvedAgent(client, server, name: "quiet", tier: "critical", owner: "Bob")
            #expect(try await client.call(.post, "/v1/agents/\(id)/reviews", token: server.tokens.admin).status == .created)
            server.clock.advance(by: 14 * 86_400)
            _ = try await server.scheduler.runPass()
            #expect(try await ReviewAPITests.agent(client, server, id)["status"] as? String == "suspended")

            try await Self.refused(server, mentions: ["when nobody decided it in time", "its owner, Bob"]) {
                try await Self.patch(client, id, token: server.tokens.secondAdmin, #"{"status":"active"}"#)
            }
            let reactivated = try await Self.patch(client, id, token: server.tokens.admin, #"{"status":"active"}"#)
            #expect(reactivated.status == .ok, "\(reactivated.text)")
            let audit = try await client.call(.get, "/v1/audit-events?target=agent/\(id)", token: server.tokens.auditor)
            let actions = ((audit.json?["items"] as? [[String: Any]]) ?? []).compactMap { $0["action"] as? String }
            #expect(actions.suffix(2) == ["agent.suspend.no-response", "agent.update"])
        }
    }
}
