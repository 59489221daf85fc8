import Crypto
import Foundation
import HummingbirdTesting
import Testing
import WardenApp
import WardenCore
import WardenHTTP
import WardenTestSupport

@Suite("Periodic reviews, reminders and webhooks")
struct ReviewAPITests {
    static let day: TimeInterval = 86_400

    /// Registers an agent and gets its first baseline approved (alice proposes, bob approves).
    static func approvedAgent(
        _ client: any TestClientProtocol,
        _ server: TestServer,
        name: String,
        tier: String,
        owner: String = "team-a",
        extra: String = ""
    ) async throws -> Int {
        var body = agentJSON(name: name, namespace: "agents", serviceAccount: name, owner: owner, riskTier: tier)
        if !extra.isEmpty { body = String(body.dropLast()) + "," + extra + "}" }
        let created = try await client.call(.post, "/v1/agents", token: server.tokens.admin, json: body)
        let id = try #require(created.json?["id"] as? Int, "\(created.text)")
        let proposed = try await client.call(.post, "/v1/agents/\(id)/baselines", token: server.tokens.admin, json: baselineJSON())
        #expect(proposed.status == .created, "\(proposed.text)")
        let approved = try await client.call(.post, "/v1/agents/\(id)/baselines/1/approve", token: server.tokens.secondAdmin, json: "{}")
        #expect(approved.status == .ok, "\(approved.text)")
        return id
    }

    static func agent(_ client: any TestClientProtocol, _ server: TestServer, _ id: Int) async throws -> [String: Any] {
        try #require(try await client.call(.get, "/v1/agents/\(id)", token: server.tokens.auditor).json)
    }

    static func date(_ value: Any?) -> Date? { (value as? String).flatMap { ISO8601DateFormatter.withFraction.date(from: $0) } }

    static func addChannel(
        _ client: any TestClientProtocol,
        _ server: TestServer,
        url: String,
        secret: String = "0123456789abcdef-secret",
        events: String = #"["review.opened","review.reminder","review.overdue","review.escalated","review.completed"]"#
    ) async throws -> Int {
        let response = try await client.call(
            .post,
            "/v1/notification-channels",
            token: server.tokens.admin,
            json: #"{"name":"security-team","url":"\#(url)","secret":"\#(secret)","events":\#(events)}"#
        )
        #expect(response.status == .created, "\(response.text)")
        #expect(response.text.contains("secret") == false)
        return try #require(response.json?["id"] as? Int)
    }

    /// Checks a delivery the way a receiver written from the issue's description would:
    /// `Warden-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">`.
    static func signatureHolds(_ received: WebhookReceiver.Received, secret: String) -> Bool {
        guard let header = received.headers["warden-signature"] else { return false }
        var fields: [String: String] = [:]
        for part in header.split(separator: ",") {
            let kv = part.split(separator: "=", maxSplits: 1)
            if kv.count == 2 { fields[String(kv[0])] = String(kv[1]) }
        }
        guard let t = fields["t"], let v1 = fields["v1"] else { return false }
        let mac = HMAC<SHA256>.authenticationCode(
            for: Data(t.utf8) + Data(".".utf8) + Data(received.body),
            using: SymmetricKey(data: Data(secret.utf8))
        )
        return mac.map { String(format: "%02x", $0) }.joined() == v1
    }

    static func notices(_ received: [WebhookReceiver.Received], review: Int? = nil) -> [String] {
        received.compactMap { r in
            guard let json = r.json, review == nil || (json["review"] as? [String: Any])?["id"] as? Int == review else { return nil }
            return json["notice"] as? String
        }
    }

    @Test func lifecycleOverSimulatedMonthsForEveryTier() async throws {
        let receiver = try await WebhookReceiver.start()
        defer { receiver.stop() }
        try await withLiveServer { server, client in
            let secret = "0123456789abcdef-secret"
            _ = try await Self.addChannel(client, server, url: receiver.url, secret: secret)
            let start = server.clock.now()
            var ids: [String: Int] = [:]
            for (tier, days) in [("critical", 30.0), ("high", 90.0), ("medium", 180.0), ("low", 365.0)] {
                let id = try await Self.approvedAgent(client, server, name: "\(tier)-agent", tier: tier)
                ids[tier] = id
                // The first review is scheduled when the first baseline is approved.
                let due = try #require(Self.date(try await Self.agent(client, server, id)["nextReviewDue"]))
                #expect(abs(due.timeIntervalSince(start) - days * Self.day) < 60, "\(tier)")
            }
            // Nothing is due yet.
            var report = try await server.scheduler.runPass()
            #expect(report.opened == 0)

            // 16 days before the critical agent's due date: still nothing; 14 days before: it opens.
            server.clock.advance(by: 14 * Self.day)
            report = try await server.scheduler.runPass()
            #expect(report.opened == 0)
            server.clock.advance(by: 2 * Self.day + 60)
            report = try await server.scheduler.runPass()
            #expect(report.opened == 1, "\(report)")
            let open = try await client.call(.get, "/v1/reviews?status=open", token: server.tokens.auditor)
            #expect(open.status == .ok, "\(open.text)")
            let reviews = try #require(open.json?["items"] as? [[String: Any]])
            #expect(reviews.count == 1)
            let review = try #require(reviews.first)
            let reviewID = try #require(review["id"] as? Int)
            #expect(review["agentId"] as? Int == ids["critical"])
            #expect(review["trigger"] as? String == "schedule")
            #expect(review["overdue"] as? Bool == false)
            // The evidence is the approved baseline (no snapshot of the cluster yet).
            let evidence = try #require(review["evidence"] as? [String: Any])
            #expect((evidence["baseline"] as? [String: Any])?["version"] as? Int == 1)
            #expect(evidence["snapshot"] == nil)

            // A second pass at the same moment queues nothing new.
            _ = try await server.scheduler.runPass()
            #expect(Self.notices(await receiver.received(), review: reviewID).sorted() == ["opened", "reminder:14"])

            // Reminders at 7, 3, 1 and 0 days before; each once.
            for (advance, expected) in [(7.0, "reminder:7"), (4.0, "reminder:3"), (2.0, "reminder:1"), (1.0, "reminder:0")] {
                server.clock.advance(by: advance * Self.day)
                _ = try await server.scheduler.runPass()
                _ = try await server.scheduler.runPass()
                let got = Self.notices(await receiver.received(), review: reviewID)
                #expect(got.filter { $0 == expected }.count == 1, "\(expected): \(got)")
            }
            // Overdue, repeated daily; escalated after 7 days, naming the owner (no escalation contact).
            for _ in 1...8 {
                server.clock.advance(by: Self.day)
                _ = try await server.scheduler.runPass()
            }
            let all = await receiver.received()
            let got = Self.notices(all, review: reviewID)
            #expect(got.filter { $0.hasPrefix("overdue:") }.count == 8, "\(got)")
            #expect(got.filter { $0 == "escalated" }.count == 1, "\(got)")
            let escalation = try #require(all.first { $0.json?["notice"] as? String == "escalated" })
            #expect(escalation.json?["recipient"] as? String == "team-a")
            #expect(escalation.json?["event"] as? String == "review.escalated")
            #expect(all.allSatisfy { Self.signatureHolds($0, secret: secret) })
            #expect(all.allSatisfy { UUID(uuidString: $0.deliveryID) != nil })
            #expect(Set(all.map(\.deliveryID)).count == all.count)
            // no_change (the default): the agent stays active.
            #expect(try await Self.agent(client, server, ids["critical"]!)["status"] as? String == "active")
            let overdue = try await client.call(.get, "/v1/reviews?status=overdue", token: server.tokens.auditor)
            #expect((overdue.json?["items"] as? [[String: Any]])?.count == 1)

            // Certified by a reviewer: completed, and the next review is 30 days from the decision.
            let decided = try await client.call(
                .post,
                "/v1/reviews/\(reviewID)/decision",
                token: server.tokens.reviewer,
                json: #"{"decision":"certify"}"#
            )
            #expect(decided.status == .ok, "\(decided.text)")
            #expect(decided.json?["status"] as? String == "completed")
            #expect((decided.json?["decision"] as? [String: Any])?["reviewer"] as? String == "rita")
            let next = try #require(Self.date(try await Self.agent(client, server, ids["critical"]!)["nextReviewDue"]))
            #expect(abs(next.timeIntervalSince(server.clock.now()) - 30 * Self.day) < 60)
            _ = try await server.scheduler.runPass()
            #expect(Self.notices(await receiver.received(), review: reviewID).contains("completed"))
            // A decision never changes.
            expectProblem(
                try await client.call(.post, "/v1/reviews/\(reviewID)/decision", token: server.tokens.admin, json: #"{"decision":"certify"}"#),
                status: 409
            )

            // Months later every tier has had its review opened; low opens last.
            server.clock.advance(by: 340 * Self.day)
            _ = try await server.scheduler.runPass()
            let everyone = try await client.call(.get, "/v1/reviews?status=open", token: server.tokens.auditor)
            let agentsUnderReview = Set(((everyone.json?["items"] as? [[String: Any]]) ?? []).compactMap { $0["agentId"] as? Int })
            #expect(agentsUnderReview == Set(ids.values))
        }
    }

    @Test func suspendPolicyAndEscalationContactAndOnDemandReviews() async throws {
        let receiver = try await WebhookReceiver.start()
        defer { receiver.stop() }
        try await withLiveServer { server, client in
            _ = try await Self.addChannel(client, server, url: receiver.url, events: #"["review.escalated"]"#)
            let policy =
                #"{"intervalDays":{"critical":10,"high":20,"medium":30,"low":40},"reminderOffsetsDays":[2,0],"overdueRepeatDays":2,"escalateAfterDays":3,"noResponse":"suspend"}"#
            let put = try await client.call(.put, "/v1/review-policy", token: server.tokens.admin, json: policy)
            #expect(put.status == .ok, "\(put.text)")
            #expect(try await client.call(.get, "/v1/review-policy", token: server.tokens.admin).json?["noResponse"] as? String == "suspend")
            let id = try await Self.approvedAgent(client, server, name: "ops", tier: "critical", extra: #""escalationContact":"ciso@example.com""#)
            // On demand, before it is due: 201 with Location; a second open is a conflict.
            let opened = try await client.call(.post, "/v1/agents/\(id)/reviews", token: server.tokens.reviewer)
            #expect(opened.status == .created, "\(opened.text)")
            let reviewID = try #require(opened.json?["id"] as? Int)
            #expect(opened.headers[.location] == "/v1/reviews/\(reviewID)")
            #expect(opened.json?["trigger"] as? String == "on_demand")
            expectProblem(try await client.call(.post, "/v1/agents/\(id)/reviews", token: server.tokens.reviewer), status: 409)
            // Due in 10 days; escalation 3 days after: the agent is suspended and the contact named.
            server.clock.advance(by: 12 * Self.day)
            _ = try await server.scheduler.runPass()
            #expect(try await Self.agent(client, server, id)["status"] as? String == "active")
            server.clock.advance(by: 1.5 * Self.day)
            _ = try await server.scheduler.runPass()
            #expect(try await Self.agent(client, server, id)["status"] as? String == "suspended")
            let review = try await client.call(.get, "/v1/reviews/\(reviewID)", token: server.tokens.auditor)
            #expect(review.json?["suspendedAt"] is String)
            let escalations = await receiver.received()
            #expect(escalations.count == 1)
            #expect(escalations.first?.json?["recipient"] as? String == "ciso@example.com")
            let audit = try await client.call(.get, "/v1/audit-events?targetType=agent&targetId=\(id)", token: server.tokens.auditor)
            #expect(audit.text.contains("agent.suspend.no-response"))
        }
    }

    @Test func decisionsFollowFourEyesAndNeedNotes() async throws {
        try await withLiveServer { server, client in
            // rita owns this agent, so rita may not review it.
            let id = try await Self.approvedAgent(client, server, name: "ritas-agent", tier: "high", owner: "rita")
            // With a snapshot of the cluster, the evidence includes what the ServiceAccount holds there.
            let snapshot = try await client.call(
                .post,
                "/v1/clusters/prod/snapshots",
                token: server.tokens.collector,
                json: SnapshotFixtures.cluster
            )
            #expect(snapshot.status == .created, "\(snapshot.text)")
            let opened = try await client.call(.post, "/v1/agents/\(id)/reviews", token: server.tokens.admin)
            let reviewID = try #require(opened.json?["id"] as? Int)
            let evidence = try #require(opened.json?["evidence"] as? [String: Any])
            #expect((evidence["snapshot"] as? [String: Any])?["id"] as? Int == snapshot.json?["id"] as? Int)
            #expect((evidence["permissions"] as? [String: Any])?["user"] as? String == "system:serviceaccount:agents:ritas-agent")
            #expect(((evidence["permissions"] as? [String: Any])?["groups"] as? [String])?.contains("system:serviceaccounts:agents") == true)
            let before = try await rowCounts(server)
            let own = try await client.call(
                .post,
                "/v1/reviews/\(reviewID)/decision",
                token: server.tokens.reviewer,
                json: #"{"decision":"certify"}"#
            )
            #expect((expectProblem(own, status: 403)["type"] as? String)?.hasSuffix("four-eyes") == true)
            // Notes are required for revoke and modify; modify needs a baseline; certify takes none.
            #expect(
                pointers(
                    expectProblem(
                        try await client.call(.post, "/v1/reviews/\(reviewID)/decision", token: server.tokens.admin, json: #"{"decision":"revoke"}"#),
                        status: 400
                    )
                ) == ["/notes"]
            )
            #expect(
                Set(
                    pointers(
                        expectProblem(
                            try await client.call(
                                .post,
                                "/v1/reviews/\(reviewID)/decision",
                                token: server.tokens.admin,
                                json: #"{"decision":"modify"}"#
                            ),
                            status: 400
                        )
                    )
                ) == ["/notes", "/baseline"]
            )
            expectProblem(
                try await client.call(
                    .post,
                    "/v1/reviews/\(reviewID)/decision",
                    token: server.tokens.admin,
                    json: #"{"decision":"certify","baseline":\#(baselineJSON())}"#
                ),
                status: 400
            )
            expectProblem(
                try await client.call(.post, "/v1/reviews/\(reviewID)/decision", token: server.tokens.admin, json: #"{"decision":"approve"}"#),
                status: 400
            )
            expectProblem(
                try await client.call(.post, "/v1/reviews/999/decision", token: server.tokens.admin, json: #"{"decision":"certify"}"#),
                status: 404
            )
            expectProblem(
                try await client.call(.post, "/v1/reviews/\(reviewID)/decision", token: server.tokens.auditor, json: #"{"decision":"certify"}"#),
                status: 403
            )
            #expect(try await rowCounts(server) == before)
            let still = try await client.call(.get, "/v1/reviews/\(reviewID)", token: server.tokens.auditor)
            #expect(still.json?["status"] as? String == "open")

            // modify: a new proposal, which then needs someone else's approval.
            let modified = try await client.call(
                .post,
                "/v1/reviews/\(reviewID)/decision",
                token: server.tokens.admin,
                json:
                    #"{"decision":"modify","notes":"drop watch","baseline":\#(baselineJSON(rules: #"[{"apiGroups":[""],"resources":["pods"],"verbs":["get","list"]}]"#))}"#
            )
            #expect(modified.status == .ok, "\(modified.text)")
            #expect((modified.json?["decision"] as? [String: Any])?["proposedBaselineVersion"] as? Int == 2)
            let v2 = try await client.call(.get, "/v1/agents/\(id)/baselines/2", token: server.tokens.auditor)
            #expect(v2.json?["status"] as? String == "proposed")
            #expect(v2.json?["proposedBy"] as? String == "alice")
            expectProblem(try await client.call(.post, "/v1/agents/\(id)/baselines/2/approve", token: server.tokens.admin, json: "{}"), status: 403)

            // revoke suspends the agent.
            let second = try await client.call(.post, "/v1/agents/\(id)/reviews", token: server.tokens.admin)
            let secondID = try #require(second.json?["id"] as? Int)
            let revoked = try await client.call(
                .post,
                "/v1/reviews/\(secondID)/decision",
                token: server.tokens.admin,
                json: #"{"decision":"revoke","notes":"no longer needed"}"#
            )
            #expect(revoked.status == .ok, "\(revoked.text)")
            #expect(try await Self.agent(client, server, id)["status"] as? String == "suspended")
            // Completed reviews cannot be rewritten, even from SQL.
            await #expect(throws: (any Error).self) {
                try await server.db.execute("UPDATE reviews SET decision = 'certify' WHERE id = \(secondID)")
            }
            await #expect(throws: (any Error).self) {
                try await server.db.execute("DELETE FROM reviews WHERE id = \(secondID)")
            }
            let byReviewer = try await client.call(.get, "/v1/reviews?reviewer=alice&status=completed", token: server.tokens.auditor)
            #expect((byReviewer.json?["items"] as? [[String: Any]])?.count == 2)
        }
    }

    @Test func csvHistoryForAuditors() async throws {
        try await withLiveServer { server, client in
            let id = try await Self.approvedAgent(client, server, name: "csv-agent", tier: "low")
            let opened = try await client.call(.post, "/v1/agents/\(id)/reviews", token: server.tokens.admin)
            let reviewID = try #require(opened.json?["id"] as? Int)
            _ = try await client.call(
                .post,
                "/v1/reviews/\(reviewID)/decision",
                token: server.tokens.reviewer,
                json: #"{"decision":"certify","notes":"ok, \"checked\"\n=HYPERLINK(1)"}"#
            )
            let csv = try await client.call(.get, "/v1/reviews", token: server.tokens.auditor, headers: ["Accept": "text/csv"])
            #expect(csv.status == .ok)
            #expect(csv.headers[.contentType]?.hasPrefix("text/csv") == true)
            let lines = csv.text.components(separatedBy: "\r\n")
            #expect(lines.first?.hasPrefix("review_id,agent_id,agent_name") == true)
            #expect(csv.text.contains("\"ok, \"\"checked\"\"\n=HYPERLINK(1)\""))
            #expect(csv.text.contains(",csv-agent,prod,agents,csv-agent,team-a,low,completed,false,on_demand,alice,"))
            #expect(csv.text.hasSuffix("\r\n"))
            // JSON stays the default.
            let json = try await client.call(
                .get,
                "/v1/reviews",
                token: server.tokens.auditor,
                headers: ["Accept": "application/json, text/csv;q=0.5"]
            )
            #expect(json.json?["items"] != nil)
        }
    }

    @Test func failedDeliveriesRetryWithTheSameIDThenFailAndCanBeRetriedByHand() async throws {
        let receiver = try await WebhookReceiver.start(failFirst: 100)
        defer { receiver.stop() }
        var settings = SchedulerSettings()
        settings.backoff = .init(base: 10, cap: 60, maxAttempts: 3)
        try await withLiveServer(scheduler: settings) { server, client in
            _ = try await Self.addChannel(client, server, url: receiver.url, events: #"["review.opened"]"#)
            let id = try await Self.approvedAgent(client, server, name: "flaky", tier: "high")
            _ = try await client.call(.post, "/v1/agents/\(id)/reviews", token: server.tokens.admin)
            for _ in 0..<3 {
                _ = try await server.scheduler.runPass()
                server.clock.advance(by: 61)
            }
            let attempts = await receiver.received()
            #expect(attempts.count == 3)
            #expect(Set(attempts.map(\.deliveryID)).count == 1)
            #expect(Set(attempts.map(\.body)).count == 1)
            let failed = try await client.call(.get, "/v1/deliveries?status=failed", token: server.tokens.admin)
            let delivery = try #require((failed.json?["items"] as? [[String: Any]])?.first)
            #expect(delivery["attempts"] as? Int == 3)
            #expect(delivery["lastStatus"] as? Int == 500)
            let deliveryID = try #require(delivery["id"] as? String)
            #expect(deliveryID == attempts.first?.deliveryID)
            // By hand, after the receiver is fixed.
            await receiver.failNext(0)
            expectProblem(try await client.call(.post, "/v1/deliveries/not-a-uuid/retry", token: server.tokens.admin), status: 400)
            expectProblem(try await client.call(.post, "/v1/deliveries/\(UUID().uuidString)/retry", token: server.tokens.admin), status: 404)
            let retried = try await client.call(.post, "/v1/deliveries/\(deliveryID)/retry", token: server.tokens.admin)
            #expect(retried.status == .ok, "\(retried.text)")
            #expect(retried.json?["status"] as? String == "pending")
            _ = try await server.scheduler.runPass()
            let delivered = try await client.call(.get, "/v1/deliveries?status=delivered", token: server.tokens.admin)
            #expect((delivered.json?["items"] as? [[String: Any]])?.first?["id"] as? String == deliveryID)
            #expect(await receiver.received().last?.deliveryID == deliveryID)
            expectProblem(try await client.call(.post, "/v1/deliveries/\(deliveryID)/retry", token: server.tokens.admin), status: 409)
        }
    }

    @Test func badInputChangesNothing() async throws {
        try await withLiveServer { server, client in
            let before = try await rowCounts(server)
            let bad =
                #"{"intervalDays":{"critical":0,"high":20,"medium":30,"low":40},"reminderOffsetsDays":[3,3],"overdueRepeatDays":0,"escalateAfterDays":-1,"noResponse":"no_change"}"#
            let problem = expectProblem(try await client.call(.put, "/v1/review-policy", token: server.tokens.admin, json: bad), status: 400)
            #expect(!pointers(problem).isEmpty)
            expectProblem(try await client.call(.put, "/v1/review-policy", token: server.tokens.admin, json: #"{"intervalDays":{}}"#), status: 400)
            expectProblem(try await client.call(.put, "/v1/review-policy", token: server.tokens.admin, json: "{"), status: 400)
            expectProblem(try await client.call(.put, "/v1/review-policy", token: server.tokens.reviewer, json: "{}"), status: 403)
            expectProblem(try await client.call(.get, "/v1/reviews?status=late", token: server.tokens.auditor), status: 400)
            expectProblem(try await client.call(.get, "/v1/reviews/abc", token: server.tokens.auditor), status: 400)
            expectProblem(try await client.call(.get, "/v1/reviews/12345", token: server.tokens.auditor), status: 404)
            expectProblem(try await client.call(.post, "/v1/agents/999/reviews", token: server.tokens.admin), status: 404)
            for body in [
                #"{"name":"x","url":"ftp://example.com/hook","secret":"0123456789abcdef","events":["review.opened"]}"#,
                #"{"name":"x","url":"https://user:pw@example.com/hook","secret":"0123456789abcdef","events":["review.opened"]}"#,
                #"{"name":"x","url":"https://example.com/hook","secret":"short","events":["review.opened"]}"#,
                #"{"name":"x","url":"https://example.com/hook","secret":"0123456789abcdef","events":[]}"#,
                #"{"name":"x","url":"https://example.com/hook","secret":"0123456789abcdef","events":["review.deleted"]}"#,
            ] {
                expectProblem(try await client.call(.post, "/v1/notification-channels", token: server.tokens.admin, json: body), status: 400)
            }
            expectProblem(try await client.call(.delete, "/v1/notification-channels/77", token: server.tokens.admin), status: 404)
            expectProblem(try await client.call(.get, "/v1/deliveries?status=lost", token: server.tokens.admin), status: 400)
            expectProblem(try await client.call(.get, "/v1/deliveries", token: server.tokens.reviewer), status: 403)
            // Agents refuse bad review fields.
            let id = try #require(try await client.call(.post, "/v1/agents", token: server.tokens.admin, json: agentJSON()).json?["id"] as? Int)
            let etag = try await client.call(.get, "/v1/agents/\(id)", token: server.tokens.admin).headers[.eTag] ?? ""
            let patch = try await client.call(
                .patch,
                "/v1/agents/\(id)",
                token: server.tokens.admin,
                json: #"{"reviewIntervalDays":0,"nextReviewDue":"soon","escalationContact":true}"#,
                contentType: "application/merge-patch+json",
                headers: ["If-Match": etag]
            )
            #expect(Set(pointers(expectProblem(patch, status: 400))) == ["/reviewIntervalDays", "/nextReviewDue", "/escalationContact"])
            // An admin may line the due date up with a quarter end, and clear it again.
            let set = try await client.call(
                .patch,
                "/v1/agents/\(id)",
                token: server.tokens.admin,
                json: #"{"nextReviewDue":"2027-03-31T00:00:00Z","reviewIntervalDays":91}"#,
                contentType: "application/merge-patch+json",
                headers: ["If-Match": etag]
            )
            #expect(set.status == .ok, "\(set.text)")
            #expect(set.json?["nextReviewDue"] as? String == "2027-03-31T00:00:00.000Z")
            #expect(set.json?["reviewIntervalDays"] as? Int == 91)
            let channels = try await client.call(.get, "/v1/notification-channels", token: server.tokens.admin)
            #expect((channels.json?["items"] as? [Any])?.isEmpty == true)
            _ = before
        }
    }
}

extension ISO8601DateFormatter {
    nonisolated(unsafe) static let withFraction: ISO8601DateFormatter = {
        let f = ISO8601DateFormatter()
        f.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return f
    }()
}
