import Crypto
import Foundation
import HummingbirdTesting
import Testing
import WardenCore
import WardenTestSupport

@Suite("Attestation reports over HTTP")
struct AttestationAPITests {
    static func fixture(_ name: String) throws -> String {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../WardenCoreTests/Fixtures/\(name)")
        return try String(contentsOf: url, encoding: .utf8)
    }

    static let agentGrants = #"[{"apiGroups":[""],"resources":["pods","pods/log"],"verbs":["get","list","watch"]}]"#

    /// The coding agent of the fixtures, registered, with its baseline approved by a second person.
    static func registerCoder(_ client: any TestClientProtocol, _ server: TestServer) async throws -> Int {
        let created = try await client.call(
            .post,
            "/v1/agents",
            token: server.tokens.admin,
            json: agentJSON(name: "coder", namespace: "ai-agents", serviceAccount: "coding-agent", owner: "platform-team")
        )
        let id = try #require(created.json?["id"] as? Int, "\(created.text)")
        let proposed = try await client.call(
            .post,
            "/v1/agents/\(id)/baselines",
            token: server.tokens.admin,
            json: baselineJSON(namespace: "ai-agents", rules: agentGrants)
        )
        #expect(proposed.status == .created, "\(proposed.text)")
        let approved = try await client.call(.post, "/v1/agents/\(id)/baselines/1/approve", token: server.tokens.reviewer, json: "{}")
        #expect(approved.status == .ok, "\(approved.text)")
        return id
    }

    static func upload(_ client: any TestClientProtocol, _ server: TestServer, _ yaml: String) async throws -> Int {
        let response = try await client.call(
            .post,
            "/v1/clusters/prod/snapshots",
            token: server.tokens.collector,
            bytes: Array(yaml.utf8),
            contentType: "application/yaml"
        )
        #expect(response.status == .created, "\(response.text)")
        return try #require(response.json?["id"] as? Int)
    }

    static func attest(_ client: any TestClientProtocol, _ server: TestServer, body: String? = nil) async throws -> [String: Any] {
        let response = try await client.call(.post, "/v1/clusters/prod/attestations", token: server.tokens.auditor, json: body)
        #expect(response.status == .created, "\(response.text)")
        #expect(response.headers[.location] == "/v1/attestations/\(response.json?["id"] as? Int ?? -1)")
        return try #require(response.json)
    }

    static func findings(_ report: [String: Any]) -> [[String: Any]] {
        let agents = (report["agents"] as? [[String: Any]]) ?? []
        let cluster = ((report["clusterFindings"] as? [String: Any])?["findings"] as? [[String: Any]]) ?? []
        return agents.flatMap { ($0["findings"] as? [[String: Any]]) ?? [] } + cluster
    }

    static func has(_ findings: [[String: Any]], id: String, severity: String, object: String? = nil) -> Bool {
        findings.contains { f in
            f["id"] as? String == id && f["severity"] as? String == severity
                && (object == nil || (f["object"] as? [String: Any])?["name"] as? String == object)
        }
    }

    @Test func cleanIsCompliantAndDriftIsReportedSignedAndDiffed() async throws {
        try await withLiveServer { server, client in
            _ = try await Self.registerCoder(client, server)
            let clean = try Self.fixture("attestation-clean.yaml")
            let cleanSnapshot = try await Self.upload(client, server, clean)
            let first = try await Self.attest(client, server)
            #expect(first["verdict"] as? String == "compliant", "\(first)")
            #expect(first["snapshotId"] as? Int == cleanSnapshot)
            #expect(first["agents"] as? Int == 1)

            _ = try await Self.upload(client, server, clean + "\n" + (try Self.fixture("attestation-drift.yaml")))
            let second = try await Self.attest(client, server)
            let id = try #require(second["id"] as? Int)
            #expect(second["verdict"] as? String == "non_compliant")
            #expect((second["reasons"] as? [String])?.isEmpty == false)

            // The canonical report: its SHA-256 is the stored digest.
            let json = try await client.call(.get, "/v1/attestations/\(id)", token: server.tokens.auditor)
            #expect(json.status == .ok)
            #expect(json.headers[.contentType]?.hasPrefix("application/json") == true)
            let bytes = Array(json.body.readableBytesView)
            #expect("sha256:" + SHA256.hash(data: bytes).map { String(format: "%02x", $0) }.joined() == second["reportDigest"] as? String)
            let report = try #require(json.json)
            let all = Self.findings(report)
            #expect(Self.has(all, id: "DRIFT-001", severity: "high", object: "extra-secrets"), "an extra RoleBinding")
            #expect(
                Self.has(all, id: "DRIFT-001", severity: "high", object: "all-serviceaccounts-read-nodes"),
                "a ClusterRoleBinding through a group"
            )
            #expect(Self.has(all, id: "WDN-RBAC-010", severity: "high"), "an aggregated role that gains secrets")
            #expect(Self.has(all, id: "WDN-POD-001", severity: "high", object: "rogue"), "a pod without the restricted profile")
            #expect(Self.has(all, id: "WDN-NET-001", severity: "high", object: "rogue"), "a missing NetworkPolicy")
            #expect(Self.has(all, id: "ATT-007", severity: "high", object: "shadow-bot"), "an unregistered ServiceAccount")
            let agent = try #require((report["agents"] as? [[String: Any]])?.first)
            #expect((agent["review"] as? [String: Any])?["standing"] as? String == "current")

            // Every format.
            let html = try await client.call(.get, "/v1/attestations/\(id)", token: server.tokens.auditor, headers: ["Accept": "text/html"])
            #expect(html.headers[.contentType]?.hasPrefix("text/html") == true)
            #expect(html.text.contains("non_compliant") || html.text.contains("Non-compliant") || html.text.contains("non-compliant"))
            #expect(html.text.contains("<svg"))
            #expect(!html.text.contains("src=\"http") && !html.text.contains("href=\"http") && !html.text.contains("<link"))
            let markdown = try await client.call(.get, "/v1/attestations/\(id)", token: server.tokens.auditor, headers: ["Accept": "text/markdown"])
            #expect(markdown.headers[.contentType]?.hasPrefix("text/markdown") == true)
            #expect(markdown.text.hasPrefix("#"))
            let csv = try await client.call(.get, "/v1/attestations/\(id)", token: server.tokens.auditor, headers: ["Accept": "text/csv"])
            #expect(csv.text.contains("DRIFT-001") && csv.text.contains("\r\n"))
            let sarif = try await client.call(
                .get,
                "/v1/attestations/\(id)",
                token: server.tokens.auditor,
                headers: ["Accept": "application/sarif+json"]
            )
            #expect(sarif.headers[.contentType]?.hasPrefix("application/sarif+json") == true)
            #expect(sarif.json?["version"] as? String == "2.1.0")
            let preferred = try await client.call(
                .get,
                "/v1/attestations/\(id)",
                token: server.tokens.auditor,
                headers: ["Accept": "text/markdown;q=0.5, text/html"]
            )
            #expect(preferred.headers[.contentType]?.hasPrefix("text/html") == true)

            // The envelope verifies here, with the key Warden publishes, and fails when changed.
            let keys = try await client.call(.get, "/v1/attestation-keys", token: server.tokens.auditor)
            let key = try #require((keys.json?["items"] as? [[String: Any]])?.first)
            #expect(key["status"] as? String == "active" && key["keyid"] as? String == testSigningKey.keyid)
            #expect(key["hex"] as? String == testSigningKey.verificationKey.hex)
            let envelope = try await client.call(.get, "/v1/attestations/\(id)/envelope", token: server.tokens.auditor)
            let env = try #require(envelope.json)
            #expect(env["payloadType"] as? String == "application/vnd.in-toto+json")
            #expect(((env["signatures"] as? [[String: Any]])?.first?["keyid"] as? String) == testSigningKey.keyid)
            let statement = try #require(
                (try? JSONSerialization.jsonObject(with: Data(base64Encoded: env["payload"] as? String ?? "") ?? Data())) as? [String: Any]
            )
            #expect(statement["_type"] as? String == "https://in-toto.io/Statement/v1")
            let predicate = try #require(statement["predicate"] as? [String: Any])
            #expect(predicate["reportId"] as? Int == id)
            #expect((predicate["baselines"] as? [[String: Any]])?.count == 1)
            let verified = try await client.call(.post, "/v1/attestations/verify", token: server.tokens.auditor, json: envelope.text)
            #expect(verified.json?["verified"] as? Bool == true, "\(verified.text)")
            #expect(verified.json?["matchesStoredReport"] as? Bool == true)
            #expect(verified.json?["verdict"] as? String == "non_compliant")
            var tampered = env
            var payload = Data(base64Encoded: env["payload"] as! String)!
            payload[payload.count / 2] ^= 0x01
            tampered["payload"] = payload.base64EncodedString()
            let tamperedText = String(decoding: try JSONSerialization.data(withJSONObject: tampered), as: UTF8.self)
            let refused = try await client.call(.post, "/v1/attestations/verify", token: server.tokens.auditor, json: tamperedText)
            #expect(refused.status == .ok)
            #expect(refused.json?["verified"] as? Bool == false)
            #expect((refused.json?["reason"] as? String)?.isEmpty == false)

            // What got worse, and the list.
            let diff = try await client.call(.get, "/v1/attestations/\(id)/diff?against=\(first["id"] as? Int ?? 0)", token: server.tokens.auditor)
            #expect(diff.status == .ok, "\(diff.text)")
            #expect(diff.json?["direction"] as? String == "worsened")
            let list = try await client.call(.get, "/v1/attestations?cluster=prod", token: server.tokens.reviewer)
            #expect((list.json?["items"] as? [[String: Any]])?.map { $0["id"] as? Int } == [id, first["id"] as? Int])

            // Reports never change, even from SQL.
            await #expect(throws: (any Error).self) { try await server.db.execute("UPDATE attestations SET verdict = 'compliant'") }
            await #expect(throws: (any Error).self) { try await server.db.execute("DELETE FROM attestations") }

            // Offline: `warden verify` with the published key.
            let dir = FileManager.default.temporaryDirectory.appendingPathComponent("warden-verify-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: dir) }
            try (key["pem"] as! String).write(to: dir.appendingPathComponent("key.pem"), atomically: true, encoding: .utf8)
            try Data(envelope.body.readableBytesView).write(to: dir.appendingPathComponent("envelope.json"))
            try Data(tamperedText.utf8).write(to: dir.appendingPathComponent("tampered.json"))
            try Data(bytes).write(to: dir.appendingPathComponent("report.json"))
            let ok = try WardenCLI.run([
                "verify", "--key", dir.appendingPathComponent("key.pem").path,
                "--report", dir.appendingPathComponent("report.json").path, dir.appendingPathComponent("envelope.json").path,
            ])
            #expect(ok.status == 0, "\(ok.output)")
            #expect(ok.output.contains("verified") && ok.output.contains("report digest matches"))
            let bad = try WardenCLI.run([
                "verify", "--key", dir.appendingPathComponent("key.pem").path, dir.appendingPathComponent("tampered.json").path,
            ])
            #expect(bad.status == 1, "\(bad.output)")
            let wrongReport = try WardenCLI.run([
                "verify", "--key", dir.appendingPathComponent("key.pem").path,
                "--report", dir.appendingPathComponent("key.pem").path, dir.appendingPathComponent("envelope.json").path,
            ])
            #expect(wrongReport.status == 1)
        }
    }

    @Test func badInputGetsProblemsAndChangesNothing() async throws {
        try await withLiveServer { server, client in
            _ = try await Self.registerCoder(client, server)
            let before = try await rowCounts(server)
            // No snapshot of the cluster yet.
            expectProblem(try await client.call(.post, "/v1/clusters/prod/attestations", token: server.tokens.auditor), status: 409)
            expectProblem(try await client.call(.post, "/v1/clusters/bad%20name/attestations", token: server.tokens.auditor), status: 400)
            expectProblem(try await client.call(.post, "/v1/clusters/prod/attestations", token: server.tokens.collector), status: 403)
            #expect(try await rowCounts(server) == before)
            let other = try await client.call(
                .post,
                "/v1/clusters/staging/snapshots",
                token: server.tokens.admin,
                bytes: Array(try Self.fixture("attestation-clean.yaml").utf8),
                contentType: "application/yaml"
            )
            let otherID = try #require(other.json?["id"] as? Int)
            let counts = try await rowCounts(server)
            #expect(
                pointers(
                    expectProblem(
                        try await client.call(
                            .post,
                            "/v1/clusters/prod/attestations",
                            token: server.tokens.auditor,
                            json: #"{"snapshotId":\#(otherID)}"#
                        ),
                        status: 400
                    )
                ) == ["/snapshotId"]
            )
            expectProblem(
                try await client.call(.post, "/v1/clusters/prod/attestations", token: server.tokens.auditor, json: #"{"snapshotId":99999}"#),
                status: 404
            )
            expectProblem(
                try await client.call(.post, "/v1/clusters/prod/attestations", token: server.tokens.auditor, json: #"{"snapshotId":"x"}"#),
                status: 400
            )
            expectProblem(
                try await client.call(.post, "/v1/clusters/prod/attestations", token: server.tokens.auditor, json: #"{"snapshot":1}"#),
                status: 400
            )
            #expect(try await rowCounts(server) == counts)
            expectProblem(try await client.call(.get, "/v1/attestations/99999", token: server.tokens.auditor), status: 404)
            expectProblem(try await client.call(.get, "/v1/attestations/99999/envelope", token: server.tokens.auditor), status: 404)
            expectProblem(try await client.call(.get, "/v1/attestations/1/diff", token: server.tokens.auditor), status: 400)
            expectProblem(
                try await client.call(
                    .post,
                    "/v1/attestations/verify",
                    token: server.tokens.auditor,
                    json: #"{"payload":"!!","payloadType":"x","signatures":[]}"#
                ),
                status: 400
            )
            expectProblem(try await client.call(.post, "/v1/attestations/verify", token: server.tokens.auditor, json: "{"), status: 400)
        }
    }
}
