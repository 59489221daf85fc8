import Foundation
import HummingbirdTesting
import Testing
import WardenTestSupport

@Suite("Baselines, guardrails and exceptions over HTTP")
struct BaselineAPITests {
    static func makeAgent(_ client: any TestClientProtocol, _ server: TestServer) async throws -> Int {
        let response = try await client.call(
            .post,
            "/v1/agents",
            token: server.tokens.admin,
            json: agentJSON(name: "coding-agent", namespace: "ai-agents", serviceAccount: "coding-agent")
        )
        return try #require(response.json?["id"] as? Int)
    }

    static func ruleIDs(_ body: [String: Any]?) -> [String] {
        ((body?["findings"] as? [[String: Any]]) ?? []).compactMap { $0["ruleId"] as? String }
    }

    static func playbookExamples() throws -> String {
        let dir = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../WardenCoreTests/Fixtures")
        return try (1...7).map { n in
            let name = try FileManager.default.contentsOfDirectory(atPath: dir.path).first { $0.hasPrefix(String(format: "%02d-", n)) }!
            return try String(contentsOf: dir.appendingPathComponent(name), encoding: .utf8)
        }.joined(separator: "\n---\n")
    }

    @Test func fourEyesApprovalAndHistory() async throws {
        try await withLiveServer { server, client in
            let id = try await Self.makeAgent(client, server)
            let proposed = try await client.call(
                .post,
                "/v1/agents/\(id)/baselines",
                token: server.tokens.admin,
                json: baselineJSON(namespace: "ai-agents")
            )
            #expect(proposed.status == .created, "\(proposed.text)")
            #expect(proposed.headers[.location] == "/v1/agents/\(id)/baselines/1")
            #expect(proposed.json?["status"] as? String == "proposed")
            #expect((proposed.json?["digest"] as? String)?.hasPrefix("sha256:") == true)
            #expect((proposed.json?["egress"] as? [[String: Any]])?.count == 2)
            expectProblem(try await client.call(.get, "/v1/agents/\(id)/baseline", token: server.tokens.auditor), status: 404)

            // The proposer may not approve their own proposal.
            let own = try await client.call(.post, "/v1/agents/\(id)/baselines/1/approve", token: server.tokens.admin, json: "{}")
            let problem = expectProblem(own, status: 403)
            #expect((problem["type"] as? String)?.hasSuffix("four-eyes") == true)
            #expect((problem["detail"] as? String)?.contains("alice") == true)

            let approved = try await client.call(
                .post,
                "/v1/agents/\(id)/baselines/1/approve",
                token: server.tokens.reviewer,
                json: #"{"reason":"fine"}"#
            )
            #expect(approved.status == .ok, "\(approved.text)")
            #expect(approved.json?["status"] as? String == "approved")
            #expect(approved.json?["decidedBy"] as? String == "rita")
            let current = try await client.call(.get, "/v1/agents/\(id)/baseline", token: server.tokens.auditor)
            #expect(current.json?["version"] as? Int == 1)
            // Deciding twice is a conflict.
            expectProblem(
                try await client.call(.post, "/v1/agents/\(id)/baselines/1/approve", token: server.tokens.secondAdmin, json: "{}"),
                status: 409
            )

            // A second version supersedes the first when approved.
            _ = try await client.call(
                .post,
                "/v1/agents/\(id)/baselines",
                token: server.tokens.reviewer,
                json: baselineJSON(namespace: "ai-agents", rules: #"[{"apiGroups":[""],"resources":["pods"],"verbs":["get"]}]"#)
            )
            let second = try await client.call(.post, "/v1/agents/\(id)/baselines/2/approve", token: server.tokens.admin)
            #expect(second.status == .ok, "\(second.text)")
            let history = try await client.call(.get, "/v1/agents/\(id)/baselines", token: server.tokens.auditor)
            let items = try #require(history.json?["items"] as? [[String: Any]])
            #expect(items.map { $0["status"] as? String } == ["approved", "superseded"])

            let events = try await client.call(.get, "/v1/audit-events?target=baseline", token: server.tokens.auditor)
            #expect(
                ((events.json?["items"] as? [[String: Any]]) ?? []).compactMap { $0["action"] as? String }
                    == ["baseline.propose", "baseline.approve", "baseline.propose", "baseline.approve"]
            )
        }
    }

    @Test func criticalFindingsNeedAcceptedRiskWithAReason() async throws {
        try await withLiveServer { server, client in
            let id = try await Self.makeAgent(client, server)
            let risky = baselineJSON(
                namespace: "ai-agents",
                rules: #"[{"apiGroups":["rbac.authorization.k8s.io"],"resources":["roles"],"verbs":["escalate","bind"]}]"#
            )
            let proposed = try await client.call(.post, "/v1/agents/\(id)/baselines", token: server.tokens.admin, json: risky)
            #expect(proposed.status == .created, "\(proposed.text)")
            let findings = try #require(proposed.json?["findings"] as? [[String: Any]])
            #expect(findings.contains { $0["severity"] as? String == "critical" })
            #expect(Self.ruleIDs(proposed.json).contains("WDN-RBAC-014"))

            let refused = try await client.call(.post, "/v1/agents/\(id)/baselines/1/approve", token: server.tokens.reviewer)
            let problem = expectProblem(refused, status: 409)
            #expect((problem["detail"] as? String)?.contains("WDN-RBAC-014") == true)
            let noReason = try await client.call(
                .post,
                "/v1/agents/\(id)/baselines/1/approve",
                token: server.tokens.reviewer,
                json: #"{"acceptRisk":true}"#
            )
            #expect(pointers(expectProblem(noReason, status: 400)) == ["/reason"])
            let accepted = try await client.call(
                .post,
                "/v1/agents/\(id)/baselines/1/approve",
                token: server.tokens.reviewer,
                json: #"{"acceptRisk":true,"reason":"break-glass agent, reviewed by security"}"#
            )
            #expect(accepted.status == .ok, "\(accepted.text)")
            #expect(accepted.json?["acceptedRisk"] as? Bool == true)
            let events = try await client.call(.get, "/v1/audit-events?target=baseline/\(id)/1", token: server.tokens.auditor)
            #expect(((events.json?["items"] as? [[String: Any]]) ?? []).compactMap { $0["action"] as? String }.last == "baseline.approve.accept-risk")
        }
    }

    @Test func rejectionNeedsAReasonAndFourEyes() async throws {
        try await withLiveServer { server, client in
            let id = try await Self.makeAgent(client, server)
            _ = try await client.call(.post, "/v1/agents/\(id)/baselines", token: server.tokens.admin, json: baselineJSON(namespace: "ai-agents"))
            expectProblem(
                try await client.call(.post, "/v1/agents/\(id)/baselines/1/reject", token: server.tokens.reviewer, json: #"{"reason":" "}"#),
                status: 400
            )
            expectProblem(try await client.call(.post, "/v1/agents/\(id)/baselines/1/reject", token: server.tokens.reviewer, json: "{}"), status: 400)
            expectProblem(
                try await client.call(.post, "/v1/agents/\(id)/baselines/1/reject", token: server.tokens.admin, json: #"{"reason":"mine"}"#),
                status: 403
            )
            let rejected = try await client.call(
                .post,
                "/v1/agents/\(id)/baselines/1/reject",
                token: server.tokens.reviewer,
                json: #"{"reason":"too broad"}"#
            )
            #expect(rejected.json?["status"] as? String == "rejected")
            #expect(rejected.json?["decisionReason"] as? String == "too broad")
            expectProblem(try await client.call(.post, "/v1/agents/\(id)/baselines/1/approve", token: server.tokens.secondAdmin), status: 409)
        }
    }

    @Test func badProposalsChangeNothing() async throws {
        try await withLiveServer { server, client in
            let id = try await Self.makeAgent(client, server)
            let before = try await rowCounts(server)
            let bad =
                #"{"grants":[{"namespace":"Bad_NS","rules":[{"verbs":[],"resources":["pods"]}]}],"justification":"","egress":[{"cidr":"10.0.0.0/33","ports":[{"protocol":"TCP","port":443}]}]}"#
            let problem = expectProblem(
                try await client.call(.post, "/v1/agents/\(id)/baselines", token: server.tokens.admin, json: bad),
                status: 400
            )
            let found = Set(pointers(problem))
            #expect(found.isSuperset(of: ["/grants/0/namespace", "/grants/0/rules/0/verbs", "/grants/0/rules/0/apiGroups", "/justification"]))
            #expect(found.contains { $0.hasPrefix("/egress/0") })
            let nonResource = baselineJSON(rules: #"[{"nonResourceURLs":["/metrics"],"verbs":["get"]}]"#)
            #expect(
                pointers(
                    expectProblem(
                        try await client.call(.post, "/v1/agents/\(id)/baselines", token: server.tokens.admin, json: nonResource),
                        status: 400
                    )
                )
                    == ["/grants/0/rules/0/nonResourceURLs"]
            )
            expectProblem(try await client.call(.post, "/v1/agents/999999/baselines", token: server.tokens.admin, json: baselineJSON()), status: 404)
            expectProblem(try await client.call(.get, "/v1/agents/\(id)/baselines/7", token: server.tokens.admin), status: 404)
            expectProblem(try await client.call(.post, "/v1/agents/\(id)/baselines/7/approve", token: server.tokens.reviewer), status: 404)
            expectProblem(
                try await client.call(.post, "/v1/agents/\(id)/baselines", token: server.tokens.admin, json: #"{"grants":"all"}"#),
                status: 400
            )
            #expect(try await rowCounts(server) == before)
            _ = try await client.call(.delete, "/v1/agents/\(id)", token: server.tokens.admin)
            expectProblem(try await client.call(.post, "/v1/agents/\(id)/baselines", token: server.tokens.admin, json: baselineJSON()), status: 409)
        }
    }

    @Test func exceptionsMarkFindingsUntilTheyExpire() async throws {
        try await withLiveServer { server, client in
            let id = try await Self.makeAgent(client, server)
            let creates = baselineJSON(
                namespace: "ai-agents",
                rules: #"[{"apiGroups":["apps"],"resources":["deployments"],"verbs":["get","create","update"]}]"#
            )
            let proposed = try await client.call(.post, "/v1/agents/\(id)/baselines", token: server.tokens.admin, json: creates)
            let workload = try #require((proposed.json?["findings"] as? [[String: Any]])?.first { $0["ruleId"] as? String == "WDN-RBAC-026" })
            #expect(workload["excepted"] as? Bool == false)
            #expect((workload["serviceAccounts"] as? [String])?.contains("coding-agent") == true)

            let expires = Date().addingTimeInterval(7 * 86_400)
            let formatter = ISO8601DateFormatter()
            let body = #"{"ruleId":"WDN-RBAC-026","justification":"deploys its own preview apps","expiresAt":"\#(formatter.string(from: expires))"}"#
            let created = try await client.call(.post, "/v1/agents/\(id)/exceptions", token: server.tokens.reviewer, json: body)
            #expect(created.status == .created, "\(created.text)")
            #expect(created.json?["active"] as? Bool == true)
            let exceptionID = try #require(created.json?["id"] as? Int)

            let seen = try await client.call(.get, "/v1/agents/\(id)/baselines/1", token: server.tokens.auditor)
            let marked = try #require((seen.json?["findings"] as? [[String: Any]])?.first { $0["ruleId"] as? String == "WDN-RBAC-026" })
            #expect(marked["excepted"] as? Bool == true)
            #expect(marked["exceptionId"] as? Int == exceptionID)

            // Eight days later it has expired by itself.
            server.clock.advance(by: 8 * 86_400)
            let later = try await client.call(.get, "/v1/agents/\(id)/baselines/1", token: server.tokens.auditor)
            #expect(
                ((later.json?["findings"] as? [[String: Any]])?.first { $0["ruleId"] as? String == "WDN-RBAC-026" })?["excepted"] as? Bool == false
            )
            let list = try await client.call(.get, "/v1/agents/\(id)/exceptions", token: server.tokens.auditor)
            #expect(((list.json?["items"] as? [[String: Any]])?.first)?["active"] as? Bool == false)

            let tooLong =
                #"{"ruleId":"WDN-RBAC-026","justification":"x","expiresAt":"\#(formatter.string(from: Date().addingTimeInterval(200 * 86_400)))"}"#
            #expect(
                pointers(
                    expectProblem(
                        try await client.call(.post, "/v1/agents/\(id)/exceptions", token: server.tokens.reviewer, json: tooLong),
                        status: 400
                    )
                ) == ["/expiresAt"]
            )
            let unknown = #"{"ruleId":"NOPE","justification":"x","expiresAt":"\#(formatter.string(from: expires.addingTimeInterval(8 * 86_400)))"}"#
            #expect(
                pointers(
                    expectProblem(
                        try await client.call(.post, "/v1/agents/\(id)/exceptions", token: server.tokens.reviewer, json: unknown),
                        status: 400
                    )
                ) == ["/ruleId"]
            )
            let revoked = try await client.call(.delete, "/v1/agents/\(id)/exceptions/\(exceptionID)", token: server.tokens.admin)
            #expect(revoked.json?["revokedBy"] as? String == "alice")
            expectProblem(try await client.call(.delete, "/v1/agents/\(id)/exceptions/999", token: server.tokens.admin), status: 404)
        }
    }

    @Test func statelessCheckOfThePlaybookExamples() async throws {
        try await withLiveServer { server, client in
            let before = try await rowCounts(server)
            let response = try await client.call(
                .post,
                "/v1/guardrails/check",
                token: server.tokens.collector,
                bytes: Array(try Self.playbookExamples().utf8),
                contentType: "application/yaml"
            )
            #expect(response.status == .ok, "\(response.text)")
            #expect(Set(Self.ruleIDs(response.json)) == ["WDN-RBAC-026", "WDN-POD-017", "WDN-NS-002", "WDN-NET-001", "WDN-AUD-001"])
            #expect((response.json?["summary"] as? [String: Any])?["high"] as? Int ?? 0 >= 1)
            expectProblem(
                try await client.call(
                    .post,
                    "/v1/guardrails/check",
                    token: server.tokens.auditor,
                    bytes: Array("a: [".utf8),
                    contentType: "application/yaml"
                ),
                status: 400
            )
            expectProblem(
                try await client.call(.post, "/v1/guardrails/check", token: server.tokens.auditor, bytes: [], contentType: "application/yaml"),
                status: 400
            )
            #expect(try await rowCounts(server) == before)
            let catalogue = try await client.call(.get, "/v1/guardrails", token: server.tokens.collector)
            let rules = try #require(catalogue.json?["items"] as? [[String: Any]])
            #expect(rules.count >= 30)
            #expect(rules.allSatisfy { ($0["remediation"] as? String)?.isEmpty == false })
        }
    }

    @Test func generatedManifestsPassWardensOwnGuardrails() async throws {
        try await withLiveServer { server, client in
            let id = try await Self.makeAgent(client, server)
            expectProblem(try await client.call(.get, "/v1/agents/\(id)/manifests", token: server.tokens.auditor), status: 404)
            let rules =
                #"[{"apiGroups":[""],"resources":["pods","pods/log"],"verbs":["get","list","watch"]},{"apiGroups":[""],"resources":["configmaps"],"resourceNames":["agent-settings"],"verbs":["get"]}]"#
            _ = try await client.call(
                .post,
                "/v1/agents/\(id)/baselines",
                token: server.tokens.admin,
                json: baselineJSON(namespace: "ai-agents", rules: rules)
            )
            _ = try await client.call(.post, "/v1/agents/\(id)/baselines/1/approve", token: server.tokens.reviewer)
            let manifests = try await client.call(.get, "/v1/agents/\(id)/manifests", token: server.tokens.auditor)
            #expect(manifests.status == .ok, "\(manifests.text)")
            #expect(manifests.headers[.contentType] == "application/yaml")
            let yaml = manifests.text
            for kind in ["Namespace", "ServiceAccount", "Role", "RoleBinding", "NetworkPolicy", "ResourceQuota", "LimitRange", "Policy"] {
                #expect(yaml.contains("kind: \(kind)\n"), "missing \(kind)")
            }
            #expect(!yaml.contains("ClusterRole"))
            let check = try await client.call(
                .post,
                "/v1/guardrails/check?agentId=\(id)",
                token: server.tokens.auditor,
                bytes: Array(yaml.utf8),
                contentType: "application/yaml"
            )
            #expect(check.status == .ok, "\(check.text)")
            #expect(Self.ruleIDs(check.json) == [], "\(check.text)")
        }
    }
}
