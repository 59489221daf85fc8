import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing
import WardenCore
import WardenTestSupport

/// Each role against each operation: allowed ones never get 401/403, the rest get exactly 403.
@Suite("Authorization matrix")
struct AuthorizationMatrixTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var operation: String
        var method: HTTPRequest.Method
        var path: String
        var body: String?
        var contentType = "application/json"
        var headers: [String: String] = [:]
        var testDescription: String { operation }
    }

    static let cases: [Case] = [
        Case(operation: "getWhoAmI", method: .get, path: "/v1/whoami"),
        Case(operation: "createToken", method: .post, path: "/v1/tokens", body: #"{"name":"ci","role":"auditor"}"#),
        Case(operation: "listTokens", method: .get, path: "/v1/tokens"),
        Case(operation: "revokeToken", method: .delete, path: "/v1/tokens/999999"),
        Case(operation: "createAgent", method: .post, path: "/v1/agents", body: agentJSON(name: "m", serviceAccount: "matrix")),
        Case(operation: "listAgents", method: .get, path: "/v1/agents"),
        Case(operation: "getAgent", method: .get, path: "/v1/agents/999999"),
        Case(
            operation: "updateAgent",
            method: .patch,
            path: "/v1/agents/999999",
            body: "{}",
            contentType: "application/merge-patch+json",
            headers: ["If-Match": "*"]
        ),
        Case(operation: "retireAgent", method: .delete, path: "/v1/agents/999999"),
        Case(operation: "listAuditEvents", method: .get, path: "/v1/audit-events"),
        Case(operation: "verifyAuditEvents", method: .get, path: "/v1/audit-events/verify"),
        Case(
            operation: "createSnapshot",
            method: .post,
            path: "/v1/clusters/prod/snapshots",
            body: #"{"apiVersion":"v1","kind":"List","items":[]}"#
        ),
        Case(operation: "listSnapshots", method: .get, path: "/v1/clusters/prod/snapshots"),
        Case(operation: "getSnapshot", method: .get, path: "/v1/snapshots/999999"),
        Case(operation: "getSnapshotContent", method: .get, path: "/v1/snapshots/999999/content"),
        Case(
            operation: "reviewSubjectAccess",
            method: .post,
            path: "/v1/snapshots/999999/subjectaccessreviews",
            body: #"{"spec":{"user":"u","resourceAttributes":{"verb":"get","resource":"pods"}}}"#
        ),
        Case(operation: "canI", method: .get, path: "/v1/snapshots/999999/can-i?as=u&verb=get&resource=pods"),
        Case(operation: "whoCan", method: .get, path: "/v1/snapshots/999999/who-can?verb=get&resource=pods"),
        Case(operation: "getPermissions", method: .get, path: "/v1/snapshots/999999/permissions?as=u"),
        Case(operation: "listGuardrails", method: .get, path: "/v1/guardrails"),
        Case(
            operation: "checkGuardrails",
            method: .post,
            path: "/v1/guardrails/check",
            body: "apiVersion: v1\nkind: List\nitems: []\n",
            contentType: "application/yaml"
        ),
        Case(operation: "proposeBaseline", method: .post, path: "/v1/agents/999999/baselines", body: baselineJSON()),
        Case(operation: "listBaselines", method: .get, path: "/v1/agents/999999/baselines"),
        Case(operation: "getBaseline", method: .get, path: "/v1/agents/999999/baselines/1"),
        Case(operation: "approveBaseline", method: .post, path: "/v1/agents/999999/baselines/1/approve", body: "{}"),
        Case(operation: "rejectBaseline", method: .post, path: "/v1/agents/999999/baselines/1/reject", body: #"{"reason":"no"}"#),
        Case(operation: "getCurrentBaseline", method: .get, path: "/v1/agents/999999/baseline"),
        Case(operation: "getAgentManifests", method: .get, path: "/v1/agents/999999/manifests"),
        Case(
            operation: "createException",
            method: .post,
            path: "/v1/agents/999999/exceptions",
            body: #"{"ruleId":"WDN-RBAC-026","justification":"j","expiresAt":"2999-01-01T00:00:00Z"}"#
        ),
        Case(operation: "listExceptions", method: .get, path: "/v1/agents/999999/exceptions"),
        Case(operation: "revokeException", method: .delete, path: "/v1/agents/999999/exceptions/1"),
        Case(operation: "getReviewPolicy", method: .get, path: "/v1/review-policy"),
        Case(
            operation: "updateReviewPolicy",
            method: .put,
            path: "/v1/review-policy",
            body:
                #"{"intervalDays":{"critical":30,"high":90,"medium":180,"low":365},"reminderOffsetsDays":[14,7,3,1,0],"overdueRepeatDays":1,"escalateAfterDays":7,"noResponse":"no_change"}"#
        ),
        Case(operation: "openReview", method: .post, path: "/v1/agents/999999/reviews"),
        Case(operation: "listReviews", method: .get, path: "/v1/reviews"),
        Case(operation: "getReview", method: .get, path: "/v1/reviews/999999"),
        Case(operation: "decideReview", method: .post, path: "/v1/reviews/999999/decision", body: #"{"decision":"certify"}"#),
        Case(
            operation: "createNotificationChannel",
            method: .post,
            path: "/v1/notification-channels",
            body: #"{"name":"n","url":"https://example.com/hook","secret":"0123456789abcdef","events":["review.opened"]}"#
        ),
        Case(operation: "listNotificationChannels", method: .get, path: "/v1/notification-channels"),
        Case(operation: "deleteNotificationChannel", method: .delete, path: "/v1/notification-channels/999999"),
        Case(operation: "listDeliveries", method: .get, path: "/v1/deliveries"),
        Case(operation: "retryDelivery", method: .post, path: "/v1/deliveries/00000000-0000-0000-0000-000000000000/retry"),
        Case(operation: "createAttestation", method: .post, path: "/v1/clusters/prod/attestations"),
        Case(operation: "listAttestations", method: .get, path: "/v1/attestations"),
        Case(operation: "getAttestation", method: .get, path: "/v1/attestations/999999"),
        Case(operation: "getAttestationEnvelope", method: .get, path: "/v1/attestations/999999/envelope"),
        Case(operation: "diffAttestations", method: .get, path: "/v1/attestations/999999/diff?against=1"),
        Case(
            operation: "verifyAttestation",
            method: .post,
            path: "/v1/attestations/verify",
            body: #"{"payload":"e30=","payloadType":"application/vnd.in-toto+json","signatures":[{"keyid":"k","sig":"AAAA"}]}"#
        ),
        Case(operation: "listAttestationKeys", method: .get, path: "/v1/attestation-keys"),
    ]

    @Test func everyOperationInTheContractIsInTheMatrix() throws {
        let spec = try String(
            contentsOf: URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../openapi.yaml"),
            encoding: .utf8
        )
        let ids = spec.split(separator: "\n").compactMap { line -> String? in
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            guard trimmed.hasPrefix("operationId:") else { return nil }
            return trimmed.dropFirst("operationId:".count).trimmingCharacters(in: .whitespaces)
        }
        let covered = Set(Self.cases.map(\.operation)).union(AccessPolicy.anonymous)
        #expect(Set(ids) == covered)
        #expect(Set(ids) == Set(AccessPolicy.table.keys).union(AccessPolicy.anonymous))
    }

    @Test(arguments: cases)
    func rolesGetExactlyWhatThePolicySays(_ c: Case) async throws {
        try await withLiveServer { server, client in
            for role in TokenRole.allCases {
                let response = try await client.call(
                    c.method,
                    c.path,
                    token: server.tokens.token(for: role),
                    json: c.body,
                    contentType: c.contentType,
                    headers: c.headers
                )
                let allowed = AccessPolicy.table[c.operation]?.contains(role) ?? false
                if allowed {
                    #expect(![401, 403].contains(response.status.code), "\(role) on \(c.operation): \(response.text)")
                    #expect(response.status.code < 500, "\(role) on \(c.operation): \(response.text)")
                } else {
                    expectProblem(response, status: 403)
                }
            }
            let anonymous = try await client.call(c.method, c.path, token: nil, json: c.body, contentType: c.contentType, headers: c.headers)
            expectProblem(anonymous, status: 401)
            #expect(anonymous.headers[.wwwAuthenticate]?.hasPrefix("Bearer") == true)
        }
    }

    @Test func unknownExpiredAndRevokedTokensAre401() async throws {
        try await withLiveServer { server, client in
            let unknown = try await client.call(.get, "/v1/agents", token: "wdn_" + String(repeating: "A", count: 43))
            expectProblem(unknown, status: 401)
            #expect(unknown.headers[.wwwAuthenticate] != nil)
            expectProblem(try await client.call(.get, "/v1/agents", token: "not-a-token"), status: 401)
            var headers = HTTPFields()
            headers[.authorization] = "Basic YWxpY2U6c2VjcmV0"
            let basic = try await client.executeRequest(uri: "/v1/agents", method: .get, headers: headers, body: nil)
            expectProblem(basic, status: 401)
            // Spaces and tabs around the credentials are HTTP's optional whitespace; anything else is part of it.
            headers[.authorization] = "Bearer \t\(server.tokens.admin) \t"
            #expect(try await client.executeRequest(uri: "/v1/agents", method: .get, headers: headers, body: nil).status == .ok)
            for padded in ["Bearer \(server.tokens.admin)\u{A0}", "Bearer \(server.tokens.admin)x", "Bearer  \t "] {
                headers[.authorization] = padded
                expectProblem(try await client.executeRequest(uri: "/v1/agents", method: .get, headers: headers, body: nil), status: 401)
            }

            let created = try await client.call(
                .post,
                "/v1/tokens",
                token: server.tokens.admin,
                json: #"{"name":"short","role":"auditor","expiresInDays":1}"#
            )
            #expect(created.status == .created, "\(created.text)")
            let secret = try #require(created.json?["token"] as? String)
            #expect(try await client.call(.get, "/v1/agents", token: secret).status == .ok)
            server.clock.advance(by: 86_400 + 1)
            expectProblem(try await client.call(.get, "/v1/agents", token: secret), status: 401)

            let second = try await client.call(.post, "/v1/tokens", token: server.tokens.admin, json: #"{"name":"gone","role":"reviewer"}"#)
            let secondSecret = try #require(second.json?["token"] as? String)
            let secondID = try #require((second.json?["tokenInfo"] as? [String: Any])?["id"] as? Int)
            #expect(try await client.call(.get, "/v1/agents", token: secondSecret).status == .ok)
            let revoked = try await client.call(.delete, "/v1/tokens/\(secondID)", token: server.tokens.admin)
            #expect(revoked.status == .ok)
            #expect(revoked.json?["revokedAt"] is String)
            expectProblem(try await client.call(.get, "/v1/agents", token: secondSecret), status: 401)
        }
    }
}
